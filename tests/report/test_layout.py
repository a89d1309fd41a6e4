"""Layout: nothing is drawn outside the page's text area (a box wider than its column overflowed once)."""

from __future__ import annotations

import io
import re
import subprocess

import pytest

from tests.report.conftest import pdf

MM = 72 / 25.4
RIGHT_MARGIN = 17 * MM  # report.css: @page margin; the cover's padding is wider


def words(data: bytes):
    """(page, word, xMin, xMax, page width) for every word, as Poppler places it."""
    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=data, capture_output=True, check=True).stdout
    page, width = 0, 0.0
    for line in out.decode().splitlines():
        if "<page " in line:
            page += 1
            found = re.search(r'width="([\d.]+)"', line)
            assert found, f"pdftotext gave a page without its width: {line}"
            width = float(found.group(1))
        elif "<word " in line:
            x_min, x_max = (float(v) for v in re.findall(r'x(?:Min|Max)="([\d.]+)"', line)[:2])
            yield page, re.sub(r"<[^>]+>", "", line), x_min, x_max, width


@pytest.mark.parametrize("locale", ["ja", "en"])
@pytest.mark.parametrize("name", ["campaign_machine", "mature", "knows_nothing"])
def test_no_text_runs_into_the_right_margin(name, locale):
    outside = [
        (page, word, round(x_max - (width - RIGHT_MARGIN), 1))
        for page, word, _, x_max, width in words(pdf(name, locale))
        if x_max > width - RIGHT_MARGIN + 1
    ]
    assert not outside, f"words past the right margin (page, word, pt over): {outside[:5]}"


def first_page(data: bytes, dpi: int = 30):
    from PIL import Image

    png = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", "-"], input=data, capture_output=True, check=True
    ).stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_cover_fills_the_first_page_from_its_top_edge(locale):
    """The brand band is the page's first row and the cover ends inside the page: the running
    headers' strings once made a line of their own above the cover, 5 mm down the page."""
    page = first_page(pdf("campaign_machine", locale))
    brand = (0x1F, 0x4E, 0x79)  # Branding().color
    top = page.getpixel((page.width // 2, 0))
    assert max(abs(a - b) for a, b in zip(top, brand, strict=True)) < 40, f"the page's top row is {top}, not the band"
    # The meta block (respondent, date) ends 18 mm above the cover's foot, the cover 1 mm above the page's.
    rows = [y for y in range(page.height) if any(sum(page.getpixel((x, y))) < 600 for x in range(page.width))]
    assert page.height - rows[-1] > 17 * 30 / 25.4, "the cover's meta block is lower than its place"


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_running_header_names_the_report_and_the_company(locale):
    text = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", "-layout", "-", "-"],
        input=pdf("campaign_machine", locale),
        capture_output=True,
        check=True,
    ).stdout.decode()
    first = text.strip().splitlines()[0]
    title = "CMO思考診断レポート" if locale == "ja" else "CMO Thinking Assessment report"
    assert title in first and "Acme 株式会社" in first, first
