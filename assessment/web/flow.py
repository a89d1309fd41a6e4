"""The respondent's journey as plain functions over the store: start, save, submit, lead, report link.

Routes and the API call these; they never touch the pipeline or the tables directly.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.orm import Session

from .. import AnswerError, evaluate
from ..questionnaire import Question, Questionnaire, default_questionnaire
from ..store import Store
from ..store.submission import insert_submission
from ..store.models import Assessment, Company, Lead, ReportLink, utcnow
from ..store.tokens import looks_like_token, new_token
from ..text import LOCALES
from . import funnel

PROFILE = "profile"


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


# Built once: every page request looks its draft up by token, and building the statement cost
# about as much as running it.
_ASSESSMENT_BY_TOKEN = select(Assessment).where(Assessment.token == bindparam("token"))
_LINK_BY_TOKEN = select(ReportLink).where(ReportLink.token == bindparam("token"))
# What a question page shows of a draft: no ORM object, no diagnoses (tens of kB once submitted).
_DRAFT_BY_TOKEN = select(Assessment.token, Assessment.draft, Assessment.diagnoses.is_not(None)).where(
    Assessment.token == bindparam("token"))


class DraftView(NamedTuple):
    """A read-only look at an assessment: enough to show a question page."""

    token: str
    draft: dict
    submitted: bool


def find(session: Session, token: str | None) -> Assessment | None:
    if not looks_like_token(token):
        return None
    return session.scalar(_ASSESSMENT_BY_TOKEN, {"token": token})


def find_draft(engine: Engine, token: str | None) -> DraftView | None:
    """find() for pages that only read the draft: one row on a pooled connection, without an ORM
    session and its transaction bookkeeping around it (pass Store.autocommit_engine: one SELECT
    needs no transaction)."""
    if not looks_like_token(token):
        return None
    with engine.connect() as conn:
        row = conn.execute(_DRAFT_BY_TOKEN, {"token": token}).first()
    return None if row is None else DraftView(row[0], row[1] or {}, bool(row[2]))


def start(session: Session, *, locale: str, utm: dict, referrer: str | None, kind: str = "self") -> Assessment:
    a = Assessment(kind=kind, locale=locale, referrer=_referrer(referrer), draft={}, **utm)
    session.add(a)
    funnel.record(session, "started", a)
    session.commit()
    return a


def save_page(session: Session, a: Assessment, answers: dict, page: Page | None = None) -> None:
    """Merge one page's answers into the draft; a blank answer removes an earlier one."""
    draft = dict(a.draft or {})
    for qid, value in answers.items():
        if _blank(value):
            draft.pop(qid, None)
        else:
            draft[qid] = value
    a.draft = draft  # a new dict: the JSON column sees the change
    if page is not None:
        funnel.record(session, "page_completed", a, detail=f"{page.number}:{page.section}")
    session.commit()


class Submission(NamedTuple):
    """A stored, evaluated assessment as submit_answers() leaves it: what the API answers with."""

    token: str
    diagnosis: dict
    link_token: str
    link_expires_at: datetime | None


def submit_answers(store: Store, answers: dict, *, locale: str, utm: dict, referrer: str | None,
                   link_days: int, kind: str = "self", qn: Questionnaire | None = None) -> Submission:
    """start + save_page + submit + report_link in one go, for answers that arrive all at once (the API).

    The same rows as the four steps, written without the ORM (its unit of work cost a millisecond of
    CPU per submission) and after the evaluation: the SQLite write lock is held for the writes alone.
    """
    qn = qn or default_questionnaire()
    draft = {qid: v for qid, v in answers.items() if not _blank(v)}  # as save_page keeps them
    diagnosis = evaluate(_bank_answers(draft, qn), locale, questionnaire=qn).to_dict()
    now = utcnow()
    token, link_token = new_token(), new_token()
    expires = _link_expiry(now, link_days)
    row = dict(token=token, kind=kind, locale=locale, referrer=_referrer(referrer), draft=draft,
               diagnoses={locale: diagnosis}, **_summary_columns(diagnosis), created_at=now, updated_at=now,
               submitted_at=now, **{k: utm.get(k) for k in funnel.UTM_KEYS})
    insert_submission(store, row, {"token": link_token, "expires_at": expires})
    return Submission(token, diagnosis, link_token, expires)


