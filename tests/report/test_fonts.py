"""The embedded fonts are the CJK font, Regular and real Bold; the start-up check speaks up."""

from __future__ import annotations

import io
import subprocess

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from assessment.report import Branding, fonts, render_pdf
from tests.report.conftest import DATE, diagnosis, pdf


def embedded_fonts(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        resources = page["/Resources"]
        assert isinstance(resources, DictionaryObject), f"page resources are a {type(resources).__name__}"
        for font in resources.get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_only_our_cut_of_noto_sans_cjk_regular_and_bold_is_embedded(locale):
    names = embedded_fonts(pdf("campaign_machine", locale))
    assert names == {"Noto-Sans-CJK-JP-Report", "Noto-Sans-CJK-JP-Report-Bold"}


def test_the_cut_holds_the_jis_repertoire_and_is_a_real_noto_face():
    from fontTools.ttLib import TTFont

    files = fonts.face_files()
    assert files is not None and set(files) == {"normal", "bold"}
    for path in files.values():
        with TTFont(path, lazy=True) as font:
            cmap = font.getBestCmap()
            assert "Noto Sans CJK JP" in font["name"].getDebugName(1)
            # kana, JIS level 1 and level 2 kanji, cp932 extensions, full-width forms, Latin
            assert all(ord(c) in cmap for c in "あアー経営濱髙﨑ＡＢＣ①Aé—")
            assert font["maxp"].numGlyphs < 10000  # the point of the cut: the full face has 65,535
            # no vertical metrics: WeasyPrint writes horizontally only, and each render embedded them
            assert not {"vhea", "vmtx", "VORG"} & set(font.keys())


def test_a_character_outside_the_cut_falls_back_to_the_full_font_not_to_tofu():
    company = "𠮷野家"  # U+20BB7 is not in JIS X 0208
    assert 0x20BB7 not in fonts.repertoire()
    data = render_pdf(diagnosis("mature", "ja"), company=company, date=DATE, branding=Branding())
    assert "Noto-Sans-CJK-JP-Bold" in embedded_fonts(data) or "Noto-Sans-CJK-JP" in embedded_fonts(data)
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert company in first_page


def test_without_the_cut_the_report_uses_the_system_font_and_says_so(monkeypatch, tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")  # the cache folder cannot be made below a file
    monkeypatch.setenv("CMO_CACHE_DIR", str(blocker))
    fonts.face_files.cache_clear()
    fonts.check_fonts.cache_clear()
    try:
        assert fonts.face_files() is None
        assert "cannot make the report's cut" in caplog.text
        assert any("cut of 'Noto Sans CJK JP'" in p for p in fonts.check_fonts())
        assert f"font-family: {fonts.FONT_STACK}" in fonts.face_css()
        assert "@font-face" not in fonts.face_css()
    finally:
        fonts.face_files.cache_clear()
        fonts.check_fonts.cache_clear()


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


def test_a_face_fontconfig_only_substitutes_counts_as_missing():
    # fc-match always answers; a Regular face offered for a missing style must not be cut as that style
    assert fonts._system_face("Bold") is not None
    assert fonts._system_face("Hairline Oblique") is None
