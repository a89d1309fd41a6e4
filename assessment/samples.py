"""Sample answer sets built from the question bank, for the demo, the tests and the benchmarks."""

from __future__ import annotations

import random

from assessment import paths
from assessment.bank.questionnaire import Questionnaire, default_questionnaire
from assessment.bank.yamlio import read_yaml

DEMO_ANSWERS = "demo.yaml"  # in the questions folder: the demo company's answers, kept beside the bank


def demo_answers(questionnaire: Questionnaire | None = None) -> dict:
    """The demo company's answers (questions/demo.yaml), checked against the bank.

    A plausible company rather than uniform_answers(): the demo and the branding preview are what a
    visitor reads first, and every profile answer there must agree with the lead captured beside it.
    Raises AnswerError when the file no longer fits the bank (a test also checks it answers every question).
    """
    from assessment.diagnose.answers import validate_answers  # the diagnosis layer, only when asked

    doc, _ = read_yaml(paths.QUESTIONS_DIR / DEMO_ANSWERS)
    answers = dict(doc) if isinstance(doc, dict) else {}
    validate_answers(answers, questionnaire or default_questionnaire())
    return {qid: list(v) if isinstance(v, list) else v for qid, v in answers.items()}


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


def random_answers(rng: random.Random, questionnaire: Questionnaire | None = None, *, skip: float = 0.1) -> dict:
    """Any option of each question, any subset of each checklist, now and then (`skip`) no answer at all.

    A checklist's "none of these" option is ticked only alone, as the form allows.
    """
    answers: dict = {}
    for q in (questionnaire or default_questionnaire()).questions:
        if rng.random() < skip:
            continue
        if q.type == "checklist":
            ticked = [o.value for o in q.options if rng.random() < rng.random()]
            alone = [o.value for o in q.options if o.exclusive and o.value in ticked]
            answers[q.id] = alone[:1] if alone and rng.random() < 0.5 else [v for v in ticked if v not in alone]
        else:
            answers[q.id] = rng.choice(q.options).value
    return answers


def respondent_answers(rng: random.Random, questionnaire: Questionnaire | None = None) -> dict:
    """A plausible respondent: one maturity for the company, each area a little above or below it,
    each answer near its area's level (and now and then "don't know" on a factual question).

    Uniformly random answers describe no company; this draws a population a consultant would recognise
    more easily (many middling companies, few at either end), for benches of the findings' distribution.
    """
    qn = questionnaire or default_questionnaire()
    company = rng.betavariate(2.2, 2.8)  # most companies in the middle, a few mature ones
    areas = {a.id: min(1.0, max(0.0, rng.gauss(company, 0.15))) for a in qn.areas}
    answers: dict = {}
    for q in qn.questions:
        if q.type == "profile":
            answers[q.id] = rng.choice(q.options).value
            continue
        level = areas[q.section] * 3 + rng.gauss(0, 0.7)
        target = min(3, max(0, round(level)))
        if q.type == "checklist":
            counting = [o.value for o in q.options if o.counts]
            rng.shuffle(counting)
            n = q.thresholds[target - 1] if target else rng.randint(0, max(0, q.thresholds[0] - 1))
            extra = [o.value for o in q.options if not o.counts and not o.exclusive and rng.random() < 0.3]
            ticked = counting[:n] + extra
            none = [o.value for o in q.options if o.exclusive]
            answers[q.id] = ticked or (none if none and rng.random() < 0.5 else [])
            continue
        known = [o for o in q.options if o.dont_know]
        if known and rng.random() < 0.08:
            answers[q.id] = known[0].value
            continue
        answers[q.id] = rng.choice([o for o in q.options if o.score == target and not o.dont_know]).value
    return answers
