"""Where the data folders live: inside the wheel, or beside the package in a checkout."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# A built wheel carries the folders under assessment/_data (see pyproject.toml);
# a source checkout keeps them at the top level of the repository.
_INSTALLED = (_PACKAGE / "_data").is_dir()
_ROOT = _PACKAGE / "_data" if _INSTALLED else _PACKAGE.parent

QUESTIONS_DIR = _ROOT / "questions"
RULES_DIR = _ROOT / "rules"
TEMPLATES_DIR = _ROOT / "templates"
STATIC_DIR = _ROOT / "static"
# Machine-local state (the SQLite default): instance/ in a checkout, under the environment once installed.
INSTANCE_DIR = Path(
    os.environ.get("ASSESSMENT_INSTANCE")
    or (Path(sys.prefix) / "var" / "cmo-assessment" if _INSTALLED else _PACKAGE.parent / "instance")
)
