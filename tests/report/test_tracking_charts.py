"""The trend and gap charts: what they draw, and that data never becomes markup."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from assessment.report import charts

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.get("role") == "img" and root.get("aria-label")
    return root


def test_the_trend_draws_a_point_per_answered_round_and_breaks_the_line_where_one_is_missing():
    root = parse(
        charts.trend(
            [("目線合わせ", [20, 45, 70]), ("KPI設計", [30, None, 60])], ["2026-Q2", "2026-Q3", "2026-Q4"], label="推移"
        )
    )
    assert len(root.findall("s:circle", NS)) == 5
    lines = root.findall("s:polyline", NS)
    assert len(lines) == 1 and len(lines[0].get("points", "").split()) == 3  # the second area has no run of two
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"2026-Q2", "2026-Q4", "70", "60"} <= set(texts)
    ys = [float(c.get("cy", 0)) for c in root.findall("s:circle", NS)[:3]]
    assert ys == sorted(ys, reverse=True)  # a rising score is drawn higher


def test_the_gap_joins_two_different_scores_and_rings_an_agreement():
    root = parse(charts.gap([("A", 90, 20), ("B", 50, 50), ("C", None, 30)], ("経営", "マーケ"), label="ギャップ"))
    joins = [line for line in root.findall("s:line", NS) if line.get("stroke-width") == "3"]
    assert len(joins) == 1 and float(joins[0].get("x1", 0)) > float(joins[0].get("x2", 0))  # 90 is right of 20
    rings = [c for c in root.findall("s:circle", NS) if c.get("fill") == "none"]
    assert len(rings) == 1


def test_names_and_periods_are_escaped():
    hostile = '<script>alert(1)</script>&"'
    for svg in (
        charts.trend([(hostile, [10])], [hostile], label=hostile),
        charts.gap([(hostile, 10, 20)], (hostile, hostile), label=hostile),
    ):
        parse(svg)
        assert "<script>" not in svg and not re.search(r"<(?!/?(svg|text|line|circle|polyline|rect)\b)", svg)


def test_the_trend_without_its_legend_keeps_the_lines_and_periods_and_leaves_the_names_to_the_page():
    series: list[tuple[str, list[int | None]]] = [("目線合わせ", [20, 45, 70]), ("KPI設計", [30, None, 60])]
    periods = ["2026-Q2", "2026-Q3", "2026-Q4"]
    full, plot = (parse(charts.trend(series, periods, label="推移", legend=shown)) for shown in (True, False))
    texts = {t.text for t in plot.iter("{http://www.w3.org/2000/svg}text")}
    assert set(periods) <= texts and not {"目線合わせ", "KPI設計", "70", "60"} & texts
    assert len(plot.findall("s:circle", NS)) == len(full.findall("s:circle", NS)) == 5
    assert plot.findall("s:rect", NS) == [] and len(full.findall("s:rect", NS)) == 2  # the legend's swatches
    # The plot takes the legend's width: the last round is drawn further right.
    last = [max(float(c.get("cx", 0)) for c in root.findall("s:circle", NS)) for root in (full, plot)]
    assert last[1] > last[0] + 100


def test_the_cover_dial_draws_the_scores_share_of_the_ring():
    def arc(score):
        svg = charts.dial(score, "#1f4e79", label=f"{score}")
        found = re.search(r'stroke-dasharray="([\d.]+) ([\d.]+)"', svg)
        return None if found is None else float(found.group(1)) / float(found.group(2))

    assert arc(0) is None  # the grey track alone
    assert abs(arc(25) - 0.25) < 0.001 and abs(arc(67) - 0.67) < 0.001 and arc(100) == 1.0
    assert abs(arc(140) - 1.0) < 0.001  # never past a full ring


def test_the_report_cover_shows_the_dial_with_its_score_in_words():
    from assessment import evaluate
    from assessment.report import render_html
    from tests.factories import make_answers

    d = evaluate(make_answers(1), locale="ja")
    html = render_html(d)
    dial = html[html.index('class="score-dial"') :][:2000]
    assert "<svg" in dial and f"総合スコア 100点中{d.overall}点" in dial
