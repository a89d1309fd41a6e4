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


def _svg(width: float, height: float, body: str, label: str, title: str | None = None) -> str:
    """label: the chart in words, numbers included; with a title, they are also its <title> and <desc>."""
    named = f"<title>{escape(title)}</title><desc>{escape(label)}</desc>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" font-family="{escape(FONT)}" role="img" '
        f'aria-label="{escape(label)}">{named}{body}</svg>'
    )


_BREAK_AFTER = "・、の"  # Japanese reads well broken after these
_BREAK_BEFORE = "（"  # and before an opening bracket


def _cjk_break(text: str, width: int) -> int:
    """Where to end a Japanese line of at most `width` characters: at the last natural break, else at width.

    Why: cutting at a fixed count splits words (経営・事業ゴールとの接/続); a line may end a little early.
    """
    for i in range(width, max(width // 2, 1) - 1, -1):
        if text[i] in _BREAK_BEFORE or text[i - 1] in _BREAK_AFTER:
            return i
    return width


def wrap(text: str, width: int) -> list[str]:
    """Break a label into lines: by words for Latin text, by characters for Japanese (at natural breaks)."""
    if " " not in text:
        lines = []
        while len(text) > width:
            cut = _cjk_break(text, width)
            lines.append(text[:cut])
            text = text[cut:]
        return [*lines, text] if text or not lines else lines
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


def dial(score: int, color: str, *, label: str) -> str:
    """The cover's ring: a grey track, and the score's share of it drawn clockwise from the top.

    No text: the number is the page's own, laid over it (WeasyPrint lays SVG text out a character
    at a time).
    """
    size, width = 124.0, 9.0
    r = (size - width) / 2
    around = 2 * math.pi * r
    arc = around * max(0, min(score, 100)) / 100
    c = size / 2
    ring = f'<circle cx="{c:g}" cy="{c:g}" r="{r:g}" fill="none" stroke-width="{width:g}"'
    body = f'{ring} stroke="{GRID}"/>' + (
        f'{ring} stroke="{color}" stroke-linecap="round" stroke-dasharray="{arc:.2f} {around:.2f}" '
        f'transform="rotate(-90 {c:g} {c:g})"/>'
        if arc
        else ""
    )
    return _svg(size, size, body, label)


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


# Line colours for up to five areas: distinguishable in grey print too (lightness differs).
SERIES = ("#1f5f99", "#c0392b", "#2e8b57", "#b7791f", "#6b4fa0")


# A phone's trend and gap: a viewBox about as wide as the screen's column (as _COMPACT for the radar), so
# text of 12-13 units shows at 11 px and more at 390 px; the legend and the area names go below or above
# the plot instead of beside it, where a 340-unit picture has no room for them.
COMPACT_WIDTH = 340


def trend(
    series: list[tuple[str, list[int | None]]],
    periods: list[str],
    *,
    label: str,
    title: str | None = None,
    compact: bool = False,
    legend: bool = True,
) -> str:
    """Area scores over rounds: one line per area, a point per round (a gap where unanswered).

    legend=False leaves out the names and last scores on the right, for a page that shows them
    beside the chart with the SERIES colours (the PDF's table). Why: WeasyPrint lays out and
    draws SVG text one character at a time (0.15 ms each here), and the legend's 85 characters
    were half the chart's cost in the round PDF.
    """
    if compact:
        return _trend_compact(series, periods, label=label, title=title)
    # Without the legend the plot is drawn to fill the text width (report.css): lower, so that the
    # chart keeps about the height it has with the legend.
    w, left, right, top, plot_h = (520, 34, 150, 14, 170) if legend else (520, 34, 24, 14, 130)
    plot_w = w - left - right
    h = top + plot_h + 40
    x, y, body = _trend_frame(max(len(periods), 1), left, plot_w, top, plot_h, 8, 3)
    for i, period in enumerate(periods):
        body.append(_text_lines(x(i), top + plot_h + 16, [period], 9, fill=MUTED))
    for k, (name, values) in enumerate(series):
        color = SERIES[k % len(SERIES)]
        body += _lines(values, x, y, color, 2.8)
        if not legend:
            continue
        ly = top + 8 + k * 30
        last = next((v for v in reversed(values) if v is not None), None)
        body.append(f'<rect x="{left + plot_w + 12}" y="{ly - 7}" width="10" height="3" fill="{color}"/>')
        lines = wrap(name, 10) if " " not in name else wrap(name, 18)
        body.append(_text_lines(left + plot_w + 26, ly - 2, [*lines[:2]], 9, "start"))
        if last is not None:
            body.append(_text_lines(w - 4, ly - 2, [str(last)], 9, "end", "bold", color))
    return _svg(w, h, "".join(body), label, title)


def _trend_frame(n: int, left: float, plot_w: float, top: float, plot_h: float, tick_size: float, tick_dy: float):
    """The trend's scales for n rounds: (x of round i, y of a score, the 0/50/100 grid lines with their marks)."""

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: int) -> float:
        return top + plot_h * (1 - v / 100)

    body = [
        f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" stroke="{GRID}" '
        f'stroke-width="0.7"/><text x="{left - 5}" y="{y(tick) + tick_dy:.1f}" font-size="{tick_size}" '
        f'text-anchor="end" fill="{MUTED}">{tick}</text>'
        for tick in (0, 50, 100)
    ]
    return x, y, body


def _lines(values: list[int | None], x, y, color: str, r: float = 3) -> list[str]:
    """One area's points, joined where consecutive rounds both have a score."""
    body: list[str] = []
    runs: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            runs.append([])
            continue
        runs[-1].append(f"{x(i):.1f},{y(v):.1f}")
        body.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="{r:g}" fill="{color}"/>')
    body += [
        f'<polyline points="{" ".join(run)}" fill="none" stroke="{color}" stroke-width="2"/>'
        for run in runs
        if len(run) > 1
    ]
    return body


def _trend_compact(
    series: list[tuple[str, list[int | None]]], periods: list[str], *, label: str, title: str | None
) -> str:
    """The trend for a phone: the plot the full width, the legend (name and latest score) below it."""
    w, left, right, top, plot_h, size = COMPACT_WIDTH, 30, 26, 10, 150, 12.5
    plot_w = w - left - right
    n = max(len(periods), 1)
    every = math.ceil(n / 4)  # at most four period labels side by side
    x, y, body = _trend_frame(n, left, plot_w, top, plot_h, 12, 4)
    for i, period in enumerate(periods):
        if (n - 1 - i) % every == 0:  # counted from the latest, so it always shows and none crowd it
            anchor = "middle" if 0 < i < n - 1 or n == 1 else ("start" if i == 0 else "end")
            at = x(i) - 10 if anchor == "start" else (x(i) + 10 if anchor == "end" else x(i))
            body.append(_text_lines(at, top + plot_h + 18, [period], 12, anchor, fill=MUTED))
    ly: float = top + plot_h + 44
    for k, (name, values) in enumerate(series):
        color = SERIES[k % len(SERIES)]
        body += _lines(values, x, y, color)
        lines = wrap(name, 22 if " " not in name else 38)[:2]
        last = next((v for v in reversed(values) if v is not None), None)
        body.append(f'<rect x="{left - 26}" y="{ly - 6}" width="14" height="4" fill="{color}"/>')
        body.append(_text_lines(left - 6, ly, lines, size, "start"))
        if last is not None:
            body.append(_text_lines(w - 2, ly, [str(last)], size, "end", "bold", color))
        ly += len(lines) * size * 1.25 + 7
    return _svg(w, ly - 6, "".join(body), label, title)


def gap(
    rows: list[tuple[str, int | None, int | None]],
    sides: tuple[str, str],
    *,
    label: str,
    title: str | None = None,
    compact: bool = False,
) -> str:
    """Two respondents' area scores side by side: a dot each on a 0-100 scale, joined by the gap."""
    if compact:
        return _gap_compact(rows, sides, label=label, title=title)
    w, left, right, row_h, top = 520, 150, 20, 30, 30
    plot_w = w - left - right
    h = top + row_h * len(rows) + 22
    colors = (SERIES[0], SERIES[1])

    def x(v: int) -> float:
        return left + plot_w * v / 100

    body = []
    for k, side in enumerate(sides):  # the legend, top left of the plot
        lx = left + k * 150
        body.append(f'<circle cx="{lx + 4}" cy="12" r="4" fill="{colors[k]}"/>')
        body.append(_text_lines(lx + 13, 15.5, [side], 9, "start"))
    for tick in (0, 50, 100):
        body.append(
            f'<line x1="{x(tick):.1f}" y1="{top - 6}" x2="{x(tick):.1f}" y2="{h - 20}" stroke="{GRID}" stroke-width="0.7"/>'
        )
        body.append(_text_lines(x(tick), h - 8, [str(tick)], 8, fill=MUTED))
    for i, (name, a, b) in enumerate(rows):
        cy = top + row_h * i + row_h / 2
        lines = wrap(name, 13 if " " not in name else 24)[:2]
        body.append(_text_lines(left - 8, cy + 3.5 - (len(lines) - 1) * 5.6, lines, 9, "end"))
        body += _dots(a, b, cy, x)
    return _svg(w, h, "".join(body), label, title)


def _dots(a: int | None, b: int | None, cy: float, x) -> list[str]:
    """Both sides' dots on one row, joined by the gap; the same score: a ring around the other dot, so both show."""
    colors, body = (SERIES[0], SERIES[1]), []
    if a is not None and b is not None and a != b:
        body.append(
            f'<line x1="{x(a):.1f}" y1="{cy:.1f}" x2="{x(b):.1f}" y2="{cy:.1f}" stroke="{MUTED}" stroke-width="3"/>'
        )
    if a is not None and a == b:
        body.append(
            f'<circle cx="{x(a):.1f}" cy="{cy:.1f}" r="8" fill="none" stroke="{colors[0]}" stroke-width="2.5"/>'
        )
        a = None
    for k, v in enumerate((a, b)):
        if v is not None:
            body.append(f'<circle cx="{x(v):.1f}" cy="{cy:.1f}" r="5" fill="{colors[k]}"/>')
    return body


def _gap_compact(
    rows: list[tuple[str, int | None, int | None]], sides: tuple[str, str], *, label: str, title: str | None
) -> str:
    """The gap for a phone: each area's name on a line of its own above its scale."""
    w, left, right, size = COMPACT_WIDTH, 10, 12, 12.5
    plot_w = w - left - right
    colors = (SERIES[0], SERIES[1])

    def x(v: int) -> float:
        return left + plot_w * v / 100

    body = []
    for k, side in enumerate(sides):
        lx = left + k * 150
        body.append(f'<circle cx="{lx + 5}" cy="12" r="5" fill="{colors[k]}"/>')
        body.append(_text_lines(lx + 15, 16.5, [side], size, "start"))
    cy, top = 34.0, 30.0
    marks = []
    for name, a, b in rows:
        lines = wrap(name, 25 if " " not in name else 44)[:2]
        body.append(_text_lines(left, cy + size, lines, size, "start"))
        cy += len(lines) * size * 1.25 + 12
        body += _dots(a, b, cy, x)
        cy += 18
    for tick in (0, 50, 100):
        marks.append(
            f'<line x1="{x(tick):.1f}" y1="{top}" x2="{x(tick):.1f}" y2="{cy:.1f}" stroke="{GRID}" stroke-width="0.7"/>'
        )
        anchor = "start" if tick == 0 else ("end" if tick == 100 else "middle")
        marks.append(_text_lines(x(tick), cy + 14, [str(tick)], 12, anchor, fill=MUTED))
    return _svg(w, cy + 20, "".join(marks + body), label, title)
