"""The trend and the gap in words and pictures, in both locales (report/tracking.py)."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET

import pytest

from assessment.bank.questionnaire import default_questionnaire
from assessment.diagnose.compare import perception_gap, trend
from assessment.diagnose.pipeline import diagnose
from assessment.report import STYLESHEET, charts
from assessment.report.tracking import gap_view, trend_summary, trend_view
from tests.factories import make_answers

QN = default_questionnaire()
SVG = "http://www.w3.org/2000/svg"


def verdict(answers):
    return diagnose(answers, questionnaire=QN)


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_a_better_quarter_is_said_with_its_numbers_and_most_improved_area(locale):
    before, after = (
        verdict(make_answers(0)),
        verdict(make_answers(2, **{q.id: make_answers(3)[q.id] for q in QN.in_section("kpi_design")})),
    )
    t = trend(before, after, QN)
    text = trend_summary(t, "2026-Q3", QN, locale)
    assert "2026-Q3" in text and f"+{t.overall.delta}" in text
    assert t.most_improved is not None and QN.area(t.most_improved.area).name[locale] in text
    assert str(len(t.pitfalls_by_status("resolved"))) in text
    assert ("総合スコア" in text) == (locale == "ja")


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_an_unchanged_quarter_says_so_and_an_older_question_is_flagged(locale):
    same = verdict(make_answers(2))
    assert trend_summary(trend(same, same, QN), "2026-Q3", QN, locale) in (
        "前回（2026-Q3）から変化はありません。",
        "Nothing changed since 2026-Q3.",
    )
    q = QN.scored_questions[0]
    older = dataclasses.replace(same, answers={**same.answers, q.id: "an_option_since_removed"})
    text = trend_summary(trend(older, same, QN), "2026-Q3", QN, locale)
    assert ("以前の版" in text) if locale == "ja" else ("earlier version" in text)


def test_the_trend_view_holds_the_chart_and_its_numbers_as_a_table():
    rounds = [("2026-Q2", dict(verdict(make_answers(0)).scores)), ("2026-Q3", dict(verdict(make_answers(3)).scores))]
    t = trend(verdict(make_answers(0)), verdict(make_answers(3)), QN)
    view = trend_view(rounds, t, QN, "ja")
    assert view.periods == ("2026-Q2", "2026-Q3")
    assert [name for name, _ in view.rows] == [a.name["ja"] for a in QN.areas]
    assert all(scores == (0, 100) for _, scores in view.rows)
    assert view.chart.startswith("<svg") and 'role="img"' in view.chart and "2026-Q3" in view.chart
    # The PDF's plot leaves the names to its table (the pages keep the chart with its legend).
    assert view.plot.startswith("<svg") and "2026-Q3" in view.plot
    names = {name for name, _ in view.rows}
    drawn = [{t.text for t in ET.fromstring(svg).iter(f"{{{SVG}}}text")} for svg in (view.chart, view.plot)]
    assert names & drawn[0] and not names & drawn[1]
    assert all(name in view.plot for name in names)  # its <desc> still says them, with the numbers


def test_a_view_draws_only_what_its_reader_shows_and_each_drawing_once(monkeypatch):
    # The PDF shows the trend's plot and the gap's wide chart; the pages the wide and compact of each.
    drawn: list[str] = []

    def counted(name):
        draw = getattr(charts, name)

        def counting(*args, **kwargs):
            drawn.append(name)
            return draw(*args, **kwargs)

        return counting

    for name in ("trend", "gap"):
        monkeypatch.setattr(charts, name, counted(name))
    rounds = [("2026-Q2", dict(verdict(make_answers(0)).scores)), ("2026-Q3", dict(verdict(make_answers(3)).scores))]
    t = trend(verdict(make_answers(0)), verdict(make_answers(3)), QN)
    g = perception_gap(verdict(make_answers(3)), verdict(make_answers(1)), QN)
    views = [(trend_view(rounds, t, QN, "ja"), gap_view(g, QN, "ja")) for _reader in ("pdf", "page")]
    assert drawn == []  # made, nothing drawn yet
    for _twice in range(2):
        str(views[0][0].plot) + views[0][1].chart  # what the PDF shows
    assert drawn == ["trend", "gap"]
    for _twice in range(2):
        str(views[1][0].page_chart) + views[1][1].page_chart  # what the pages show
    assert drawn == ["trend", "gap"] + ["trend"] * 2 + ["gap"] * 2


def test_the_gap_view_puts_both_sides_per_area_in_the_reader_language():
    g = perception_gap(verdict(make_answers(3)), verdict(make_answers(1)), QN)
    view = gap_view(g, QN, "en")
    assert view.sides == ("Management", "Marketing")
    assert all(m == 100 and k == 33 for _, m, k in view.rows)
    assert gap_view(g, QN, "ja").sides == ("経営", "マーケティング")


def _font_sizes(svg: str) -> list[float]:
    return [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_pages_get_a_phone_drawing_whose_text_stays_readable_at_390_px(locale):
    """A 390 px phone's column is about 358 px: the compact viewBox (340) scales text by ~1.05, not 0.69."""
    scores = [dict(verdict(make_answers(n % 4)).scores) for n in range(8)]
    rounds = [(f"{2025 + n // 4}-Q{n % 4 + 1}", s) for n, s in enumerate(scores)]
    t = trend(verdict(make_answers(3)), verdict(make_answers(0)), QN)
    g = perception_gap(verdict(make_answers(3)), verdict(make_answers(1)), QN)
    for view in (trend_view(rounds, t, QN, locale), gap_view(g, QN, locale)):
        compact = str(view.compact_chart)
        assert re.search(r'viewBox="0 0 340 [\d.]+"', compact) and 'role="img"' in compact
        assert min(_font_sizes(compact)) * 358 / 340 >= 11
        assert all(QN.area(a.id).name[locale][:8] in compact for a in QN.areas)  # every area is named
        page = str(view.page_chart)
        assert page.index('class="chart-wide"') < page.index(str(view.chart)) < page.index('class="chart-compact"')
    trend_svg = str(trend_view(rounds, t, QN, locale).compact_chart)
    # Eight rounds: four period labels fit side by side, the latest among them.
    assert trend_svg.count(">2026-Q4<") == 1 and sum(trend_svg.count(f">{p}<") for p, _ in rounds) == 4


def test_the_report_tables_line_keys_are_the_charts_line_colours():
    # The trend table is the PDF's legend (templates/report/_rounds.html): .key-N is SERIES[N].
    css = STYLESHEET.read_text(encoding="utf-8")
    assert [f".key-{k} {{ background: {color}; }}" in css for k in range(5) for color in [charts.SERIES[k]]] == [
        True
    ] * 5
