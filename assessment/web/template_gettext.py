"""The templates' gettext: this request's catalog found once per locale, not once per string.

Flask-Babel's template callables look the catalog up on every call (the app context, the domain,
the locale, its identifier, the catalog cache): a question page says ten strings, and those
look-ups were 5% of its instructions (callgrind, GET /q/1 in process: 7.43M -> 7.10M), on the
page whose req/s is short of its figure on PostgreSQL (issue 9, bench/web.py).

The catalog is kept with the locale it belongs to, so force_locale() (an e-mail written in its
reader's language) still gets its own; tests/web/test_translations.py holds both.
"""

from __future__ import annotations

from flask import Flask, g
from flask_babel import get_locale, get_translations


def _catalog():
    locale = get_locale()
    kept = g.get("_template_catalog")
    if kept is None or kept[0] is not locale:
        kept = g._template_catalog = (locale, get_translations())
    return kept[1]


def init_app(app: Flask) -> None:
    """After Babel.init_app, whose callables these replace."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _catalog().ugettext(s),
        ngettext=lambda s, p, n: _catalog().ungettext(s, p, n),
        pgettext=lambda c, s: _catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalog().unpgettext(c, s, p, n),
        newstyle=True,
    )
