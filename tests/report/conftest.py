"""Report fixtures: Diagnoses from answer files, rendered once per session (renders are slow)."""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from assessment import evaluate
from assessment.report import Branding, render_pdf

HERE = Path(__file__).parent
ANSWER_DIRS = (HERE.parent / "profiles", HERE / "answers")
DATE = __import__("datetime").date(2026, 11, 24)


def answers(name: str) -> dict:
    for folder in ANSWER_DIRS:
        path = folder / f"{name}.yaml"
        if path.is_file():
            return yaml.safe_load(path.read_text(encoding="utf-8"))
    raise FileNotFoundError(name)


@cache
def diagnosis(name: str, locale: str):
    return evaluate(answers(name), locale)


@cache
def pdf(name: str, locale: str, company: str = "Acme 株式会社") -> bytes:
    return render_pdf(diagnosis(name, locale), company=company, respondent="Yamada", date=DATE, branding=Branding())


def squash(text: str) -> str:
    """Drop all whitespace: text extraction breaks lines wherever the layout did."""
    return re.sub(r"\s+", "", text)


@cache
def pdf_text(name: str, locale: str) -> str:
    reader = PdfReader(io.BytesIO(pdf(name, locale)))
    return squash("".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def text_of():
    return pdf_text
