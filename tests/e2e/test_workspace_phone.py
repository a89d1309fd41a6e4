"""The workspace on a phone's 390 px in headless Chromium: nothing sticks out sideways on a client's
page or in the leads inbox, and the account pages' own sign-out signs out."""

from __future__ import annotations

import re

import pytest

from assessment.services import accounts
from assessment.services.leads import capture_lead
from assessment.web.auth import password_hash
from assessment.web.database import db
from tests.e2e.test_workspace import ADMIN_PASSWORD, _sign_in
from tests.factories import make_answers, make_assessment

pytestmark = pytest.mark.browser
# An address as long as real ones get (a department and a long corporate domain): one word to a browser.
EMAIL = "marketing-strategy-office.tokyo@long-corporate-domain-example.co.jp"


def test_a_client_page_fits_a_phone_and_the_account_page_signs_out(server, browser, shots):
    base, app = server
    with app.app_context():
        accounts.create_account(db.session, email=EMAIL, password_hash=password_hash(ADMIN_PASSWORD), role_name="admin")
        own = make_assessment(db.session, make_answers(1))
        capture_lead(
            db.session, own, name="電話 花子", company="株式会社電話", email="hanako@denwa.co.jp", role="cmo",
            company_size="s1_9", consent=True, consent_text="同意します", locale="ja",
        )  # fmt: skip
    ctx = browser.new_context(viewport={"width": 390, "height": 900}, locale="ja-JP")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _sign_in(page, base, EMAIL, ADMIN_PASSWORD)

    page.goto(f"{base}/workspace/clients/new")
    page.get_by_label("会社名").fill("株式会社スマホ表示")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/workspace/clients/\d+$"))
    assert page.locator(".facts-grid dd").filter(has_text=EMAIL).is_visible()  # the owner, as the page shows it
    page.screenshot(path=str(shots / "ws-phone-client.png"), full_page=True)
    # The owner's address wraps in its cell instead of widening the page (it was 415 px wide).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The leads inbox keeps its header words whole and scrolls sideways in its frame (its headers
    # were stacked a character a line, the pitfall column one character wide).
    page.goto(f"{base}/workspace/leads")
    # Lines each header's words take: a range over its text has a box per line.
    lines = page.locator(".ws-table th").evaluate_all(
        "ths => ths.map(th => { const r = document.createRange(); r.selectNodeContents(th); "
        "return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; })"
    )
    assert lines and max(lines) == 1, lines
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "ws-phone-leads.png"), full_page=True)

    # The password page's own sign-out (Flask-Security's menu had one without a CSRF token: a 400).
    page.goto(f"{base}/account/change")
    page.screenshot(path=str(shots / "ws-phone-account.png"), full_page=True)
    page.locator("main").get_by_role("button", name="ログアウト").click()
    page.wait_for_url(re.compile(r"/account/login"))
    page.goto(f"{base}/workspace/clients")
    page.wait_for_url(re.compile(r"/account/login"))  # signed out for real
    ctx.close()
    assert errors == [], errors
