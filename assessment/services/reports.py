"""The PDF report: rendered once per revision and locale, kept in the database.

WeasyPrint loads on first use only.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessment.bank.text import LOCALES
from assessment.diagnose.diagnosis import Diagnosis
from assessment.services.branding import report_branding
from assessment.services.verdicts import diagnosis
from assessment.store import Database
from assessment.store.models import Assessment, ReportFile


def render(a: Assessment, locale: str, number: int) -> bytes:
    """Revision `number`'s report in `locale`, with the branding set now (read on the assessment's session).

    One document is kept per revision and locale, whoever asks first (the respondent's link, a job,
    the consultant's download), so it carries everything the revision has: the lead's name and
    company as they gave them, and the consultant's comments and report notes made for it.
    """
    from assessment.report import render_pdf  # the report package pulls in WeasyPrint
    from assessment.services import comments

    lead = a.lead
    session = Session.object_session(a)
    d = diagnosis(a, locale, number=number)
    # render_pdf serialises renders itself (WeasyPrint is not thread-safe): one lock, the report's.
    return render_pdf(
        d,
        branding=report_branding(session) if session is not None else None,
        company=(lead.company_name if lead else None) or (a.company.name if a.company else None),
        respondent=lead.name if lead else None,
        date=a.submitted_at.date() if a.submitted_at else None,
        comments=consultant_comments(d, locale, comments.of_revision(a, number)),
    )


def _one_file(assessment_id: int, revision: int, locale: str) -> tuple[ColumnElement[bool], ...]:
    """The where clause of the PDF kept for one revision of an assessment in one locale."""
    return ReportFile.assessment_id == assessment_id, ReportFile.revision == revision, ReportFile.locale == locale


def _kept_or_rendered(session: Session, a: Assessment, number: int, locale: str, draw: Callable[[], bytes]) -> bytes:
    """The PDF kept for revision `number` in `locale`, or draw() it and keep it now.

    A concurrent render may win the race: its row stays, and this one's PDF is returned unkept.
    """
    kept = session.scalar(select(ReportFile.content).where(*_one_file(a.id, number, locale)))
    if kept is not None:
        return kept
    content = draw()
    session.add(ReportFile(assessment_id=a.id, revision=number, locale=locale, content=content))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
    return content


def pdf_bytes(session: Session, a: Assessment, locale: str) -> bytes:
    """The kept PDF of the latest revision, or render and keep it now.

    The revision is read once: a resubmission committed meanwhile must not file its report under this one.
    """
    number, locale = a.revision, locale if locale in LOCALES else a.locale
    return _kept_or_rendered(session, a, number, locale, lambda: render(a, locale, number))


def stored(session: Session, a: Assessment, locale: str) -> bytes | None:
    """The kept PDF of the latest revision in `locale`, or None if not rendered yet."""
    return session.scalar(select(ReportFile.content).where(*_one_file(a.id, a.revision, locale)))


def render_and_keep(session: Session, assessment_id: int, revision: int, locale: str) -> bool:
    """Render revision `revision` in `locale` and add it to the session (a job; the caller commits).

    False when there is nothing to do: kept already, or no such revision. The row is added only
    once the PDF is whole, so a render stopped half way leaves nothing behind.
    """
    a = session.get(Assessment, assessment_id)
    if a is None or not 1 <= revision <= a.revision or locale not in LOCALES:
        return False
    kept = session.scalar(select(ReportFile.id).where(*_one_file(a.id, revision, locale)))
    if kept is not None:
        return False
    session.add(ReportFile(assessment_id=a.id, revision=revision, locale=locale, content=render(a, locale, revision)))
    return True


def prerender(database: Database, assessment_id: int, locale: str) -> None:
    """Render and keep a submitted assessment's PDF ahead of its download, in the calling thread."""
    with database.session() as session:
        a = session.get(Assessment, assessment_id)
        if a is not None and a.revision:
            pdf_bytes(session, a, locale)


def consultant_comments(d: Diagnosis, locale: str, snapshot: dict):
    """A revision's comment snapshot (services.comments) as the report of its Diagnosis `d` shows it, in `locale`."""
    from assessment.bank.questionnaire import default_questionnaire
    from assessment.report.comments import Comment, ConsultantComments, ReportNote

    headings: dict[str, str | None] = {"overall": None}  # the report names it in its own language
    headings.update({f"area:{x.id}": x.name for x in d.areas})
    headings.update({f"pitfall:{p.id}": p.title for p in d.pitfalls})
    kept = snapshot.get("comments") or {}
    comments = tuple(
        Comment(headings[s], c["body"], c.get("author", ""), c.get("date", ""), bool(c.get("discussed")))
        for s in headings
        if (c := kept.get(s)) and (c.get("body") or c.get("discussed"))
    )
    qn = default_questionnaire()
    notes = tuple(
        ReportNote(qn.by_id[q].text[locale], note) for q, note in (snapshot.get("notes") or {}).items() if q in qn.by_id
    )
    return ConsultantComments(comments, notes)


def revision_pdf(session: Session, a: Assessment, locale: str, number: int) -> bytes:
    """Revision `number`'s PDF, with the consultant's comments it was made with; kept like pdf_bytes()."""
    locale = locale if locale in LOCALES else a.locale
    return _kept_or_rendered(session, a, number, locale, lambda: render(a, locale, number))


def sample_pdf(session: Session, locale: str) -> bytes:
    """A report of made-up answers with the branding set now: what a client would receive (the settings preview)."""
    from assessment import evaluate
    from assessment.report import render_pdf
    from assessment.samples import demo_answers

    answers = demo_answers()
    sample = "株式会社サンプル" if locale == "ja" else "Sample Co., Ltd."
    return render_pdf(evaluate(answers, locale=locale), branding=report_branding(session), company=sample)
