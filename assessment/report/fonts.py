"""Fonts: one FontConfiguration per process, the report's font files, and a start-up check.

WeasyPrint subsets embedded fonts with HarfBuzz only when libharfbuzz-subset0
is installed; otherwise it silently falls back to fontTools, which makes a
Japanese report about twenty times slower. check_fonts() says so clearly.

Why the report carries its own cut of Noto Sans CJK JP: WeasyPrint subsets each
embedded font keeping every glyph id up to the highest one used, and the JP
face of Debian's collection holds 65,535 glyphs with the kanji spread over all
of them. On the full face, subsetting and compressing the embedded fonts cost
about a quarter of a render. The cut holds the JIS X 0208 repertoire (with the
cp932 extensions), kana, Latin and the punctuation and symbol blocks: about
8,400 glyphs, all the Japanese a report normally needs. It is made once per
machine with HarfBuzz (uharfbuzz, 0.15 s a face) into the cache folder and
declared with @font-face as FACE_FAMILY; a character outside it (a rare kanji
in a name) falls back to the full system font, which still renders it.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

REPORT_FONT = "Noto Sans CJK JP"  # the system family (fontconfig): the fallback, and the web page's font
FACE_FAMILY = "Noto Sans CJK JP Report"  # our cut, declared with @font-face in PDF renders
FONT_STACK = f"'{FACE_FAMILY}', '{REPORT_FONT}', sans-serif"
WEIGHTS = {"normal": "Regular", "bold": "Bold"}
CUT_VERSION = 3  # bump when the cut below changes (repertoire, tables): the cache file names carry it

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def font_config():
    """The process-wide FontConfiguration; a fresh one per render leaks memory and time."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def cache_dir() -> Path:
    """Where machine-local derived files live: $CMO_CACHE_DIR, else the XDG cache."""
    if os.environ.get("CMO_CACHE_DIR"):
        return Path(os.environ["CMO_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cmo-assessment"


def repertoire() -> set[int]:
    """The code points of the cut: what cp932 (JIS X 0208 + extensions) encodes, plus Latin and symbols."""
    blocks = [(0x20, 0x7E), (0xA0, 0x24F), (0x2000, 0x2BFF), (0x3000, 0x30FF), (0xFF00, 0xFFEF)]
    points = {c for lo, hi in blocks for c in range(lo, hi + 1)}
    for c in range(0x3400, 0xFFF0):
        try:
            chr(c).encode("cp932")
        except UnicodeEncodeError:
            continue
        points.add(c)
    return points


def _system_face(style: str) -> tuple[Path, int] | None:
    """The file and collection index of REPORT_FONT in this style; None when it is not installed."""
    if not shutil.which("fc-match"):
        return None
    out = subprocess.run(
        ["fc-match", "-f", "%{family}\t%{style}\t%{file}\t%{index}", f"{REPORT_FONT}:style={style}"],
        capture_output=True,
        text=True,
    ).stdout
    family, styles, path, index = ([*out.split("\t"), "", "", "", ""])[:4]
    if REPORT_FONT not in family.split(",") or style not in styles.split(",") or not path:
        return None  # fontconfig substituted another family or style: that face is not installed
    return Path(path), int(index or 0)


def _cut(source: Path, index: int, style: str) -> Path:
    """The cut of face `index` of `source`, made once and kept in the cache folder."""
    stat = source.stat()
    # Named by the source's size and mtime: a font package upgrade makes a new cut.
    target = cache_dir() / "fonts" / f"{source.stem}-{index}-{stat.st_size}-{int(stat.st_mtime)}-v{CUT_VERSION}.otf"
    if target.is_file():
        return target
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(source)), index)
    plan = hb.SubsetInput()
    plan.unicode_set.update(repertoire())
    # 'locl' maps to the Korean and Chinese forms the face also holds: keeping it would pull
    # 8,000 glyphs into the cut that a report (lang ja or en) never shows.
    plan.layout_feature_tag_set.discard(int.from_bytes(b"locl", "big"))
    # Vertical metrics serve vertical writing, which WeasyPrint does not lay out; every render
    # embedded them: 32 KB a face before compression, 0.5% of a render's instructions.
    for table in (b"vhea", b"vmtx", b"VORG"):
        plan.drop_table_tag_set.add(int.from_bytes(table, "big"))
    cut = hb.subset(face, plan)
    if cut is None:
        raise RuntimeError(f"HarfBuzz could not cut {source} (face {index})")
    target.parent.mkdir(parents=True, exist_ok=True)
    log.info("report fonts: cut the %s face of %s to %s (once per machine)", style, source, target)
    # Written to a temporary name and renamed: other processes may do the same at start-up.
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".tmp", delete=False) as tmp:
        tmp.write(cut.blob.data)
    os.replace(tmp.name, target)
    for stale in target.parent.glob(f"{source.stem}-*.otf"):  # cuts of an older font or CUT_VERSION
        if stale != target:
            stale.unlink(missing_ok=True)
    return target


@lru_cache(maxsize=1)
def face_files() -> dict[str, Path] | None:
    """CSS font-weight -> our cut's Regular and Bold files; None to use the system family as is."""
    try:
        found = {weight: _system_face(style) for weight, style in WEIGHTS.items()}
        faces = {weight: face for weight, face in found.items() if face is not None}
        if len(faces) < len(found):
            return None
        return {weight: _cut(path, index, WEIGHTS[weight]) for weight, (path, index) in faces.items()}
    except Exception:  # a read-only cache or a damaged font costs speed, never the report
        log.warning("report fonts: cannot make the report's cut of %s; using the full font", REPORT_FONT, exc_info=True)
        return None


def face_css() -> str:
    """@font-face rules for our cut and the font stack that prefers it (PDF renders only)."""
    rules = [
        f'@font-face {{ font-family: "{FACE_FAMILY}"; font-weight: {weight}; src: url("{path.as_uri()}"); }}'
        for weight, path in (face_files() or {}).items()
    ]
    return "\n".join([*rules, f"html, svg {{ font-family: {FONT_STACK}; }}"])


def harfbuzz_subset_active() -> bool:
    """Mirror the test WeasyPrint makes before subsetting (weasyprint/pdf/fonts.py)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def _font_installed() -> bool:
    """REPORT_FONT has its real Bold face (WeasyPrint does not synthesise one)."""
    if not shutil.which("fc-match"):
        return True  # cannot tell; WeasyPrint will still find it through fontconfig
    return _system_face("Bold") is not None


@lru_cache(maxsize=1)
def check_fonts() -> tuple[str, ...]:
    """Problems that make the report slow or ugly, as sentences; empty when all is well."""
    problems = []
    if not harfbuzz_subset_active():
        problems.append(
            "HarfBuzz font subsetting is not active (install the Debian package libharfbuzz-subset0, "
            "or run scripts/setup): PDF reports will render about 20x slower through fontTools."
        )
    if not _font_installed():
        problems.append(
            f"The font '{REPORT_FONT}' (Regular and Bold) is not installed (Debian package fonts-noto-cjk): "
            "Japanese text in PDF reports will fall back to another font or show empty boxes."
        )
    elif face_files() is None:
        problems.append(
            f"The report's cut of '{REPORT_FONT}' could not be made in {cache_dir()} (set CMO_CACHE_DIR "
            "to a writable folder): PDF reports embed the full font, about a third slower each."
        )
    return tuple(problems)
