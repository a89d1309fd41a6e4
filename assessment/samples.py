"""Sample answer sets built from the question bank, for the demo, the tests and the benchmarks."""

from __future__ import annotations

from assessment.bank.questionnaire import Questionnaire, default_questionnaire


def uniform_answers(level: int, questionnaire: Questionnaire | None = None, **overrides) -> dict:
    """Every scored question at item score `level` (0..3), profile questions at their first option.

    Checklists get just enough counting options ticked to score `level`.
    Overrides replace answers; an override of None removes one.
    """
    if level not in (0, 1, 2, 3):
        raise ValueError(f"level must be 0..3, got {level!r}")
    answers: dict = {}
    for q in (questionnaire or default_questionnaire()).questions:
        if q.type == "checklist":
            counting = [o.value for o in q.options if o.counts]
            answers[q.id] = counting[: q.thresholds[level - 1] if level else 0]
        elif q.type == "choice":
            answers[q.id] = next(o.value for o in q.options if o.score == level and not o.dont_know)
        else:
            answers[q.id] = q.options[0].value
    for qid, value in overrides.items():
        if value is None:
            answers.pop(qid, None)
        else:
            answers[qid] = value
    return answers
