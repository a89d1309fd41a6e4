"""Flask extensions, made here and bound to an app in create_app()."""

from babel import Locale
from flask import request
from flask_babel import Babel, get_locale
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf import CSRFProtect

from assessment.bank.text import DEFAULT_LOCALE, LOCALES

LANG_COOKIE = "cmo_lang"


def select_locale() -> str:
    """An explicit choice (the switch sets a cookie) beats the browser's Accept-Language."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LOCALES:
        return chosen
    return request.accept_languages.best_match(LOCALES, default=DEFAULT_LOCALE)


# Parsed once: Flask-Babel parses the selector's string again on every request otherwise.
_PARSED = {code: Locale.parse(code) for code in LOCALES}


def select_babel_locale() -> Locale:
    return _PARSED[select_locale()]


def page_locale() -> str:
    """This request's language as a code ("ja", "en"): the one Flask-Babel selected above."""
    return str(get_locale())


csrf = CSRFProtect()
# Only for template fragments ({% cache %} in templates/survey/page.html, where it says why).
fragments = Cache()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
