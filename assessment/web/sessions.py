"""Cheaper per-request session, CSRF and template-translation work for the hot pages.

Every question page request verified the signed session cookie (HMAC, base64, tagged JSON)
and signed a fresh CSRF token (HMAC again): about a fifth of the page's CPU. Both results
depend only on their input string, so each process keeps the last few thousand:
  - a session cookie value that verified once maps to its data (copied per request) and the time
    it was signed, so the age limit is still enforced;
  - a session's raw CSRF token maps to a signed token. With WTF_CSRF_TIME_LIMIT None the
    signature's timestamp is never checked, so a token signed earlier is as valid as a new one.
"""
from __future__ import annotations

import copy
import threading
import time

from flask import Flask, g, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

MAX_ENTRIES = 4096


class Bounded:
    """A dict that forgets its oldest entry beyond `size`: per-process memo of request-independent work."""

    def __init__(self, size: int = MAX_ENTRIES):
        self.size = size
        self.data: dict = {}
        self.lock = threading.Lock()

    def get(self, key):
        return self.data.get(key)

    def put(self, key, value) -> None:
        with self.lock:
            if len(self.data) >= self.size:
                self.data.pop(next(iter(self.data)), None)
            self.data[key] = value


class CachedCookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, verifying each distinct cookie value once per process."""

    def __init__(self):
        self._verified = Bounded()

    def open_session(self, app: Flask, request) -> SecureCookieSession | None:
        val = request.cookies.get(self.get_cookie_name(app))
        if not val:  # API clients, first visits: an empty session, without building a signer for it
            return self.session_class() if app.secret_key else None
        max_age = int(app.permanent_session_lifetime.total_seconds())
        hit = self._verified.get(val)
        if hit is not None and time.time() - hit[1] <= max_age:
            return self.session_class(copy.deepcopy(hit[0]))
        s = self.get_signing_serializer(app)
        if s is None:
            return None
        try:
            data, signed_at = s.loads(val, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        self._verified.put(val, (copy.deepcopy(data), signed_at.timestamp()))
        return self.session_class(data)


def init_app(app: Flask) -> None:
    app.session_interface = CachedCookieSessionInterface()
    signed = Bounded()
    field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return  # a signed token's age matters: sign afresh on every request

    def reuse_signed_csrf_token():
        # Flask-WTF signs the session's raw token once per request and keeps it in g; give it
        # the one signed earlier for the same raw token instead.
        if request.blueprint != "survey":  # the only pages with forms; others need not touch the session
            return
        raw = session.get(field)
        if isinstance(raw, str) and field not in g:
            token = signed.get(raw)
            if token is not None:
                setattr(g, field, token)

    def remember_signed_csrf_token(response):
        token = g.get(field)
        if not isinstance(token, str):
            return response
        raw = session.get(field)
        if isinstance(token, str) and isinstance(raw, str) and signed.get(raw) is None:
            signed.put(raw, token)
        return response

    app.before_request(reuse_signed_csrf_token)
    app.after_request(remember_signed_csrf_token)


def install_fast_gettext(app: Flask) -> None:
    """Template gettext that finds the catalog by the template's `locale` (set for every page).

    Flask-Babel's template gettext looks the request, the domain, the locale and its cache up
    again for each string (about ten per page). The catalogs never change in a running
    production process, so keep one per locale; under debug (templates and catalogs reload)
    Flask-Babel's own lookup stays.
    """
    if app.debug or app.config.get("TEMPLATES_AUTO_RELOAD"):
        return
    from flask_babel import get_locale, get_translations
    from jinja2 import pass_context

    catalogs: dict = {}

    def catalog(ctx):
        locale = ctx.get("locale")
        found = catalogs.get(locale)
        if found is None:
            found = get_translations()
            if locale is not None and str(get_locale()) == locale:  # kept only when they agree
                catalogs[locale] = found
        return found

    @pass_context
    def gettext(ctx, s):
        return catalog(ctx).ugettext(s)

    @pass_context
    def ngettext(ctx, s, p, n):
        return catalog(ctx).ungettext(s, p, n)

    app.jinja_env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)
