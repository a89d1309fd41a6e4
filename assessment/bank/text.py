"""Bilingual text: every user-visible string is a {ja, en} mapping."""

from __future__ import annotations

from collections.abc import Mapping

LOCALES = ("ja", "en")
DEFAULT_LOCALE = "ja"

Text = Mapping[str, str]


def check_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; use one of: {', '.join(LOCALES)}")
    return locale
