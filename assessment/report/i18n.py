"""The report's UI strings: gettext domain "report", one Jinja environment per locale."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from assessment.paths import TEMPLATES_DIR

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "report"


@cache
def translations(locale: str) -> NullTranslations:
    """The locale's catalog; a locale without one gets NullTranslations (the English msgids)."""
    return Translations.load(str(TRANSLATIONS_DIR), [locale], domain=DOMAIN)


@cache
def environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR / "report")),
        # Every value is escaped, .svg.html included: company names and answers are data.
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # The i18n extension adds this method to the Environment at run time; Jinja's types do not declare it.
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    return env
