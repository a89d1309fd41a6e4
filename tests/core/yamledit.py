"""Edit a data file the way a person would: parse it, change it, write it back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import yaml


class Whole(NamedTuple):
    """Returned by a change to replace the whole document."""

    doc: Any


def rewrite(path: Path, change: Callable[[Any], Any]) -> None:
    """change(doc) edits the parsed document in place, or returns Whole(new document)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    new = change(doc)
    doc = new.doc if isinstance(new, Whole) else doc
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
