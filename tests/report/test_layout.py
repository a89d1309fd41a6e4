"""Layout: nothing is drawn outside the page's text area (a box wider than its column overflowed once)."""

from __future__ import annotations

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
