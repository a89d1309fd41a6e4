"""What the templates show, read from a Diagnosis. Nothing here scores anything."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.dates import format_date
from markupsafe import Markup

from assessment.bank.roles import BUSINESS_MODEL, MEASURED_METRICS, PRIMARY_GOAL, BusinessModel
from assessment.diagnose.diagnosis import AnswerView, Diagnosis, Evidence, FlagFinding, Task
from assessment.report import charts, kpi
from assessment.report.branding import Branding

HEADER_MAX = 60  # characters of the company name in the running header
COVER_MAX = 160  # and on the cover; the full name would push the cover onto two pages
ROADMAP_DAYS = (30, 90, 180)


def _clip(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class AreaPanel:
    id: str
    name: str
    score: int | None
    level: int | None
    band: str
    mature: str
    bar_width: int  # percent; a CSS bar is far cheaper for WeasyPrint than an SVG with text
    strongest: AnswerView | None
    weakest: AnswerView | None
    doubts: tuple[FlagFinding, ...] = ()  # consistency flags that put this score in doubt


def _band(level: int | None, _) -> str:
    """What the area's level means, in words that agree with the level number printed beside it.

    Why by level, not by its own thresholds: a 67 printed as "level 4" (the level that runs as a
    system) beside "does not yet run as a system" contradicted itself on the page.
    """
    if level is None:
        return _("Not enough answers to score this area.")
    if level <= 2:
        return _("Weak: a priority for improvement.")
    if level == 3:
        return _("Developing: the basics exist but do not yet run as a system.")
    if level == 4:
        return _(
            "Established: it mostly runs as a routine; make the remaining weak points routine too and it becomes a strength."
        )
    return _("Strong: keep it up and spread what works.")


def _extremes(answers: list[AnswerView]) -> tuple[AnswerView | None, AnswerView | None]:
    scored = [(a.score, a) for a in answers if a.score is not None]
    if not scored:
        return None, None
    best_score, best = max(scored, key=lambda sa: sa[0])
    worst_score, worst = min(scored, key=lambda sa: sa[0])
    if best_score == worst_score:  # all answers alike: show one, named for what it is
        return (best, None) if best_score >= 2 else (None, worst)
    return best, worst


def _evidence_groups(evidence: tuple[Evidence, ...]) -> list[dict]:
    """Evidence sharing one reason shows the reason once, in the order the reasons first appear."""
    groups: dict[str, list[Evidence]] = {}
    for e in evidence:
        groups.setdefault(e.why, []).append(e)
    return [{"why": why, "items": items} for why, items in groups.items()]


def _mid_sentence(text: str) -> str:
    """A task quoted inside a sentence: no final stop; "Have the…" → "have the…", "KPI…" stays."""
    text = text.rstrip("。.")
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text


def _summary(d: Diagnosis, areas: list[AreaPanel], _) -> list[tuple[str, str]]:
    scored = [(a.score, a) for a in areas if a.score is not None]
    if d.level and scored:
        best_score, best = max(scored, key=lambda sa: sa[0])
        worst_score, worst = min(scored, key=lambda sa: sa[0])
        if best_score == worst_score:
            stand = _(
                "Overall %(overall)s of 100, level %(number)s “%(name)s”, with all five areas at the same score.",
                overall=d.overall,
                number=d.level.number,
                name=d.level.name,
            )
        else:
            stand = _(
                "Overall %(overall)s of 100, level %(number)s “%(name)s”: strongest in %(best)s, weakest in %(worst)s.",
                overall=d.overall,
                number=d.level.number,
                name=d.level.name,
                best=best.name,
                worst=worst.name,
            )
    else:
        stand = _(
            "Too few areas were answered to claim an overall score or level; the findings below rest on the answers given."
        )
    if d.level and d.level.reason:
        stand = f"{stand} {d.level.reason}" if d.locale != "ja" else stand + d.level.reason
    if d.pitfalls:
        p = d.pitfalls[0]
        risk = _("“%(title)s”. %(cost)s", title=p.title, cost=p.cost)
    else:
        risk = _("No pitfall was detected; the risk now is standing still while the market moves.")
    if d.actions:
        a = d.actions[0]
        first = min(a.tasks, key=lambda t: t.days) if a.tasks else None
        step = (
            _(
                "Step %(number)s, “%(title)s”: within %(days)s days, %(task)s.",
                number=a.step,
                title=a.title,
                days=first.days,
                task=_mid_sentence(first.text),
            )
            if first
            else _("Step %(number)s, “%(title)s”.", number=a.step, title=a.title)
        )
    else:
        step = _("Keep the review cycle running and assess again next quarter.")
    return [(_("Where you stand"), stand), (_("The biggest risk"), risk), (_("The first step"), step)]


def _roadmap(d: Diagnosis) -> list[dict]:
    """One row per step in priority order; its tasks sorted into the 30/90/180-day columns."""
    titles = {p.id: p.title for p in d.pitfalls}
    rows = []
    for a in d.actions:
        cells: dict[int, list[Task]] = {days: [] for days in ROADMAP_DAYS}
        for t in a.tasks:
            # A task due at another horizon goes into the first column that covers it.
            column = next((c for c in ROADMAP_DAYS if t.days <= c), ROADMAP_DAYS[-1])
            cells[column].append(t)
        names = {x.id: x.name for x in d.areas}
        rows.append(
            {
                "action": a,
                "cells": cells,
                "because": [titles.get(p, p) for p in a.because],
                "areas": [names.get(x, x) for x in a.areas],
            }
        )
    return rows


def _kpi(d: Diagnosis, color: str, _, cjk: bool, place_svg) -> dict:
    by_id = {a.question: a for a in d.answers}
    goal = by_id.get(PRIMARY_GOAL.question)
    measured_answer = by_id.get(MEASURED_METRICS.question)
    measured = set(measured_answer.value) if measured_answer else None
    goal_value = goal.value if goal and isinstance(goal.value, str) else None
    model = by_id.get(BUSINESS_MODEL.question)
    model_value = model.value if model and isinstance(model.value, str) else None
    shown = kpi.models_shown(goal_value, model_value)
    trees = [
        {
            "caption": _(kpi.MODEL_CAPTIONS[m]) if len(shown) > 1 else None,
            "svg": place_svg(kpi.tree_svg(goal_value, measured, _, color, cjk=cjk, model=m)),
        }
        for m in shown
    ]
    return {
        "trees": trees,
        "path": (
            _("The tree follows a consumer's path: visits, a first purchase, then repeat purchases.")
            if shown == (BusinessModel.B2C,)
            else _(
                "You sell to businesses and to consumers: one tree for each path, as one tree would hide which of the two funnels leaks."
            )
            if len(shown) > 1
            else None
        ),
        "goal": goal.answer if goal else None,
        "answered": measured is not None,
        "measured": measured_answer.answer if measured_answer and measured else None,
    }


def build(d: Diagnosis, _, *, branding: Branding, company, respondent, date, logo_src, place_svg=Markup) -> dict:
    """place_svg turns an SVG string into markup: inline for a browser, an <img> for WeasyPrint."""
    cjk = d.locale == "ja"
    color = branding.color
    areas = []
    for a in d.areas:
        best, worst = _extremes([x for x in d.answers if x.section == a.id])
        areas.append(
            AreaPanel(
                id=a.id,
                name=a.name,
                score=a.score,
                level=a.level,
                band=_band(a.level, _),
                mature=a.description,
                bar_width=a.score or 0,
                strongest=best,
                weakest=worst,
                doubts=tuple(f for f in d.flags if f.area == a.id),
            )
        )
    severity = {"high": _("High"), "medium": _("Medium"), "low": _("Low")}
    date = date or dt.date.today()
    return {
        "d": d,
        "brand": branding,
        "logo_src": logo_src,
        "company": _clip(company, COVER_MAX) or None,
        "company_short": _clip(company, HEADER_MAX),
        "respondent": _clip(respondent, COVER_MAX) or None,
        "date": format_date(date, format="long", locale=d.locale),
        "summary": _summary(d, areas, _),
        "radar": place_svg(charts.radar([(a.name, a.score) for a in areas], color, label=_("Scores by area"), cjk=cjk)),
        "dial": None
        if d.overall is None
        else place_svg(charts.dial(d.overall, color, label=_("Overall score %(score)s of 100", score=d.overall))),
        "areas": areas,
        "headline": [dict(p=p, groups=_evidence_groups(p.evidence)) for p in d.pitfalls if p.headline],
        "other_pitfalls": [p for p in d.pitfalls if not p.headline],
        "severity": severity,
        "area_names": {a.id: a.name for a in d.areas},
        "missing_areas": [a.name for a in d.areas if a.id in d.missing_areas],
        "roadmap": _roadmap(d),
        "roadmap_days": ROADMAP_DAYS,
        "kpi": _kpi(d, color, _, cjk, place_svg),
    }
