"""Charts as small hand-written SVG strings.

Why by hand: the three charts are a few dozen elements each; a charting
library (pygal) would add a dependency, CSS and script that WeasyPrint's SVG
renderer ignores, and its text would not carry our font. Every <svg> sets
font-family itself, because WeasyPrint's SVG text does not inherit the
page's font. All text goes through escape(): area names are data.
"""

from __future__ import annotations

import math
from html import escape

from assessment.report.fonts import FONT_STACK as FONT

GRID = "#c9d1da"
INK = "#243040"
MUTED = "#6b7785"


def _svg(width: float, height: float, body: str, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" font-family="{escape(FONT)}" role="img" '
        f'aria-label="{escape(label)}">{body}</svg>'
    )


def wrap(text: str, width: int) -> list[str]:
    """Break a label into lines: by words for Latin text, by characters for Japanese."""
    if " " not in text:
        return [text[i : i + width] for i in range(0, len(text), width)] or [""]
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line]


def _text_lines(x, y, lines, size, anchor="middle", weight="normal", fill=INK) -> str:
    out = []
    for i, line in enumerate(lines):
        out.append(
            f'<text x="{x:.1f}" y="{y + i * size * 1.25:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{fill}">{escape(line)}</text>'
        )
    return "".join(out)


# (width, height, centre x, centre y, radius, label size, score size, characters per label line: CJK, Latin)
_REPORT = (520, 345, 260, 188, 122, 10, 11, 11, 20)
# For a phone's width: a viewBox about as wide as the screen, so the labels keep their size (11 px and up
# at 390 px) instead of shrinking with the picture.
_COMPACT = (330, 330, 165, 172, 70, 12.5, 13.5, 6, 12)


def radar(axes: list[tuple[str, int | None]], color: str, *, label: str, cjk: bool, compact: bool = False) -> str:
    """A five-axis radar: grid rings every 20 points, the company's polygon on top."""
    w, h, cx, cy, r, size, score_size, per_cjk, per_latin = _COMPACT if compact else _REPORT
    step = size * 1.25
    n = len(axes)

    def point(i, value):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * value / 100 * math.cos(angle), cy + r * value / 100 * math.sin(angle)

    body = []
    for ring in (20, 40, 60, 80, 100):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(n)))
        body.append(
            f'<polygon points="{pts}" fill="none" stroke="{GRID}" stroke-width="{1.2 if ring == 100 else 0.7}"/>'
        )
        if ring in (40, 100):  # two scale marks are enough; each SVG text costs a layout
            x, y = point(0, ring)
            mark = 12 if compact else 8
            body.append(f'<text x="{x + 4:.1f}" y="{y + 3:.1f}" font-size="{mark}" fill="{MUTED}">{ring}</text>')
    for i in range(n):
        x, y = point(i, 100)
        body.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="0.7"/>')
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, s or 0) for i, (_, s) in enumerate(axes)))
    body.append(f'<polygon points="{pts}" fill="{color}" fill-opacity="0.22" stroke="{color}" stroke-width="2"/>')
    for i, (name, s) in enumerate(axes):
        x, y = point(i, s or 0)
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.2" fill="{color}"/>')
        lx, ly = point(i, 118)
        cos = math.cos(-math.pi / 2 + 2 * math.pi * i / n)
        anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
        lines = wrap(name, per_cjk if cjk else per_latin)
        shown = "–" if s is None else str(s)
        top = (
            ly - (len(lines) * step + score_size + 1) / 2 + size * 0.9
            if anchor != "middle"
            else (ly - len(lines) * step - 4 if i == 0 else ly + 6)
        )
        body.append(_text_lines(lx, top, lines, size, anchor))
        body.append(_text_lines(lx, top + len(lines) * step, [shown], score_size, anchor, "bold", color))
    return _svg(w, h, "".join(body), label)
