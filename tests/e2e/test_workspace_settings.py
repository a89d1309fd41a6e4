"""The branding settings page in headless Chromium at a phone's 390 px and a desktop's 1280 px.

An admin types a name and a colour and chooses a logo: the preview follows before anything is
saved; saving keeps it, and the sample PDF carries the name.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from assessment.services import accounts, branding
from assessment.store.workspace import SiteSettings
from assessment.web import branding as site_branding
from assessment.web.auth import password_hash
from assessment.web.database import db
from tests.e2e.test_workspace import ADMIN_PASSWORD, _sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def server_branding_restored(server):
    """The server is shared by the browser tests: put its branding back to the environment's afterwards."""
    yield
    _, app = server
    with app.test_request_context():
        row = db.session.get(SiteSettings, 1)
        if row is not None:
            db.session.delete(row)
            db.session.commit()
        site_branding.forget()
    with app.app_context():
        assert branding.stored(db.session) == branding.Stored()


@pytest.mark.parametrize("tag, width", [("phone", 390), ("desktop", 1280)])
def test_admin_previews_and_saves_the_branding(server, browser, shots, tmp_path, tag, width, server_branding_restored):
    base, app = server
    email = f"brand-admin-{tag}@example.jp"
    with app.app_context():
        accounts.create_account(db.session, email=email, password_hash=password_hash(ADMIN_PASSWORD), role_name="admin")
    logo = tmp_path / "logo.png"
    Image.new("RGB", (160, 60), (0, 110, 80)).save(logo)
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP", accept_downloads=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _sign_in(page, base, email, ADMIN_PASSWORD)

    page.get_by_role("link", name="設定").click()
    page.get_by_label("コンサルティング会社名").fill(f"ブランド{tag}株式会社")
    page.get_by_label("ブランドカラー").fill("#006e50")
    page.get_by_label("ロゴ（PNG または JPEG、200 KBまで）").set_input_files(str(logo))
    preview = page.locator("#cover-preview")
    # Before saving: the preview shows what is typed and the chosen file.
    assert preview.locator('[data-preview="name"]').text_content() == f"ブランド{tag}株式会社"
    assert preview.locator('[data-preview="color"]').first.get_attribute("fill") == "#006e50"
    page.wait_for_function(
        "document.querySelector('#cover-preview [data-preview=logo]').getAttribute('href').startsWith('data:image/png')"
    )
    page.screenshot(path=str(shots / f"settings-preview-{width}.png"), full_page=True)

    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"{base}/workspace/settings")
    assert "設定を保存しました" in page.locator("main").inner_text()
    assert page.get_by_label("コンサルティング会社名").input_value() == f"ブランド{tag}株式会社"
    assert "/workspace/settings/logo" in (preview.locator('[data-preview="logo"]').get_attribute("href") or "")
    page.screenshot(path=str(shots / f"settings-saved-{width}.png"), full_page=True)

    with page.expect_download() as download:
        page.evaluate("url => { const a = document.createElement('a'); a.href = url; a.download = ''; a.click(); }",
                      f"{base}/workspace/settings/sample.pdf?locale=ja")  # fmt: skip
    data = download.value.path().read_bytes()
    assert f"ブランド{tag}株式会社" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert errors == []
    ctx.close()
