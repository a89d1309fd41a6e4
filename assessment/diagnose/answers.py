"""Raw answers (form, API, CLI file) in; validated Answers out.

Raw answers map question id -> option value (choice, profile) or a list of
option values (checklist). Every problem is reported, one line per question,
so a caller can show them all at once; nothing is silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from assessment.bank.questionnaire import QUESTION_TYPES, Questionnaire


class AnswerError(ValueError):
    """The answers do not fit the questionnaire. `problems` maps question id -> message."""

    def __init__(self, problems: Mapping[str, str]):
        self.problems = dict(problems)
        super().__init__("\n".join(f"{qid}: {msg}" for qid, msg in self.problems.items()))


@dataclass(frozen=True)
class Answers:
    """Validated answers: values as given, checklists as sorted-by-bank tuples."""

    values: Mapping[str, str | tuple[str, ...]]  # in bank order
    unanswered: tuple[str, ...]  # scored questions with no answer, in bank order
    items: Mapping[str, int]  # item score 0..3 of each answered scored question, in bank order

    def get(self, qid: str):
        return self.values.get(qid)


def validate_answers(raw: object, questionnaire: Questionnaire) -> Answers:
    """Check every answer and read its item score on the way (scoring needs nothing more)."""
    if not isinstance(raw, Mapping):
        raise AnswerError({"(answers)": f"expected a mapping of question id to answer, got {type(raw).__name__}"})
    single = questionnaire.single_answers
    problems: dict[str, str] = {}
    values: dict[str, str | tuple[str, ...]] = {}
    items: dict[str, int | None] = {}
    for qid, answer in raw.items():
        offered = single.get(qid)
        if offered is not None and isinstance(answer, str) and answer in offered:
            values[qid] = answer  # an offered option of a one-option question: nothing more to check
            items[qid] = offered[answer]
            continue
        q = questionnaire.by_id.get(qid) if isinstance(qid, str) else None
        if q is None:
            problems[str(qid)] = "unknown question id"
            continue
        if answer is None or answer == "":
            continue  # explicitly left blank: reported as unanswered
        kind = QUESTION_TYPES[q.type]
        value = kind.read(q, answer)
        if value is None:
            problems[qid] = kind.check(q, answer) or "not a valid answer"  # read() refused it: check() says why
        else:
            values[qid] = value
            items[qid] = kind.item_score(q, value)
    if problems:
        raise AnswerError(problems)
    order = sorted(values, key=questionnaire.position.__getitem__)
    if list(values) != order:  # forms and files usually list answers in bank order already
        values = {qid: values[qid] for qid in order}
        items = {qid: items[qid] for qid in order}
    scored = {qid: s for qid, s in items.items() if s is not None}
    if len(scored) == len(questionnaire.scored_questions):
        unanswered: tuple[str, ...] = ()
    else:
        unanswered = tuple(q.id for q in questionnaire.scored_questions if q.id not in values)
    return Answers(values=MappingProxyType(values), unanswered=unanswered, items=MappingProxyType(scored))
