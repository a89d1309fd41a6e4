"""Sign-in for the consultant workspace: Flask-Security on the app's session, throttled by Flask-Limiter.

- accounts and roles are store.workspace.Account / AccountRole; hashes are argon2id (config.BASE);
- failed sign-ins are limited per account (the e-mail typed; at the two-factor code step, the
  account whose password passed) and per client address; a success costs nothing;
- at sign-in the session keeps only what sign-in wrote: the cookie session has no id to renew,
  so everything an earlier visitor of this browser left (the CSRF token above all) is dropped;
- a changed password changes fs_uniquifier, which ends every other session of the account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, abort, current_app, request, session
from flask_limiter.util import get_remote_address
from flask_security import Security, SQLAlchemySessionUserDatastore, hash_password, user_authenticated
from werkzeug.local import LocalProxy

from assessment.services import audit
from assessment.store.workspace import Account, AccountRole
from assessment.web.database import db
from assessment.web.extensions import limiter

security = Security()
# Keys Flask-Login and Flask-Security write at sign-in; anything else in the session predates it.
_SIGN_IN_KEYS = ("_user_id", "_fresh", "_id", "_remember", "_remember_seconds", "fs_cc", "fs_paa", "fs_gexp")
_THROTTLED = ("security.login", "security.two_factor_token_validation")


def _account_key() -> str:
    data = request.form if request.form else (request.get_json(silent=True) or {})
    email = data.get("email") if isinstance(data, dict) or hasattr(data, "get") else None
    if not isinstance(email, str) and isinstance(session.get("tf_user_id"), str):
        # The code step carries no e-mail: count it against the account whose password passed,
        # or every account's wrong codes would share one bucket and lock each other out.
        return "login-code:" + session["tf_user_id"]
    return "login:" + (email.strip().lower()[:254] if isinstance(email, str) else "")


def _failed(response) -> bool:
    """A sign-in that did not pass: the form again (200/400), not a redirect or JSON success."""
    if response.status_code in (301, 302, 303):
        return False
    return not (response.is_json and response.status_code == 200)


def password_hash(password: str) -> str:
    """Flask-Security's argon2id hash (peppered): what the services store. Needs an app context."""
    return hash_password(password)


def init_app(app: Flask) -> None:
    # The datastore wants a scoped_session; a proxy to this request's session serves it the same way.
    request_session = LocalProxy(lambda: db.session)
    datastore = SQLAlchemySessionUserDatastore(request_session, Account, AccountRole)  # type: ignore[arg-type]
    security.init_app(app, datastore)
    # Sign-in is by session only. Flask-Security's token loader parses every request's JSON body
    # (the API's too, however large or deeply nested), which turned a 413 into a 500: no tokens here.
    app.login_manager.request_loader(lambda _request: None)  # type: ignore[attr-defined]
    _protect_signed_in_sessions_only(app.login_manager)  # type: ignore[attr-defined]

    for endpoint in _THROTTLED:
        view: Callable[..., Any] = app.view_functions[endpoint]
        view = limiter.limit(
            lambda: current_app.config["LOGIN_RATE_LIMIT"], key_func=_account_key, methods=["POST"], deduct_when=_failed
        )(view)
        view = limiter.limit(
            lambda: current_app.config["LOGIN_ADDRESS_RATE_LIMIT"],
            key_func=get_remote_address,
            methods=["POST"],
            deduct_when=_failed,
        )(view)
        app.view_functions[endpoint] = view

    # Both of Flask-Security's two-factor rescues send mail, which the workspace does not: "contact the
    # administrator" raised (a 500). The code page says to ask an administrator instead.
    app.view_functions["security.two_factor_rescue"] = lambda: abort(404)

    # weak=False: blinker holds receivers weakly, and this function is local to init_app.
    user_authenticated.connect(_signed_in, app, weak=False)


def _protect_signed_in_sessions_only(login_manager) -> None:
    """Strong session protection for sessions that hold a sign-in, not for a respondent's.

    Flask-Login 0.6.3 (and its main branch) takes any non-empty session without its address
    fingerprint for a stolen one (flask-login#569): a funnel visitor's session (the CSRF token, UTM)
    was "wiped" on every request, so every page re-sent the session cookie and deleted a remember
    cookie that was never set, and the session's keys that are not Flask-Login's survived anyway.
    A session with no `_user_id` has no sign-in to protect: an empty one is skipped the same way.
    tests/web/test_workspace_auth.py pins both sides, so a Flask-Login that renames the method fails there.
    """
    check = login_manager._session_protection_failed
    login_manager._session_protection_failed = lambda: "_user_id" in session and check()


def _signed_in(sender, user, **extra) -> None:
    for key in [k for k in session if k not in _SIGN_IN_KEYS]:
        session.pop(key)
    audit.record(db.session, user, "sign_in", f"account:{user.id}", address=request.remote_addr)
