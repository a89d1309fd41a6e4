"""An assessment's life: start, save a page, submit, read its Diagnosis in a locale."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.diagnose.answers import AnswerError
from assessment.diagnose.pipeline import evaluate
from assessment.bank.questionnaire import Question, Questionnaire, default_questionnaire
from assessment.store.models import Assessment, utcnow
from assessment.store.tokens import looks_like_token
from assessment.bank.text import LOCALES
from assessment.services import funnel, reports

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


def find(session: Session, token: str | None) -> Assessment | None:
    if not looks_like_token(token):
        return None
    return session.scalar(select(Assessment).where(Assessment.token == token))


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


def submit_answers(session: Session, answers: dict, *, locale: str, utm: dict, referrer: str | None,
                   link_days: int, kind: str = "self", qn: Questionnaire | None = None) -> Submission:
    """start + save_page + submit + report_link in one go, for answers that arrive all at once (the API)."""
    a = Assessment(kind=kind, locale=locale, referrer=_referrer(referrer), draft={},
                   **{k: utm.get(k) for k in funnel.UTM_KEYS})
    session.add(a)
    funnel.record(session, "started", a)
    a.draft = {qid: v for qid, v in answers.items() if not _blank(v)}  # as save_page keeps them
    submit(session, a, qn)
    link = reports.report_link(session, a, link_days)
    return Submission(a.token, a.diagnosis_dict(locale), link.token, link.expires_at)


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
