"""Fonts: one FontConfiguration per process, and a start-up check.

WeasyPrint subsets embedded fonts with HarfBuzz only when libharfbuzz-subset0
is installed; otherwise it silently falls back to fontTools, which makes a
Japanese report about twenty times slower. check_fonts() says so clearly.
"""
from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

REPORT_FONT = "Noto Sans CJK JP"


@lru_cache(maxsize=1)
def font_config():
    """The process-wide FontConfiguration; a fresh one per render leaks memory and time."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def harfbuzz_subset_active() -> bool:
    """Mirror the test WeasyPrint makes before subsetting (weasyprint/pdf/fonts.py)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def _font_installed(family: str) -> bool:
    if not shutil.which("fc-list"):
        return True  # cannot tell; WeasyPrint will still find it through fontconfig
    out = subprocess.run(["fc-list", f"{family}:style=Bold", "family"], capture_output=True, text=True).stdout
    return family in out


@lru_cache(maxsize=1)
def check_fonts() -> tuple[str, ...]:
    """Problems that make the report slow or ugly, as sentences; empty when all is well."""
    problems = []
    if not harfbuzz_subset_active():
        problems.append(
            "HarfBuzz font subsetting is not active (install the Debian package libharfbuzz-subset0, "
            "or run scripts/setup): PDF reports will render about 20x slower through fontTools."
        )
    if not _font_installed(REPORT_FONT):
        problems.append(
            f"The font '{REPORT_FONT}' (Regular and Bold) is not installed (Debian package fonts-noto-cjk): "
            "Japanese text in PDF reports will fall back to another font or show empty boxes."
        )
    return tuple(problems)
