"""The embedded fonts are the CJK font, Regular and real Bold; the start-up check speaks up."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from assessment.report import fonts

from .conftest import pdf


def embedded_fonts(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_only_noto_sans_cjk_regular_and_bold_are_embedded(locale):
    names = embedded_fonts(pdf("campaign_machine", locale))
    assert names == {"Noto-Sans-CJK-JP", "Noto-Sans-CJK-JP-Bold"}


def test_harfbuzz_subsetting_is_active_on_this_machine():
    assert fonts.harfbuzz_subset_active(), "install libharfbuzz-subset0 (scripts/setup does)"
    assert fonts.check_fonts() == ()


def test_missing_harfbuzz_subsetter_is_reported(monkeypatch):
    fonts.check_fonts.cache_clear()
    monkeypatch.setattr(fonts, "harfbuzz_subset_active", lambda: False)
    try:
        problems = fonts.check_fonts()
    finally:
        fonts.check_fonts.cache_clear()
    assert any("libharfbuzz-subset0" in p for p in problems)


def test_one_font_configuration_per_process():
    assert fonts.font_config() is fonts.font_config()
