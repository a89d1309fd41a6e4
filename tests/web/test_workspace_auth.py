"""Sign-in for the workspace: who gets in, how hard guessing is, what ends a session, the first admin."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from assessment.services import accounts
from assessment.store.workspace import Account, AuditEvent, Invitation
from assessment.web.database import db
from tests.web.conftest import csrf_token
from tests.web.workspace import PASSWORD, make_account, sign_in, signed_in

WORKSPACE_GETS = [
    "/workspace/",
    "/workspace/clients",
    "/workspace/clients/new",
    "/workspace/clients/1",
    "/workspace/interviews/1/1",
    "/workspace/interviews/1",
    "/workspace/leads",
    "/workspace/users",
    "/workspace/audit",
    "/workspace/export/assessments.csv",
]


@pytest.mark.parametrize("url", WORKSPACE_GETS)
def test_signed_out_browser_gets_the_sign_in_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/account/login" in response.location


def test_signed_out_json_request_gets_401(client):
    response = client.post("/workspace/interviews/1/autosave", json={"question": "al_goal_agreement", "note": "x"})
    assert response.status_code == 401
    assert response.is_json


def test_password_is_stored_as_argon2id_at_owasp_parameters(app):
    make_account(app, "hash@example.jp")
    with app.app_context():
        account = accounts.find_by_email(db.session, "hash@example.jp")
        assert account is not None and account.password is not None
        stored = account.password
    assert stored.startswith("$argon2id$")
    params = dict(p.split("=", 1) for p in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19456 and int(params["t"]) >= 2 and int(params["p"]) >= 1
    assert PASSWORD not in stored


def test_wrong_password_does_not_sign_in_and_names_no_account(app):
    make_account(app, "someone@example.jp")
    client = app.test_client()
    wrong = sign_in(client, "someone@example.jp", "not the password")
    unknown = sign_in(client, "nobody@example.jp", "not the password")
    assert wrong.status_code == unknown.status_code == 200  # the form again
    assert client.get("/workspace/clients").status_code == 302
    # The same message whether the account exists or not.
    assert _errors(wrong.get_data(as_text=True)) == _errors(unknown.get_data(as_text=True))


def _errors(html: str) -> list[str]:
    import re

    return re.findall(r'class="fs-error-msg"[^>]*>([^<]+)<', html)


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per 15 minutes")
def test_failed_sign_ins_are_throttled_per_account(app):
    make_account(app, "target@example.jp")
    make_account(app, "other@example.jp")
    client = app.test_client()
    for _ in range(3):
        assert sign_in(client, "target@example.jp", "guess").status_code == 200
    # Locked for this account, even with the right password ...
    assert sign_in(client, "target@example.jp").status_code == 429
    # ... while another account from the same address still signs in.
    assert sign_in(app.test_client(), "other@example.jp").status_code == 302


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LOGIN_ADDRESS_RATE_LIMIT="4 per 15 minutes")
def test_failed_sign_ins_are_throttled_per_client_address(app):
    make_account(app, "real@example.jp")
    client = app.test_client()
    for i in range(4):
        assert sign_in(client, f"spray{i}@example.jp", "guess").status_code == 200
    assert sign_in(client, "real@example.jp").status_code == 429


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per 15 minutes")
def test_successful_sign_ins_cost_nothing(app):
    make_account(app, "often@example.jp")
    for _ in range(4):
        client = app.test_client()
        assert sign_in(client, "often@example.jp").status_code == 302


def test_sign_in_drops_what_the_session_held_before_and_is_audited(app):
    account_id = make_account(app, "fresh@example.jp")
    client = app.test_client()
    with client.session_transaction() as s:
        s["planted"] = "by an earlier visitor"
        s["csrf_token"] = "fixed-by-attacker"
    assert sign_in(client, "fresh@example.jp").status_code == 302
    with client.session_transaction() as s:
        assert "planted" not in s and s.get("csrf_token") != "fixed-by-attacker"
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in")).all()
        assert [e.account_id for e in events] == [account_id]


def test_password_change_signs_out_every_other_session(app):
    first, _ = signed_in(app, "mover@example.jp")
    second = app.test_client()
    assert sign_in(second, "mover@example.jp").status_code == 302
    assert second.get("/workspace/clients").status_code == 200
    new = "a brand new passphrase"
    response = first.post(
        "/account/change", data={"password": PASSWORD, "new_password": new, "new_password_confirm": new}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert first.get("/workspace/clients").status_code == 200  # the one that changed it stays in
    assert second.get("/workspace/clients").status_code == 302  # every other session is over
    assert sign_in(app.test_client(), "mover@example.jp", new).status_code == 302


@pytest.mark.parametrize(
    "moved", [{"REMOTE_ADDR": "198.51.100.7"}, {"HTTP_USER_AGENT": "another browser"}], ids=["address", "browser"]
)
def test_a_signed_in_session_replayed_from_elsewhere_is_signed_out(app, moved):
    client, _ = signed_in(app, "held@example.jp")
    assert client.get("/workspace/clients").status_code == 200
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value)
    response = thief.get("/workspace/clients", environ_base=moved)
    assert response.status_code == 302 and "/account/login" in response.location
    assert thief.get("/workspace/clients").status_code == 302  # the copied session holds no sign-in any more
    assert client.get("/workspace/clients").status_code == 200  # the owner's own cookie still works


def test_a_respondents_session_is_not_written_again_on_every_page(client):
    """Session protection only guards sessions with a sign-in (auth.py): reading a page leaves the cookie alone."""
    client.get("/")  # the landing page notes the visit once
    assert client.post("/start").status_code == 303
    client.get("/q/1")  # this first page puts the CSRF token in the session
    with client.session_transaction() as s:
        before = dict(s)
    for path in ("/q/1", "/q/2", "/"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers.getlist("Set-Cookie") == [], (path, response.headers.getlist("Set-Cookie"))
    with client.session_transaction() as s:
        assert dict(s) == before and {"landed", "csrf_token"} <= before.keys()


def test_two_factor_setup_is_offered_with_an_authenticator_app(app):
    client, _ = signed_in(app, "tf@example.jp")
    response = client.get("/account/tf-setup")
    assert response.status_code == 200
    assert 'value="authenticator"' in response.get_data(as_text=True)


def test_cli_creates_the_first_admin(app, runner, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("ASSESSMENT_ENV", "development")
    from assessment.cli import main

    result = runner.invoke(main, ["users", "create", "--admin", "Boss@Example.jp", "--password-stdin"], input=PASSWORD)
    assert result.exit_code == 0, result.output
    assert "boss@example.jp" in result.output
    again = runner.invoke(main, ["users", "create", "boss@example.jp", "--password-stdin"], input=PASSWORD)
    assert again.exit_code != 0 and "exists already" in again.output
    short = runner.invoke(main, ["users", "create", "x@example.jp", "--password-stdin"], input="short")
    assert short.exit_code != 0 and "12 characters" in short.output
    client = app.test_client()
    assert sign_in(client, "boss@example.jp").status_code == 302
    assert client.get("/workspace/users").status_code == 200


def test_admin_invites_a_consultant_who_sets_a_password(app):
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    response = admin.post("/workspace/users/invite", data={"email": "new@example.jp", "role": "consultant"})
    assert response.status_code == 201
    link = response.get_data(as_text=True).split('class="resume-link invite-link" type="text" readonly value="')[1]
    path = "/" + link.split('"')[0].split("/", 3)[3]
    with app.app_context():
        assert db.session.scalars(select(Invitation)).one().token_hash not in path  # only the digest is stored
    guest = app.test_client()
    assert guest.get(path).status_code == 200
    short = guest.post(path, data={"name": "新人", "password": "short", "confirm": "short"})
    assert short.status_code == 422
    done = guest.post(path, data={"name": "新人", "password": PASSWORD, "confirm": PASSWORD})
    assert done.status_code == 303
    assert guest.get(path).status_code == 404  # used once
    assert sign_in(guest, "new@example.jp").status_code == 302
    assert guest.get("/workspace/users").status_code == 403  # a consultant manages no users
    with app.app_context():
        account = db.session.scalars(select(Account).where(Account.email == "new@example.jp")).one()
        assert [r.name for r in account.roles] == ["consultant"] and account.name == "新人"


def test_only_admins_invite_and_read_the_audit_log(app):
    consultant, _ = signed_in(app, "plain@example.jp")
    assert consultant.post("/workspace/users/invite", data={"email": "x@example.jp"}).status_code == 403
    assert consultant.get("/workspace/audit").status_code == 403


def test_unknown_invitation_is_404(client):
    assert client.get("/invite/not-a-real-token-at-all").status_code == 404


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_forms_without_the_csrf_token_are_refused(app):
    make_account(app, "csrf@example.jp")
    client = app.test_client()
    assert sign_in(client, "csrf@example.jp").status_code != 302  # the sign-in form needs it too
    page = client.get("/account/login").get_data(as_text=True)
    token = csrf_token(page)
    response = client.post(
        "/account/login", data={"email": "csrf@example.jp", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert client.post("/workspace/clients/new", data={"name": "CSRF社"}).status_code == 400
    autosave = client.post("/workspace/interviews/1/autosave", json={"question": "x"})
    assert autosave.status_code == 400


def test_account_pages_are_kept_by_no_cache(client):
    """Flask-Security's default came out as "private=True, no-store=True" (not a no-store at all)."""
    for url in ("/account/login", "/account/change"):
        directives = {d.strip() for d in client.get(url).headers["Cache-Control"].split(",")}
        assert directives == {"private", "no-store"}, url


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
@pytest.mark.parametrize("url", ["/account/change", "/account/tf-setup"])
def test_sign_out_from_an_account_page_signs_out(app, url):
    """The account pages' own sign-out form had no CSRF token: it answered 400 and stayed signed in."""
    email = f"out{len(url)}@example.jp"
    make_account(app, email)
    client = app.test_client()
    token = csrf_token(client.get("/account/login").get_data(as_text=True))
    assert (
        client.post("/account/login", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code
        == 302
    )
    page = client.get(url).get_data(as_text=True)
    form = re.search(r'<form method="post" action="/account/logout"[^>]*>(.*?)</form>', page, re.S)
    assert form, "no sign-out on the page"
    assert "Sign Out" not in page  # the menu speaks the page's language
    carried = re.search(r'name="csrf_token" value="([^"]+)"', form.group(1))
    assert carried, "the sign-out form carries no CSRF token"
    assert client.post("/account/logout", data={"csrf_token": carried.group(1)}).status_code == 302
    assert client.get("/workspace/clients").status_code == 302


@pytest.mark.parametrize("number", [2**63, 10**20])
def test_an_id_past_64_bits_in_any_url_is_a_404_not_a_500(app, number):
    """SQLite cannot bind such a number (OverflowError); no row has it on either database."""
    client, _ = signed_in(app, f"big{len(str(number))}@example.jp", "admin")
    checked = 0
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if not ints:
            continue
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", str(number)).replace(f"<{name}>", "x")
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        # 405 where the same path takes GET under another rule (/q/<n>): no route, either way.
        assert response.status_code in (404, 405), (method, url, response.status_code)
        checked += 1
    assert checked > 20
