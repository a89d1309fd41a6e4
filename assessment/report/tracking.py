"""Rounds on the page and in the PDF: the trend and the gap in a locale, with their charts.

compare.py finds what changed and where two sides differ, as ids and numbers; this module
says it in words and draws it, in one locale, for the report and the workspace pages alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from assessment.bank.questionnaire import Questionnaire
from assessment.diagnose.compare import PerceptionGap, Trend
from assessment.report import charts
from assessment.report.i18n import translations


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def trend_summary(t: Trend, since: str, qn: Questionnaire, locale: str) -> str:
    """One paragraph saying what changed since the round `since` (its period, e.g. 2026-Q3)."""
    _ = translations(locale).gettext
    name = {a.id: a.name[locale] for a in qn.areas}
    parts = []
    delta = t.overall.delta
    if delta is not None and t.overall.before is not None and t.overall.after is not None:
        parts.append(
            _("Since %(period)s the overall score went from %(before)s to %(after)s (%(delta)s).")
            % {"period": since, "before": t.overall.before, "after": t.overall.after, "delta": _signed(delta)}
        )
    if t.level[0] is not None and t.level[1] is not None and t.level[0] != t.level[1]:
        parts.append(_("The level went from %(before)s to %(after)s.") % {"before": t.level[0], "after": t.level[1]})
    if t.most_improved is not None and t.most_improved.delta:
        area = t.most_improved
        parts.append(
            _("Most improved: %(area)s (%(delta)s).") % {"area": name[area.area], "delta": _signed(area.delta or 0)}
        )
    if t.most_declined is not None and t.most_declined.delta:
        area = t.most_declined
        parts.append(
            _("Most declined: %(area)s (%(delta)s).") % {"area": name[area.area], "delta": _signed(area.delta or 0)}
        )
    counts = {s: len(t.pitfalls_by_status(s)) for s in ("resolved", "new", "persisting")}
    if any(counts.values()):
        parts.append(_("Pitfalls resolved: %(resolved)s; new: %(new)s; still there: %(persisting)s.") % counts)
    if not parts or (delta == 0 and not counts["resolved"] and not counts["new"] and not t.items):
        parts = [_("Nothing changed since %(period)s.") % {"period": since}]
    if any(not c.comparable for c in t.items):
        parts.append(_("Some answers were given to an earlier version of a question and are not compared."))
    return ("" if locale == "ja" else " ").join(parts)


@dataclass(frozen=True)
class TrendView:
    summary: str
    chart: Markup
    periods: tuple[str, ...]
    rows: tuple[tuple[str, tuple[int | None, ...]], ...]  # area name -> score per round: the chart as a table


def trend_view(rounds: list[tuple[str, dict[str, int | None]]], t: Trend, qn: Questionnaire, locale: str) -> TrendView:
    """rounds: (period, area id -> score) of every closed round, oldest first; t: the last two's trend."""
    _ = translations(locale).gettext
    periods = tuple(p for p, _scores in rounds)
    rows = tuple((a.name[locale], tuple(scores.get(a.id) for _p, scores in rounds)) for a in qn.areas)
    label = (
        _("Area scores by round")
        + ": "
        + "; ".join(f"{n} " + " → ".join("–" if v is None else str(v) for v in vs) for n, vs in rows)
    )
    svg = charts.trend([(n, list(vs)) for n, vs in rows], list(periods), label=label)
    since = periods[-2] if len(periods) > 1 else ""
    return TrendView(trend_summary(t, since, qn, locale), Markup(svg), periods, rows)  # charts escape every name


@dataclass(frozen=True)
class GapView:
    chart: Markup
    sides: tuple[str, str]
    rows: tuple[tuple[str, int | None, int | None], ...]  # area name, management, marketing


def gap_view(g: PerceptionGap, qn: Questionnaire, locale: str) -> GapView:
    _ = translations(locale).gettext
    sides = (_("Management"), _("Marketing"))
    name = {a.id: a.name[locale] for a in qn.areas}
    rows = tuple((name[a.area], a.scores[0], a.scores[1]) for a in g.areas)
    label = (
        _("Area scores of management and marketing")
        + ": "
        + "; ".join(f"{n} {'–' if m is None else m} / {'–' if k is None else k}" for n, m, k in rows)
    )
    return GapView(Markup(charts.gap(list(rows), sides, label=label)), sides, rows)  # charts escape every name
