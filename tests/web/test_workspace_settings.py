"""Branding and contact settings: admins only, checked, audit-logged, and read by the report and the public pages."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from assessment.services import branding
from assessment.store.workspace import AuditEvent, SiteSettings
from assessment.web.database import db
from tests.web.workspace import signed_in

SETTINGS_URLS = ["/workspace/settings", "/workspace/settings/logo", "/workspace/settings/sample.pdf"]
VALID = {
    "name": "株式会社ブランド診断",
    "color": "#aa3300",
    "contact_url": "https://brand.example.jp/contact",
    "booking_url": "https://brand.example.jp/book",
    "phone": "03-1234-5678",
    "email": "hello@brand.example.jp",
    "privacy_url": "https://brand.example.jp/privacy",
}


def _image(kind: str = "PNG", size: tuple[int, int] = (123, 45)) -> bytes:
    out = io.BytesIO()
    # Noise, not one colour: a real image's compressed data spans the file, so a cut one cannot decode.
    Image.frombytes("RGB", size, bytes((i * 7919) % 251 for i in range(size[0] * size[1] * 3))).save(out, kind)
    return out.getvalue()


def _post(client, data: dict, logo: bytes | None = None, filename: str = "logo.png"):
    form = dict(data)
    if logo is not None:
        form["logo"] = (io.BytesIO(logo), filename)
    return client.post("/workspace/settings", data=form, content_type="multipart/form-data")


def _english_admin(app):
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    admin.set_cookie("cmo_lang", "en")
    return admin


def _stored(app) -> SiteSettings | None:
    with app.app_context():
        return db.session.get(SiteSettings, 1)


@pytest.mark.parametrize("url", SETTINGS_URLS)
def test_signed_out_gets_the_sign_in_page(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/account/login" in response.location


@pytest.mark.parametrize("url", SETTINGS_URLS)
def test_a_consultant_may_not_read_the_settings(app, url):
    consultant, _ = signed_in(app, "plain@example.jp")
    assert consultant.get(url).status_code == 403


def test_a_consultant_may_not_change_them(app):
    consultant, _ = signed_in(app, "plain@example.jp")
    assert _post(consultant, VALID, _image()).status_code == 403
    assert _stored(app) is None


def test_admin_sets_the_branding_and_the_change_is_logged(app):
    admin, admin_id = signed_in(app, "admin@example.jp", "admin")
    response = _post(admin, VALID, _image())
    assert response.status_code == 303
    row = _stored(app)
    assert row is not None
    assert {field: getattr(row, field) for field in VALID} == VALID
    assert row.logo == _image() and row.logo_type == "image/png" and row.updated_by_id == admin_id
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.target == "settings:branding")).one()
    assert event.account_id == admin_id and event.action == "change" and event.detail is not None
    assert "name: (default) -> '株式会社ブランド診断'" in event.detail and "logo: image/png" in event.detail
    # The page shows what is stored, the logo is served to the preview, and saving the same again changes nothing.
    page = admin.get("/workspace/settings").get_data(as_text=True)
    assert 'value="#aa3300"' in page and 'fill="#aa3300"' in page and "株式会社ブランド診断" in page
    logo = admin.get("/workspace/settings/logo")
    assert logo.data == _image() and logo.headers["Content-Type"] == "image/png"
    assert _post(admin, VALID).status_code == 303
    with app.app_context():
        assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.target == "settings:branding")).all()) == 1


def test_the_public_pages_show_the_stored_brand(app):
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    landing = app.test_client().get("/").get_data(as_text=True)
    assert "株式会社ブランド診断" not in landing
    assert _post(admin, VALID).status_code == 303
    landing = app.test_client().get("/").get_data(as_text=True)
    assert "株式会社ブランド診断" in landing and 'href="https://brand.example.jp/privacy"' in landing


def test_the_report_carries_the_stored_name_logo_and_contact(app):
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    assert _post(admin, VALID, _image("JPEG", (140, 50)), "logo.jpg").status_code == 303
    response = admin.get("/workspace/settings/sample.pdf?locale=en")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "株式会社ブランド診断" in text and "https://brand.example.jp/book" in text and "03-1234-5678" in text
    sizes = {image.image.size for image in reader.pages[0].images if image.image is not None}
    assert (140, 50) in sizes  # the uploaded logo, on the cover


def test_removing_the_logo_goes_back_to_the_default(app):
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    assert _post(admin, VALID, _image()).status_code == 303
    assert _post(admin, {**VALID, "remove_logo": "y"}).status_code == 303
    row = _stored(app)
    assert row is not None and row.logo is None and row.logo_type is None
    assert admin.get("/workspace/settings/logo").status_code == 404
    with app.app_context():
        assert branding.report_branding(db.session).logo_data is None


def test_empty_fields_fall_back_to_the_environment(app):
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    assert _post(admin, VALID).status_code == 303
    assert _post(admin, {field: "" for field in VALID}).status_code == 303
    row = _stored(app)
    assert row is not None and all(getattr(row, field) is None for field in VALID)
    with app.app_context():
        assert branding.report_branding(db.session).name == branding.Branding.from_env().name


BAD_VALUES = [
    ("color", "red", "six hex digits"),
    ("color", "#12345g", "six hex digits"),
    ("color", "#123", "six hex digits"),
    ("booking_url", "http://brand.example.jp/book", "https://"),
    ("booking_url", "javascript:alert(1)", "https://"),
    ("contact_url", "https:///no-host", "https://"),
    ("privacy_url", "/privacy", "https://"),
    ("phone", "<script>", "digits"),
    ("email", "not-an-address", "valid email"),
    ("name", "株式会社\x00ブランド", "special characters"),
    ("name", "x" * 101, "at most 100"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_VALUES)
def test_a_bad_value_is_named_and_nothing_is_stored(app, field, value, message):
    admin = _english_admin(app)
    response = _post(admin, {**VALID, field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="https://brand.example.jp/contact"' in page or field == "contact_url"  # the rest is kept
    assert _stored(app) is None


BAD_LOGOS = [
    ("GIF", _image("GIF"), "logo.gif"),
    ("SVG", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg"),
    ("text named .png", b"hello, not an image", "logo.png"),
    ("truncated PNG", _image()[: len(_image()) // 2], "logo.png"),
    ("truncated JPEG", _image("JPEG")[: len(_image("JPEG")) // 2], "logo.jpg"),
    ("too many pixels", _image("PNG", (2400, 100)), "logo.png"),
]


@pytest.mark.parametrize(("what", "data", "filename"), BAD_LOGOS, ids=[b[0] for b in BAD_LOGOS])
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(app, what, data, filename):
    admin = _english_admin(app)
    response = _post(admin, VALID, data, filename)
    assert response.status_code == 422
    assert "must be a PNG or JPEG image" in response.get_data(as_text=True)
    assert _stored(app) is None


def test_a_logo_over_200_kb_is_refused(app):
    admin = _english_admin(app)
    large = _image() + b"\0" * branding.LOGO_MAX_BYTES
    response = _post(admin, VALID, large)
    assert response.status_code == 422 and "larger than 200 KB" in response.get_data(as_text=True)
    huge = _post(admin, VALID, b"\0" * (400 * 1024))  # past the request limit: refused before any form is read
    assert huge.status_code == 413 and "at most 200 KB" in huge.get_data(as_text=True)
    assert _stored(app) is None


def test_html_in_a_field_is_shown_as_text(app):
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    assert _post(admin, {**VALID, "name": '<img src=x onerror="alert(1)">'}).status_code == 303
    page = admin.get("/workspace/settings").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x" in page
    landing = app.test_client().get("/").get_data(as_text=True)
    assert "<img src=x" not in landing


@pytest.mark.parametrize(("locale", "heading"), [("ja", "ブランドと連絡先"), ("en", "Branding and contact")])
def test_the_page_speaks_japanese_and_english(app, locale, heading):
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    admin.set_cookie("cmo_lang", locale)
    page = admin.get("/workspace/settings").get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in page
