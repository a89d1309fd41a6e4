"""Reading loaded YAML nodes into checked values, collecting problems.

A Reader belongs to one data file. Each accessor returns the value when it is
well-formed and None (or a safe default) otherwise, after recording a problem
"file:line: owner: message" — so a loader checks every entry of a file in one
pass and never trips over a value of the wrong type.
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from pathlib import Path
from typing import Any, TypeGuard

from assessment.bank.text import LOCALES
from assessment.bank.yamlio import where

ID = re.compile(r"^[a-z][a-z0-9_]*$")
VALUE = re.compile(r"^[a-z0-9][a-z0-9_]*$")


def kind_of(value: Any) -> str:
    """How a problem names what it found instead."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}" if len(value) <= 40 else "a text"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Reader:
    """The problems of one file; each names the file, the nearest known line, the entry and the key."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems

    def add(self, node: Any, owner: str, message: str, *fallback: Any) -> None:
        """Record a problem at node's line (or the first fallback node that has one)."""
        prefix = f"{owner}: " if owner else ""
        self.problems.append(f"{where(self.path, node, *fallback)}: {prefix}{message}")

    def document(self, doc: Any, what: str) -> Mapping | None:
        if isinstance(doc, Mapping):
            return doc
        self.add(doc, "", f"expected a mapping with {what}, got {kind_of(doc)}")
        return None

    def keys(self, node: Mapping, allowed: Container[str], owner: str) -> None:
        for key in node:
            if key not in allowed:
                self.add(node, owner, f"unknown key '{key}'")

    def entries(self, node: Mapping, key: str, owner: str = "", *, required: bool = True) -> list[tuple[int, Mapping]]:
        """node[key] as a list of mappings, with their indexes; anything else is a problem.

        required: the key must be there and the list not empty.
        """
        value = node.get(key)
        if value is None:
            if required:
                self.add(node, owner, f"'{key}' is missing")
            return []
        if not isinstance(value, list):
            self.add(node, owner, f"'{key}' must be a list, got {kind_of(value)}")
            return []
        if not value and required:
            self.add(value, owner, f"'{key}' is empty", node)
        out = []
        for i, entry in enumerate(value):
            if isinstance(entry, Mapping):
                out.append((i, entry))
            else:
                self.add(value, owner, f"{key}[{i}] must be a mapping, got {kind_of(entry)}", node)
        return out

    def ident(self, node: Mapping, key: str, owner: str, *, pattern: re.Pattern = ID) -> str | None:
        value = node.get(key)
        if isinstance(value, str) and pattern.match(value):
            return value
        found = "is missing" if value is None else f"must be a lowercase id, got {kind_of(value)}"
        self.add(node, owner, f"'{key}' {found}")
        return None

    def choice(self, node: Mapping, key: str, owner: str, allowed: tuple, *, label: str = "") -> Any:
        """node[key] when it is one of allowed (compared by type too: true is not 1)."""
        value = node.get(key)
        if any(type(value) is type(a) and value == a for a in allowed):
            return value
        found = (
            "is missing" if value is None else f"must be one of {', '.join(map(str, allowed))}, got {kind_of(value)}"
        )
        self.add(node, owner, f"'{label or key}' {found}")
        return None

    def flag(self, node: Mapping, key: str, owner: str, *, default: bool = False) -> bool:
        value = node.get(key, default)
        if isinstance(value, bool):
            return value
        self.add(node, owner, f"'{key}' must be true or false, got {kind_of(value)}")
        return default

    def string(self, node: Mapping, key: str, owner: str = "") -> str | None:
        value = node.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        found = "is missing" if value is None else f"must be text, got {kind_of(value)}"
        self.add(node, owner, f"'{key}' {found}")
        return None

    def text(
        self, node: Mapping, key: str, owner: str, *, required: bool = True, near: tuple = ()
    ) -> dict[str, str] | None:
        """node[key] as {ja, en}, both non-empty; near: nodes whose line to use when node has none."""
        value = node.get(key)
        if value is None:
            if required:
                self.add(node, owner, f"'{key}' is missing", *near)
            return None
        if not isinstance(value, Mapping):
            self.add(node, owner, f"'{key}' must be a mapping with ja and en, got {kind_of(value)}", *near)
            return None
        text = {}
        for loc in LOCALES:
            s = value.get(loc)
            if not isinstance(s, str) or not s.strip():
                self.add(value, owner, f"'{key}.{loc}' translation is missing", node, *near)
            else:
                text[loc] = s.strip()
        unknown = [str(k) for k in value if k not in LOCALES]
        if unknown:
            self.add(value, owner, f"'{key}' has unknown locale(s) {', '.join(sorted(unknown))}", node, *near)
        return text if len(text) == len(LOCALES) else None

    def unique(self, seen: dict[str, Any], key: str, node: Any, what: str, owner: str = "") -> bool:
        """Remember key; a second one is a problem pointing at the first."""
        if key in seen:
            first = seen[key]
            self.add(node, owner, f"duplicate {what} '{key}' (first at line {getattr(first, 'line', '?')})")
            return False
        seen[key] = node
        return True
