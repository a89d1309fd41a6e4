"""Rounds on the page and in the PDF: the trend and the gap in a locale, with their charts.

compare.py finds what changed and where two sides differ, as ids and numbers; this module
says it in words and draws it, in one locale, for the report and the workspace pages alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from markupsafe import Markup

from assessment.bank.questionnaire import Question, Questionnaire
from assessment.diagnose.compare import PerceptionGap, Trend
from assessment.diagnose.diagnosis import Diagnosis
from assessment.diagnose.verdict import Value
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


class _Drawings:
    """A view's drawings, each made when first asked for and once: no reader draws what it does not show."""

    def _drawn(self, *, compact: bool = False) -> Markup:
        raise NotImplementedError

    @cached_property
    def chart(self) -> Markup:
        """The report's drawing."""
        return self._drawn()

    @cached_property
    def compact_chart(self) -> Markup:
        """The same for a phone's width."""
        return self._drawn(compact=True)

    @property
    def page_chart(self) -> Markup:
        """Both drawings for a web page, one shown (site.css): the report's on wide screens, the compact one on phones."""
        return Markup('<div class="chart-wide">{}</div><div class="chart-compact">{}</div>').format(
            self.chart, self.compact_chart
        )


TargetRows = tuple[tuple[str, int | None, int | None], ...]  # area name, level now, target level


def target_rows(
    scores: Mapping[str, int | None], targets: Mapping[str, int] | None, qn: Questionnaire, locale: str
) -> TargetRows:
    """Per area its level now (from its score) and the target set for it; () when no target is set."""
    if not targets:
        return ()
    return tuple(
        (
            a.name[locale],
            None if scores.get(a.id) is None else qn.level_for(scores[a.id] or 0).number,
            targets.get(a.id),
        )
        for a in qn.areas
    )


@dataclass(frozen=True)
class TrendView(_Drawings):
    """The trend in a locale: the pages show `page_chart` (`chart`, with its legend, and `compact_chart`),
    the PDF `plot`."""

    summary: str
    periods: tuple[str, ...]
    rows: tuple[tuple[str, tuple[int | None, ...]], ...]  # area name -> score per round: the chart as a table
    title: str  # the drawings' title ...
    label: str  # ... and their text alternative: every area's scores in words
    resolved: tuple[str, ...] = ()  # pitfall titles
    new: tuple[str, ...] = ()
    persisting: tuple[str, ...] = ()
    steps: tuple[tuple[str, str], ...] = ()  # the earlier round's steps: title, mark
    # area name, level now, target level: the targets set at the earlier round (for this one) ...
    targets: TargetRows = ()
    # ... and those set at this round for the next one
    next_targets: TargetRows = ()

    def _drawn(self, *, compact: bool = False, legend: bool = True) -> Markup:
        series = [(name, list(scores)) for name, scores in self.rows]
        drawn = charts.trend(
            series, list(self.periods), label=self.label, title=self.title, compact=compact, legend=legend
        )
        return Markup(drawn)  # charts escape every name

    @cached_property
    def plot(self) -> Markup:
        """The report's drawing without its legend: the PDF's, whose table names the lines."""
        return self._drawn(legend=False)


def trend_view(
    rounds: list[tuple[str, dict[str, int | None]]],
    t: Trend,
    qn: Questionnaire,
    locale: str,
    *,
    before: Diagnosis | None = None,
    after: Diagnosis | None = None,
    step_status: dict[str, str] | None = None,
    targets: dict[str, int] | None = None,
    next_targets: dict[str, int] | None = None,
) -> TrendView:
    """rounds: (period, area id -> score) of every closed round, oldest first; t: the last two's trend.

    before/after: those two rounds' Diagnoses in `locale` (pitfall and step titles); step_status:
    the consultant's marks on the earlier round's steps; targets: area id -> target level set at the
    earlier round, next_targets: those set at the later round for the one after it.
    """
    gettext = translations(locale).gettext
    periods = tuple(period for period, _scores in rounds)
    rows = tuple((a.name[locale], tuple(scores.get(a.id) for _period, scores in rounds)) for a in qn.areas)
    title = gettext("Area scores by round")
    label = title + ": " + "; ".join(f"{n} " + " → ".join("–" if v is None else str(v) for v in vs) for n, vs in rows)
    since = periods[-2] if len(periods) > 1 else ""
    titles = {p.id: p.title for d in (before, after) if d is not None for p in d.pitfalls}
    marks = {"done": gettext("done"), "in_progress": gettext("in progress"), "dropped": gettext("dropped")}
    steps = tuple(
        (a.title, marks.get((step_status or {}).get(a.id, ""), gettext("not marked")))
        for a in (before.actions if before else ())
    )
    now = {c.area: c.after for c in t.areas}

    def named(status: str) -> tuple[str, ...]:
        return tuple(titles.get(pid, pid) for pid in t.pitfalls_by_status(status))

    return TrendView(
        trend_summary(t, since, qn, locale),
        periods,
        rows,
        title,
        label,
        resolved=named("resolved"),
        new=named("new"),
        persisting=named("persisting"),
        steps=steps,
        targets=target_rows(now, targets, qn, locale),
        next_targets=target_rows(now, next_targets, qn, locale),
    )


@dataclass(frozen=True)
class GapView(_Drawings):
    """The gap in a locale: the pages show `page_chart`, the PDF `chart`."""

    sides: tuple[str, str]
    rows: tuple[tuple[str, int | None, int | None], ...]  # area name, management, marketing
    largest: tuple[tuple[str, str, str, int], ...]  # question, management's answer, marketing's, gap
    alignment_disagrees: bool
    title: str  # the drawings' title ...
    label: str  # ... and their text alternative: both sides' scores per area in words

    def _drawn(self, *, compact: bool = False) -> Markup:
        drawn = charts.gap(list(self.rows), self.sides, label=self.label, title=self.title, compact=compact)
        return Markup(drawn)  # charts escape every name


def answer_text(q: Question, value: Value, locale: str) -> str:
    """An answer as the respondent saw it: the option labels, or the raw value the bank dropped."""
    values = value if isinstance(value, tuple) else (value,)
    labels = [o.label[locale] if (o := q.option(v)) is not None else v for v in values]
    return ("、" if locale == "ja" else ", ").join(labels) or "—"


def gap_view(g: PerceptionGap, qn: Questionnaire, locale: str) -> GapView:
    _ = translations(locale).gettext  # the name pybabel extracts
    sides = (_("Management"), _("Marketing"))
    name = {a.id: a.name[locale] for a in qn.areas}
    rows = tuple((name[a.area], a.scores[0], a.scores[1]) for a in g.areas)
    title = _("Area scores of management and marketing")
    label = title + ": " + "; ".join(f"{n} {'–' if m is None else m} / {'–' if k is None else k}" for n, m, k in rows)
    largest = tuple(
        (
            qn.by_id[i.question].text[locale],
            answer_text(qn.by_id[i.question], i.values[0], locale),
            answer_text(qn.by_id[i.question], i.values[1], locale),
            i.gap,
        )
        for i in g.largest
    )
    return GapView(sides, rows, largest, g.alignment_disagrees, title, label)