def first_open_page(a: Assessment, qn: Questionnaire | None = None) -> Page:
    """The first page with an unanswered question: where a resumed respondent continues."""
    all_pages = pages(qn)
    for page in all_pages:
        if any(q.id not in (a.draft or {}) for q in page.questions):
            return page
    return all_pages[-1]


def _bank_answers(draft: dict | None, qn: Questionnaire) -> dict:
    """A draft's answers to questions the bank still has (it may have moved on since)."""
    return {qid: v for qid, v in (draft or {}).items() if qid in qn.by_id}


def _blank(value) -> bool:
    """An answer that removes an earlier one rather than being kept."""
    return value is None or value == ""


def _referrer(referrer: str | None) -> str | None:
    return (referrer or None) and referrer[:500]


def _link_expiry(now: datetime, days: int) -> datetime | None:
    return now + timedelta(days=days) if days > 0 else None


def _summary_columns(main: dict) -> dict:
    """The assessment's columns taken from its Diagnosis in its own locale."""
    return dict(questionnaire_version=main["questionnaire_version"], ruleset_version=main["ruleset_version"],
                overall=main["overall"], level=(main.get("level") or {}).get("number"))


def submit(session: Session, a: Assessment, qn: Questionnaire | None = None) -> Assessment:
    """Evaluate the draft in the assessment's locale and keep the Diagnosis.

    A second submit changes nothing. Another locale is made on first view (diagnosis_for): most
    respondents never switch language, so evaluating both at once doubled the submission's work.
    """
    if a.submitted:
        return a
    qn = qn or default_questionnaire()
    answers = _bank_answers(a.draft, qn)
    store_diagnoses(session, a, {a.locale: evaluate(answers, a.locale, questionnaire=qn).to_dict()})
    funnel.record(session, "submitted", a)
    session.commit()
    return a


def diagnosis_for(session: Session, a: Assessment, locale: str, qn: Questionnaire | None = None) -> dict:
    """The kept Diagnosis in `locale`; if there is none yet, evaluate the same answers in it and keep it.

    Kept only when the question bank and rules are still those that scored the assessment (same
    versions, same score); otherwise the submission's own locale, never a different verdict.
    """
    kept = (a.diagnoses or {}).get(locale)
    if kept is not None or locale not in LOCALES or not a.submitted:
        return a.diagnosis_dict(locale)
    qn = qn or default_questionnaire()
    answers = _bank_answers(a.draft, qn)
    try:
        made = evaluate(answers, locale, questionnaire=qn).to_dict()
    except AnswerError:
        return a.diagnosis_dict(locale)
    if (made["questionnaire_version"], made["ruleset_version"], made["overall"]) != (
            a.questionnaire_version, a.ruleset_version, a.overall):
        return a.diagnosis_dict(locale)
    a.diagnoses = {**a.diagnoses, locale: made}  # a new dict: the JSON column sees the change
    session.commit()
    return made


def store_diagnoses(session: Session, a: Assessment, diagnoses: dict) -> None:
    a.diagnoses = diagnoses
    for column, value in _summary_columns(diagnoses[a.locale]).items():
        setattr(a, column, value)
    a.submitted_at = utcnow()


def capture_lead(session: Session, a: Assessment, *, name: str, company: str, email: str, role: str,
                 company_size: str, consent: bool, consent_text: str, locale: str) -> Lead:
    if a.lead is not None:  # a second form post (double click, back button) keeps the first lead
        return a.lead
    company_row = Company(name=company, size=company_size)
    a.company = company_row
    lead = Lead(assessment=a, name=name, company_name=company, email=email, role=role,
                company_size=company_size, consent=consent, consent_text=consent_text if consent else None,
                consent_at=utcnow() if consent else None, locale=locale)
    session.add_all([company_row, lead])
    session.flush()  # the company's id, for the lead's own link to it
    lead.company_id = company_row.id
    funnel.record(session, "lead_captured", a)
    session.commit()
    return lead


def report_link(session: Session, a: Assessment, days: int) -> ReportLink:
    """The live link for this assessment, or a new one: links expire, tokens are never reused."""
    now = utcnow()
    for link in a.report_links:
        if not link.expired(now):
            return link
    link = ReportLink(assessment=a, expires_at=_link_expiry(now, days))
    session.add(link)
    session.commit()
    return link


def find_link(session: Session, token: str | None) -> ReportLink | None:
    if not looks_like_token(token):
        return None
    return session.scalar(_LINK_BY_TOKEN, {"token": token})
