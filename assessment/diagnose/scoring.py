"""Scores: item 0..3 -> area 0..100 -> overall 0..100 -> maturity level 1..5.

Area score = mean item score / 3 * 100 over the answered items of the area
(unanswered items are listed, never counted as 0). Overall = mean of the
areas that have answers. The overall level is capped at the weakest area's
level + 1: a company with no review cycle at all cannot be "integrated";
capped_by names that area when the cap holds the level down. With fewer than
MIN_AREAS areas answered no overall score or level is claimed: two areas do
not describe a company.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assessment.bank.questionnaire import Level, Questionnaire
from assessment.diagnose.answers import Answers

MIN_AREAS = 4  # of 5: fewer answered areas give no overall score or level


@dataclass(frozen=True)
class Scores:
    items: Mapping[str, int]  # question id -> 0..3, answered scored questions only (read-only)
    areas: dict[str, int | None]  # area id -> 0..100, None when nothing answered
    overall: int | None
    level: Level | None
    uncapped_level: Level | None
    capped_by: str | None = None  # the weakest area, when the cap lowers the level


def _round(x: float) -> int:
    # Half up, not banker's rounding: 62.5 shows as 63 on every front end.
    return int(x + 0.5)


def score(answers: Answers, questionnaire: Questionnaire) -> Scores:
    # Item scores were read with the answers (validate_answers).
    per_area: dict[str, list[int]] = {a.id: [] for a in questionnaire.areas}
    by_id = questionnaire.by_id
    for qid, s in answers.items.items():
        per_area[by_id[qid].section].append(s)
    areas: dict[str, int | None] = {}
    present: list[float] = []  # exact area scores: the overall is not a mean of rounded ones
    for aid, item_scores in per_area.items():
        if item_scores:
            exact = sum(item_scores) / len(item_scores) / 3 * 100
            present.append(exact)
            areas[aid] = _round(exact)
        else:
            areas[aid] = None
    if len(present) < MIN_AREAS:
        return Scores(answers.items, areas, None, None, None)
    overall = _round(sum(present) / len(present))
    uncapped = questionnaire.level_for(overall)
    # level_for rises with the score, so the weakest area's level is the lowest score's
    weakest_id = min((aid for aid, s in areas.items() if s is not None), key=lambda aid: areas[aid] or 0)
    cap = questionnaire.level_for(areas[weakest_id] or 0).number + 1
    level = questionnaire.levels[min(uncapped.number, cap) - 1]  # levels are numbered 1..5 (checked on load)
    return Scores(answers.items, areas, overall, level, uncapped, weakest_id if cap < uncapped.number else None)
