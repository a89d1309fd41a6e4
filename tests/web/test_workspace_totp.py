"""Two-factor sign-in with a real authenticator code: enrolled through Flask-Security's own pages.

The codes are computed from the shared secret the setup page shows, with passlib's TOTP (the
library Flask-Security itself verifies them with), as an authenticator app would.
"""

from __future__ import annotations

import html
import re

import pytest
from click.testing import CliRunner
from passlib.totp import TOTP  # type: ignore[import-untyped]  # Flask-Security's own TOTP library
from sqlalchemy import select

from assessment.cli import main
from assessment.store.workspace import Account, AuditEvent
from assessment.web.database import db
from tests.web.conftest import csrf_token
from tests.web.workspace import PASSWORD, make_account

# Flask-Security shows the key in groups of four base32 characters: "ABCD-EFGH-...".
KEY = re.compile(r"\b([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3,})\b")
pytestmark = pytest.mark.app_config(WTF_CSRF_ENABLED=True)


def _form_action(page: str, name: str) -> str:
    m = re.search(rf'<form action="([^"]+)" method="post" name="{name}"', page)
    assert m, f"no form {name!r} on the page"
    return html.unescape(m.group(1))


def _sign_in_with_password(client, email: str):
    token = csrf_token(client.get("/account/login").get_data(as_text=True))
    return client.post("/account/login", data={"email": email, "password": PASSWORD, "csrf_token": token})


def _enrol(app, email: str) -> TOTP:
    """Sign in, set up an authenticator on /account/tf-setup, confirm it with a code; sign out."""
    make_account(app, email)
    client = app.test_client()
    assert _sign_in_with_password(client, email).status_code == 302
    setup = client.get("/account/tf-setup").get_data(as_text=True)
    assert 'value="authenticator"' in setup
    shown = client.post("/account/tf-setup", data={"setup": "authenticator", "csrf_token": csrf_token(setup)})
    page = shown.get_data(as_text=True)
    key = KEY.search(re.sub(r"<[^>]+>", " ", page))
    assert key, "the setup page shows no key to type into an authenticator app"
    totp = TOTP(key=key.group(1).replace("-", ""), format="base32")
    confirm = client.post(
        _form_action(page, "two_factor_verify_code_form"),
        data={"code": totp.generate().token, "csrf_token": csrf_token(page)},
    )
    assert confirm.status_code == 302, confirm.get_data(as_text=True)[:1000]
    with app.app_context():
        account = db.session.scalars(select(Account).where(Account.email == email)).one()
        assert account.tf_primary_method == "authenticator"
        # Kept encrypted (TOTP_SECRETS): the key the page showed is not in the row.
        assert account.tf_totp_secret and key.group(1).replace("-", "") not in account.tf_totp_secret
    return totp


