"""The question bank as the public JSON listing (CLI and GET /api/v1/questionnaire)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from assessment.bank.questionnaire import Questionnaire

CHARS_PER_MINUTE = 500  # Japanese read at about 500 characters a minute
SECONDS_PER_QUESTION = 4  # to choose and move on
PROMISE_MINUTES = 7  # what the landing page may promise at most (design.md: "about 7 minutes")


@dataclass(frozen=True)
class ReadingTime:
    questions: int
    characters: int  # of the Japanese stems, hints and option labels a respondent reads
    seconds: float

    @property
    def minutes(self) -> int:
        """Whole minutes, rounded up: the figure a page may promise."""
        return math.ceil(self.seconds / 60)


def reading_time(qn: Questionnaire) -> ReadingTime:
    """The estimate the landing page promises: Japanese characters / 500 a minute, plus 4 s a question."""
    chars = sum(
        len(q.text["ja"]) + len(q.hint["ja"] if q.hint else "") + sum(len(o.label["ja"]) for o in q.options)
        for q in qn.questions
    )
    n = len(qn.questions)
    return ReadingTime(n, chars, chars / CHARS_PER_MINUTE * 60 + SECONDS_PER_QUESTION * n)


def questions_as_dict(qn: Questionnaire, locale: str) -> dict:
    """The question bank as the public JSON listing (CLI and GET /api/v1/questionnaire)."""
    return {
        "questionnaire_version": qn.version,
        "locale": locale,
        "areas": [{"id": a.id, "name": a.name[locale], "description": a.description[locale]} for a in qn.areas],
        "questions": [
            {
                "id": q.id,
                "area": None if q.section == "profile" else q.section,
                "section": q.section,
                "type": q.type,
                "text": q.text[locale],
                "factual": q.factual,
                **({"hint": q.hint[locale]} if q.hint else {}),
                **({"thresholds": list(q.thresholds)} if q.thresholds else {}),
                "options": [
                    {
                        "value": o.value,
                        "label": o.label[locale],
                        **({"score": o.score} if q.type == "choice" else {}),
                        **({"counts": o.counts} if q.type == "checklist" else {}),
                        **({"dont_know": True} if o.dont_know else {}),
                    }
                    for o in q.options
                ],
            }
            for q in qn.questions
        ],
    }
