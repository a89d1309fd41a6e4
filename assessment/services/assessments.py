"""An assessment's life: start, save answers, submit, reopen, read its Diagnosis in a locale.

Answers are rows (assessment.store.models.Answer). A submission evaluates them once and keeps
the locale-neutral verdict as a new Revision; the Diagnosis in a locale is made from it on read,
so nothing downstream recomputes a score and a respondent's language never changes a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from assessment.bank.questionnaire import Question, Questionnaire, default_questionnaire
from assessment.bank.text import check_locale
from assessment.diagnose.answers import validate_answers
from assessment.diagnose.diagnosis import Diagnosis
from assessment.diagnose.localization import localize
from assessment.diagnose.pipeline import diagnose
from assessment.diagnose.verdict import Verdict
from assessment.services import access, funnel, links, webhooks
from assessment.store.models import Answer, Assessment, Revision, utcnow
from assessment.store.tokens import looks_like_token

PROFILE = "profile"


class NotEditable(Exception):
    """The assessment is submitted: reopen it before changing its answers."""


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, as shown in the URL and the progress bar
    section: str  # an area id or "profile"
    questions: tuple[Question, ...]


def pages(qn: Questionnaire | None = None) -> list[Page]:
    """One page per area, then the profile: the diagnostic questions first, while attention is fresh."""
    qn = qn or default_questionnaire()
    sections = [a.id for a in qn.areas] + [PROFILE]
    return [Page(i + 1, s, tuple(qn.in_section(s))) for i, s in enumerate(sections)]


def find(session: Session, token: str | None, *, with_answers: bool = False) -> Assessment | None:
    """The assessment behind a token; with_answers loads its answers in the same query."""
    if not looks_like_token(token):
        return None
    query = select(Assessment).where(Assessment.token == token)
    if with_answers:
        query = query.options(joinedload(Assessment.answers))
    return session.scalars(query).unique().one_or_none()


def start(
    session: Session, *, locale: str, utm: dict, referrer: str | None, kind: str = "self", commit: bool = True
) -> Assessment:
    a = Assessment(
        kind=kind,
        status="draft",
        revision=0,
        locale=check_locale(locale),
        referrer=funnel.clean_referrer(referrer),
        **funnel.clean_utm(utm),
    )
    session.add(a)
    funnel.record(session, "started", a)
    if commit:
        session.commit()
    return a


def save_answers(
    session: Session, a: Assessment, answers: dict, page: Page | None = None, *, commit: bool = True
) -> None:
    """Merge answers into the assessment; a blank answer removes an earlier one.

    Values are stored as given (the pipeline validates them on submit); a page's form has
    already checked them against the bank.
    """
    _merge(a, answers)
    a.updated_at = utcnow()  # a draft's lifetime counts from its last save (services/access.py)
    if page is not None:
        funnel.record(session, "page_completed", a, detail=f"{page.number}:{page.section}")
    if not commit:
        return
    try:
        session.commit()
    except IntegrityError:  # a simultaneous save (a double click) stored the same first answer: merge into it
        session.rollback()
        session.refresh(a)
        _merge(a, answers)
        a.updated_at = utcnow()
        session.commit()


def _merge(a: Assessment, answers: dict) -> None:
    if a.submitted:
        raise NotEditable(a.token)
    rows = {row.question: row for row in a.answers}
    for qid, value in answers.items():
        row = rows.get(qid)
        if _blank(value):
            if row is not None and not row.note and not row.to_verify:
                a.answers.remove(row)
            elif row is not None:
                row.value = None  # a note or a mark outlives the answer it was about
        elif row is None:
            a.answers.append(Answer(question=qid, value=value))
        elif row.value != value:
            row.value = value


class Submission(NamedTuple):
    """A stored, evaluated assessment as submit_answers() leaves it: what the API answers with."""

    results_token: str
    diagnosis: Diagnosis
    link_token: str
    link_expires_at: datetime | None
    assessment_id: int
    revision: int


def submit_answers(
    session: Session,
    answers: dict,
    *,
    locale: str,
    utm: dict,
    referrer: str | None,
    link_days: int,
    kind: str = "self",
    qn: Questionnaire | None = None,
) -> Submission:
    """start + save_answers + submit + a report link in one transaction, for answers that arrive at once (the API).

    Raises AnswerError, before anything is written, for answers that do not fit the bank: unlike a
    draft saved page by page, these arrive whole, so an unknown question id is the caller's error.
    """
    qn = qn or default_questionnaire()
    validate_answers(answers, qn)
    kept = {qid: v for qid, v in answers.items() if not _blank(v)}
    verdict = diagnose(kept, questionnaire=qn)
    a = start(session, locale=locale, utm=utm, referrer=referrer, kind=kind, commit=False)
    _keep(session, a, verdict, link_days)
    link = links.new_link(session, a, link_days)
    session.flush()  # every row but the answers, in one go; the answers need a.id
    # A new assessment has no rows to merge into: one multi-row INSERT on the table, not an ORM object
    # per answer (the ORM objects were a third of this call's cost; bench/web.py, submission).
    if kept:
        rows = [{"assessment_id": a.id, "question": q, "value": v} for q, v in kept.items()]
        session.execute(insert(cast(Table, Answer.__table__)), rows)  # the Table: no ORM bulk machinery
    session.commit()
    assert a.results_token is not None  # _keep() granted it
    diagnosis = localize(verdict, locale, questionnaire=qn)
    return Submission(a.results_token, diagnosis, link.token, link.expires_at, a.id, a.revision)


def first_open_page(a: Assessment, qn: Questionnaire | None = None) -> Page:
    """The first page with an unanswered question: where a resumed respondent continues."""
    all_pages = pages(qn)
    answered = {q for q, v in a.values.items() if v is not None}
    for page in all_pages:
        if any(q.id not in answered for q in page.questions):
            return page
    return all_pages[-1]


def submit(
    session: Session, a: Assessment, qn: Questionnaire | None = None, *, commit: bool = True, results_days: int = 30
) -> Assessment:
    """Evaluate the answers and keep the verdict as the next revision. A second submit changes nothing.

    The results token (valid `results_days`; 0: no end) is made here: only the submitter gets it.

    Raises AnswerError when a kept answer no longer fits the bank (it changed since).
    """
    if a.submitted:
        return a
    qn = qn or default_questionnaire()
    answers = {qid: v for qid, v in a.values.items() if v is not None and qid in qn.by_id}
    _keep(session, a, diagnose(answers, questionnaire=qn), results_days)
    if commit:
        try:
            session.commit()
        except IntegrityError:  # a simultaneous submit of the same assessment stored this revision first
            session.rollback()
            session.refresh(a)
    return a


def _keep(session: Session, a: Assessment, verdict: Verdict, results_days: int) -> None:
    """Keep the verdict on a's answers as a's next revision; only the submitter gets the results token."""
    number = a.revision + 1
    session.add(Revision(assessment=a, number=number, verdict=verdict.to_dict()))
    a.status, a.revision, a.submitted_at = "submitted", number, utcnow()
    a.questionnaire_version, a.ruleset_version = verdict.questionnaire_version, verdict.ruleset_version
    a.overall, a.level = verdict.overall, verdict.level
    a.top_pitfall = verdict.pitfalls[0].id if verdict.pitfalls else None  # the leads inbox filters on it
    access.grant_results(a, results_days)
    funnel.record(session, "submitted", a)
    webhooks.emit(session, "assessment.submitted", lambda: webhooks.assessment_data(a))


def reopen(session: Session, a: Assessment) -> Assessment:
    """Make a submitted assessment editable again; its revisions stay, the next submit adds one."""
    if a.submitted:
        a.status = "reopened"
        session.commit()
    return a


def _blank(value) -> bool:
    """An answer that removes an earlier one rather than being kept."""
    return value is None or value == ""
