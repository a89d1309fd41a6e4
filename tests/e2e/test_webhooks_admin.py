"""The admin's webhook pages in headless Chromium, at a phone's 390 px and a desktop's 1280 px: a refused
private address, a receiver added, its secret copied once, a test message delivered and verified."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from assessment.services import accounts
from assessment.web.auth import password_hash
from assessment.web.database import db
from tests.e2e.conftest import _serve
from tests.e2e.test_workspace import _sign_in

pytestmark = pytest.mark.browser
PASSWORD = "admin passphrase 2026"


@pytest.fixture(scope="module")
def hook_server(tmp_path_factory):
    # Deliveries may go to the loopback receiver; the pages' own check is switched per step below.
    yield from _serve(tmp_path_factory.mktemp("e2e-hooks") / "hooks.db", WEBHOOK_ALLOW_PRIVATE=True)


def _no_violations(page) -> None:
    found = Axe().run(page).response["violations"]
    assert found == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in found]


@pytest.mark.parametrize("width", [390, 1280])
def test_admin_adds_a_receiver_and_sends_a_test_message(hook_server, browser, shots, receiver, width):
    base, app = hook_server
    email = f"hooks-{width}@example.jp"
    with app.app_context():
        accounts.create_account(db.session, email=email, password_hash=password_hash(PASSWORD), role_name="admin")
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="ja-JP")
    _sign_in(page, base, email, PASSWORD)
    page.get_by_role("link", name="Webhook").click()
    page.wait_for_url(re.compile(r"/workspace/webhooks$"))

    app.config["WEBHOOK_ALLOW_PRIVATE"] = False  # as in production: the guard refuses loopback
    page.get_by_label("受信先URL").fill(receiver.url)
    page.get_by_label("ラウンドが締められた（round.closed）").check()
    page.get_by_role("button", name="受信先を追加する").click()
    error = page.locator("#url-error")
    assert "プライベート" in error.inner_text()
    page.screenshot(path=str(shots / f"webhooks-refused-{width}.png"), full_page=True)
    _no_violations(page)

    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    page.get_by_role("button", name="受信先を追加する").click()
    secret = page.get_by_label("署名用シークレット").input_value()
    assert secret.startswith("whsec_")
    receiver.secret = secret
    page.get_by_role("button", name="テストメッセージを送る").click()
    (got,) = receiver.wait_for(1)
    assert got.error is None and got.verified["type"] == "webhook.test"
    for _ in range(50):  # the page shows the log as it is; the delivery is written just after the answer
        page.reload()
        if page.get_by_role("cell", name="送信済み").count():
            break
        page.wait_for_timeout(100)
    assert page.get_by_role("cell", name="送信済み").count() == 1
    assert secret not in page.content()  # shown once
    page.screenshot(path=str(shots / f"webhook-log-{width}.png"), full_page=True)
    _no_violations(page)
    page.close()
