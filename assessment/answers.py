"""Raw answers (form, API, CLI file) in; validated Answers out.

Raw answers map question id -> option value (choice, profile) or a list of
option values (checklist). Every problem is reported, one line per question,
so a caller can show them all at once; nothing is silently dropped.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .questionnaire import QUESTION_TYPES, Questionnaire


class AnswerError(ValueError):
    """The answers do not fit the questionnaire. `problems` maps question id -> message."""

    def __init__(self, problems: Mapping[str, str]):
        self.problems = dict(problems)
        super().__init__("\n".join(f"{qid}: {msg}" for qid, msg in self.problems.items()))


@dataclass(frozen=True)
class Answers:
    """Validated answers: values as given, checklists as sorted-by-bank tuples."""

    values: Mapping[str, str | tuple[str, ...]]
    unanswered: tuple[str, ...]  # scored questions with no answer, in bank order

    def get(self, qid: str):
        return self.values.get(qid)


def validate_answers(raw: Mapping, questionnaire: Questionnaire) -> Answers:
    if not isinstance(raw, Mapping):
        raise AnswerError({"(answers)": f"expected a mapping of question id to answer, got {type(raw).__name__}"})
    problems: dict[str, str] = {}
    values: dict[str, str | tuple[str, ...]] = {}
    for qid, answer in raw.items():
        q = questionnaire.by_id.get(qid) if isinstance(qid, str) else None
        if q is None:
            problems[str(qid)] = "unknown question id"
            continue
        if answer is None or answer == "":
            continue  # explicitly left blank: reported as unanswered
        problem = QUESTION_TYPES[q.type].check(q, answer)
        if problem:
            problems[qid] = problem
        elif isinstance(answer, str):
            values[qid] = answer
        else:
            order = [o.value for o in q.options]
            values[qid] = tuple(sorted(answer, key=order.index))
    if problems:
        raise AnswerError(problems)
    unanswered = tuple(q.id for q in questionnaire.scored_questions if q.id not in values)
    ordered = {q.id: values[q.id] for q in questionnaire.questions if q.id in values}
    return Answers(values=MappingProxyType(ordered), unanswered=unanswered)
