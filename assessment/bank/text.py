"""Bilingual text: every user-visible string is a {ja, en} mapping."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assessment.bank.yamlio import where

LOCALES = ("ja", "en")
DEFAULT_LOCALE = "ja"

Text = Mapping[str, str]


def check_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; use one of: {', '.join(LOCALES)}")
    return locale


def read_text(
    node: Mapping, key: str, path: Path, owner: str, problems: list[str], *, required: bool = True
) -> dict[str, str] | None:
    """Read node[key] as {ja, en}; record a problem naming file, owner and key."""
    value = node.get(key)
    if value is None:
        if required:
            problems.append(f"{where(path, node)}: {owner}: '{key}' is missing")
        return None
    if not isinstance(value, Mapping):
        problems.append(f"{where(path, node)}: {owner}: '{key}' must be a mapping with ja and en")
        return None
    text = {}
    for loc in LOCALES:
        s = value.get(loc)
        if not isinstance(s, str) or not s.strip():
            problems.append(f"{where(path, value)}: {owner}: '{key}.{loc}' translation is missing")
        else:
            text[loc] = s.strip()
    unknown = set(value) - set(LOCALES)
    if unknown:
        problems.append(
            f"{where(path, value)}: {owner}: '{key}' has unknown locale(s) {', '.join(sorted(map(str, unknown)))}"
        )
    return text if len(text) == len(LOCALES) else None


def unknown_keys(
    node: Mapping, allowed: set[str], path: Path, owner: str, problems: list[str]
) -> None:
    for key in node:
        if key not in allowed:
            problems.append(f"{where(path, node)}: {owner}: unknown key '{key}'")


def as_list(node: Any) -> list:
    return node if isinstance(node, list) else []
