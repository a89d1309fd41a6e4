"""Respondent text is text: escaped in HTML, and nothing outside the project is fetched."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from assessment.paths import STATIC_DIR, TEMPLATES_DIR
from assessment.report import Branding, render_html, render_pdf
from assessment.report.fetcher import ProjectFetcher, RefusedURL
from tests.report.conftest import diagnosis, squash

HOSTILE = (
    "Café 🚀 شركة التسويق "
    '<img src="http://127.0.0.1:9/pixel.png"><link rel=stylesheet href="http://127.0.0.1:9/x.css">'
    "<style>@import url(file:///etc/passwd);</style> file:///etc/passwd "
)
HOSTILE_LONG = (HOSTILE + "x" * 2000)[:2000]


def pdftotext(data: bytes) -> str:
    # Poppler, not pypdf: the emoji has no glyph in any installed font, WeasyPrint then writes
    # a custom font encoding, and pypdf decodes that page as UTF-16 noise (poppler reads it right).
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_hostile_company_name_renders_as_text_and_fetches_nothing_outside(locale):
    fetcher = ProjectFetcher()
    data = render_pdf(
        diagnosis("vanity_shop", locale), company=HOSTILE_LONG, respondent=HOSTILE, branding=Branding(), fetcher=fetcher
    )
    text = squash(pdftotext(data))
    # The "<" before img sits next to the Arabic run, so bidi may move it: look past it.
    assert squash('img src="http://127.0.0.1:9/pixel.png"><link rel=stylesheet') in text
    assert "file:///etc/passwd" in text
    assert "Café" in text
    outside = [u for u in fetcher.served + fetcher.refused if "127.0.0.1" in u or "passwd" in u]
    assert outside == []  # never even asked: the markup was escaped before WeasyPrint saw it
    assert fetcher.served  # the fetcher was in use: logo and charts went through it
    assert fetcher.refused == []


def test_hostile_company_name_is_escaped_in_html():
    html = render_html(diagnosis("vanity_shop", "en"), company=HOSTILE, respondent=HOSTILE)
    assert '<img src="http://127.0.0.1' not in html
    assert "&lt;img src=" in html
    assert "<style>@import" not in html


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        (TEMPLATES_DIR / "report" / ".." / ".." / "pyproject.toml").as_uri(),
        "data:image/svg+xml;base64,PHN2Zy8+",
        "ftp://example.com/x",
    ],
)
def test_fetcher_refuses_anything_but_project_report_files(url):
    fetcher = ProjectFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_report_static_files_and_the_configured_logo(tmp_path: Path):
    logo = tmp_path / "brand.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    fetcher = ProjectFetcher(extra_files=(logo,))
    assert fetcher.fetch((STATIC_DIR / "report" / "logo.svg").as_uri()).read().startswith(b"<svg")
    assert fetcher.fetch(logo.as_uri()).read().startswith(b"<svg")
    with pytest.raises(RefusedURL):
        fetcher.fetch((tmp_path / "other.svg").as_uri())
