"""Interview mode: a consultant answers the questionnaire with a client, with a note and a mark per question.

Each change is saved as it happens (autosave), to the assessment named in the URL: several
clients can be in progress in one browser. Submit and reopen are those of services.assessments;
what changed between two revisions is read from their kept verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessment.bank.questionnaire import Question, Questionnaire, default_questionnaire
from assessment.services import assessments, verdicts
from assessment.store.models import Answer, Assessment, Company
from assessment.store.workspace import Account

NOTE_MAX = 10_000

_UNSET = object()


class InterviewError(ValueError):
    """A change refused; `code` names the message shown (the web translates it)."""

    def __init__(self, code: str, question: str | None = None):
        super().__init__(f"{code}: {question}" if question else code)
        self.code, self.question = code, question


def start(session: Session, account: Account, company: Company, locale: str) -> Assessment:
    a = assessments.start(session, locale=locale, utm={}, referrer=None, kind="consultant", commit=False)
    a.company, a.consultant_id = company, account.id
    session.commit()
    return a


def in_progress(session: Session, company: Company) -> list[Assessment]:
    """The client's interviews and self-assessments; invited respondents' answers are listed with their round."""
    query = (
        select(Assessment)
        .where(Assessment.company_id == company.id, Assessment.kind != "invited")
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
    )
    return list(session.scalars(query))


def check_value(q: Question, value):
    """The value as stored, or InterviewError("not_an_option") for one the question does not offer."""
    if value is None or value == "":
        return None
    if q.type == "checklist":
        if not isinstance(value, list) or any(not isinstance(v, str) or q.option(v) is None for v in value):
            raise InterviewError("not_an_option", q.id)
        if len(set(value)) != len(value):
            raise InterviewError("not_an_option", q.id)
        return list(q.sorted_values(value))
    if not isinstance(value, str) or q.option(value) is None:
        raise InterviewError("not_an_option", q.id)
    return value


def save(
    session: Session,
    a: Assessment,
    question: str,
    *,
    value=_UNSET,
    note=_UNSET,
    to_verify=_UNSET,
    note_in_report=_UNSET,
    qn: Questionnaire | None = None,
    commit: bool = True,
    _again: bool = True,
) -> Answer | None:
    """Change one question's answer, note or marks; what is not given stays. Nothing is written on an error."""
    qn = qn or default_questionnaire()
    q = qn.by_id.get(question)
    if q is None:
        raise InterviewError("unknown_question", question)
    if a.submitted:
        raise InterviewError("submitted", question)
    if note is not _UNSET:
        if note is not None and not isinstance(note, str):
            raise InterviewError("bad_note", question)
        if note is not None and len(note) > NOTE_MAX:
            raise InterviewError("note_too_long", question)
    for flag in (to_verify, note_in_report):
        if flag is not _UNSET and not isinstance(flag, bool):
            raise InterviewError("bad_flag", question)
    checked = check_value(q, value) if value is not _UNSET else _UNSET
    row = next((r for r in a.answers if r.question == question), None)
    if row is None:
        row = Answer(question=question, value=None, to_verify=False, note_in_report=False)
        a.answers.append(row)
    if checked is not _UNSET:
        row.value = checked
    if note is not _UNSET:
        row.note = (note or "").strip() or None
    if to_verify is not _UNSET:
        row.to_verify = bool(to_verify)
    if note_in_report is not _UNSET:
        row.note_in_report = bool(note_in_report)
    if row.value is None and not row.note and not row.to_verify:
        a.answers.remove(row)
        row = None
    if commit:
        try:
            session.commit()
        except IntegrityError:  # a simultaneous save (another tab) stored this question's first row
            session.rollback()
            if not _again:
                raise
            session.refresh(a)
            changes = {"value": value, "note": note, "to_verify": to_verify, "note_in_report": note_in_report}
            return save(session, a, question, **changes, qn=qn, _again=False)
    return row


def notes(a: Assessment) -> dict[str, Answer]:
    return {r.question: r for r in a.answers}


@dataclass(frozen=True)
class Change:
    question: str
    before: object
    after: object


@dataclass(frozen=True)
class Changes:
    previous: int
    current: int
    answers: tuple[Change, ...]
    scores: dict[str, tuple[int | None, int | None]]  # area -> (before, after), only those that moved
    level: tuple[int | None, int | None]
    pitfalls_new: tuple[str, ...]
    pitfalls_resolved: tuple[str, ...]


def changes(a: Assessment, current: int | None = None) -> Changes | None:
    """What revision `current` (default: the latest) changed against the one before; None for the first."""
    current = a.revision if current is None else current
    if current < 2:
        return None
    before, after = verdicts.verdict(a, current - 1), verdicts.verdict(a, current)
    if before is None or after is None:
        return None
    ids = list(dict.fromkeys([*before.answers, *after.answers]))
    answers = tuple(
        Change(qid, before.answers.get(qid), after.answers.get(qid))
        for qid in ids
        if before.answers.get(qid) != after.answers.get(qid)
    )
    scores = {k: (before.scores.get(k), v) for k, v in after.scores.items() if before.scores.get(k) != v}
    old_p, new_p = [p.id for p in before.pitfalls], [p.id for p in after.pitfalls]
    return Changes(
        previous=current - 1,
        current=current,
        answers=answers,
        scores=scores,
        level=(before.level, after.level),
        pitfalls_new=tuple(p for p in new_p if p not in old_p),
        pitfalls_resolved=tuple(p for p in old_p if p not in new_p),
    )
