"""Scores: item 0..3 -> area 0..100 -> overall 0..100 -> maturity level 1..5.

Area score = mean item score / 3 * 100 over the answered items of the area
(unanswered items are listed, never counted as 0). Overall = mean of the
areas that have answers. The overall level is capped at the weakest area's
level + 1: a company with no review cycle at all cannot be "integrated".
"""
from __future__ import annotations

from dataclasses import dataclass

from .answers import Answers
from .questionnaire import Level, Questionnaire


@dataclass(frozen=True)
class Scores:
    items: dict[str, int]  # question id -> 0..3, answered scored questions only
    areas: dict[str, int | None]  # area id -> 0..100, None when nothing answered
    overall: int | None
    level: Level | None
    uncapped_level: Level | None


def _round(x: float) -> int:
    # Half up, not banker's rounding: 62.5 shows as 63 on every front end.
    return int(x + 0.5)


def score(answers: Answers, questionnaire: Questionnaire) -> Scores:
    # Item scores were read with the answers (validate_answers).
    items = dict(answers.items)
    per_area: dict[str, list[int]] = {a.id: [] for a in questionnaire.areas}
    by_id = questionnaire.by_id
    for qid, s in items.items():
        per_area[by_id[qid].section].append(s)
    exact = {aid: (sum(v) / len(v) / 3 * 100 if v else None) for aid, v in per_area.items()}
    areas = {aid: (None if x is None else _round(x)) for aid, x in exact.items()}
    present = [x for x in exact.values() if x is not None]
    if not present:
        return Scores(items, areas, None, None, None)
    overall = _round(sum(present) / len(present))
    uncapped = questionnaire.level_for(overall)
    weakest = min(questionnaire.level_for(s).number for s in areas.values() if s is not None)
    cap = min(uncapped.number, weakest + 1)
    level = next(lv for lv in questionnaire.levels if lv.number == cap)
    return Scores(items, areas, overall, level, uncapped)