def _wrong_code(totp: TOTP) -> str:
    """A six-digit code no step near now accepts."""
    near = {totp.generate(time=totp.now() + step * totp.period).token for step in range(-3, 4)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


def test_sign_in_needs_the_password_and_a_current_code(app):
    totp = _enrol(app, "tf@example.jp")
    client = app.test_client()
    with client.session_transaction() as s:
        s["planted"] = "by an earlier visitor of this browser"
    password_step = _sign_in_with_password(client, "tf@example.jp")
    assert password_step.status_code == 302 and "/account/tf-validate" in password_step.location
    assert client.get("/workspace/clients").status_code == 302  # the password alone opens nothing

    page = client.get(password_step.location).get_data(as_text=True)
    action, token = _form_action(page, "two_factor_verify_code_form"), csrf_token(page)
    wrong = client.post(action, data={"code": _wrong_code(totp), "csrf_token": token})
    assert wrong.status_code == 200 and 'name="code"' in wrong.get_data(as_text=True)  # the form again
    assert client.get("/workspace/clients").status_code == 302
    with client.session_transaction() as s:
        csrf_before = s.get("csrf_token")

    right = client.post(action, data={"code": totp.generate().token, "csrf_token": token}, follow_redirects=True)
    # Flask-Security sends the code step on to the sign-in URL it came from, which leads on to the workspace.
    assert right.status_code == 200 and right.request.path == "/workspace/dashboard"
    assert client.get("/workspace/clients").status_code == 200
    with client.session_transaction() as s:
        # A fresh session: signed in just now, nothing of the earlier visitor, a new CSRF token.
        assert s["_fresh"] is True
        assert "planted" not in s and "tf_user_id" not in s
        assert s.get("csrf_token") != csrf_before
    with app.app_context():
        account_id = db.session.scalars(select(Account.id).where(Account.email == "tf@example.jp")).one()
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in")).all()
        # Once when enrolling (password only, before two-factor was on), once now with the code.
        assert [e.account_id for e in events] == [account_id, account_id]


def test_a_code_without_the_password_step_signs_nobody_in(app):
    totp = _enrol(app, "solo@example.jp")
    client = app.test_client()
    page = client.get("/account/login").get_data(as_text=True)
    response = client.post("/account/tf-validate", data={"code": totp.generate().token, "csrf_token": csrf_token(page)})
    assert response.status_code == 302 and "/account/login" in response.location
    assert client.get("/workspace/clients").status_code == 302


@pytest.mark.app_config(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per 15 minutes")
def test_wrong_codes_are_throttled_per_account(app):
    totps = {email: _enrol(app, email) for email in ("fumbler@example.jp", "bystander@example.jp")}

    def code_step(email: str):
        client = app.test_client()
        assert _sign_in_with_password(client, email).status_code == 302
        page = client.get("/account/tf-validate").get_data(as_text=True)
        return client, _form_action(page, "two_factor_verify_code_form"), csrf_token(page)

    client, action, token = code_step("fumbler@example.jp")
    for _ in range(3):
        assert (
            client.post(
                action, data={"code": _wrong_code(totps["fumbler@example.jp"]), "csrf_token": token}
            ).status_code
            == 200
        )
    right = {"code": totps["fumbler@example.jp"].generate().token, "csrf_token": token}
    assert client.post(action, data=right).status_code == 429  # locked, even with the right code
    # Another account's code step is counted on its own: one consultant's typos lock out nobody else.
    other, action, token = code_step("bystander@example.jp")
    done = other.post(action, data={"code": totps["bystander@example.jp"].generate().token, "csrf_token": token})
    assert done.status_code == 302 and other.get("/workspace/clients").status_code == 200


def test_a_lost_authenticator_is_an_administrators_reset_not_a_server_error(app, monkeypatch):
    """Flask-Security's rescue form sent mail the workspace cannot send: "contact administrator" was a 500."""
    _enrol(app, "lost@example.jp")
    client = app.test_client()
    assert _sign_in_with_password(client, "lost@example.jp").status_code == 302
    page = client.get("/account/tf-validate").get_data(as_text=True)
    assert "two_factor_rescue_form" not in page and "管理者に二要素認証の解除を依頼" in page
    for choice in ("help", "email"):  # a form kept from before, or typed by hand
        rescue = client.post("/account/tf-rescue", data={"help_setup": choice, "csrf_token": csrf_token(page)})
        assert rescue.status_code == 404

    # The administrator turns two-factor off from the command line: the password alone signs in again.
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("ASSESSMENT_ENV", "development")
    done = CliRunner().invoke(main, ["users", "reset-two-factor", "Lost@Example.jp"])
    assert done.exit_code == 0, done.output
    again = app.test_client()
    assert _sign_in_with_password(again, "lost@example.jp").location.endswith("/workspace/")
    assert again.get("/workspace/clients").status_code == 200
    with app.app_context():
        account = db.session.scalars(select(Account).where(Account.email == "lost@example.jp")).one()
        assert account.tf_primary_method is None and account.tf_totp_secret is None
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.detail == "two-factor turned off")) is not None
    unknown = CliRunner().invoke(main, ["users", "reset-two-factor", "nobody@example.jp"])
    assert unknown.exit_code == 1 and "no account" in unknown.output


def test_two_factor_pages_speak_japanese(app):
    """Flask-Security's ja_JP catalog leaves its two-factor pages in English; ours fills them in."""
    make_account(app, "ja@example.jp")
    client = app.test_client()
    assert _sign_in_with_password(client, "ja@example.jp").status_code == 302
    page = client.get("/account/tf-setup", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "二要素認証でアカウントの安全性を高めます" in page and "認証アプリ" in page
    assert "Two-Factor authentication adds" not in page
    english = client.get("/account/tf-setup", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Two-Factor authentication adds" in english
