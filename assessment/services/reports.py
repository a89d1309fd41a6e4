"""The PDF report: rendered once per assessment and locale, kept in the database, reached by link.

WeasyPrint loads on first use only.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessment.diagnose.diagnosis import Diagnosis
from assessment.store import Database
from assessment.store.models import Assessment, ReportFile, ReportLink, utcnow
from assessment.store.tokens import looks_like_token


def render(a: Assessment, locale: str) -> bytes:
    from assessment.report import render_pdf  # the report package pulls in WeasyPrint

    lead = a.lead
    diagnosis = Diagnosis.from_dict(a.diagnosis_dict(locale))
    # render_pdf serialises renders itself (WeasyPrint is not thread-safe): one lock, the report's.
    return render_pdf(diagnosis, company=lead.company_name if lead else None,
                      respondent=lead.name if lead else None,
                      date=a.submitted_at.date() if a.submitted_at else None)


def pdf_bytes(session: Session, a: Assessment, locale: str) -> bytes:
    """The kept PDF, or render and keep it now (a concurrent render of the same one may win the race)."""
    stored = session.scalar(select(ReportFile.content).where(ReportFile.assessment_id == a.id,
                                                             ReportFile.locale == locale))
    if stored is not None:
        return stored
    content = render(a, locale)
    session.add(ReportFile(assessment_id=a.id, locale=locale, content=content))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
    return content


def prerender(database: Database, assessment_id: int, locale: str) -> None:
    """Render and keep a submitted assessment's PDF ahead of its download (a job)."""
    with database.session() as session:
        a = session.get(Assessment, assessment_id)
        if a is not None and a.submitted:
            pdf_bytes(session, a, locale)


def link_expiry(now: datetime, days: int) -> datetime | None:
    return now + timedelta(days=days) if days > 0 else None


def report_link(session: Session, a: Assessment, days: int) -> ReportLink:
    """The live link for this assessment, or a new one: links expire, tokens are never reused."""
    now = utcnow()
    for link in a.report_links:
        if not link.expired(now):
            return link
    link = ReportLink(assessment=a, expires_at=link_expiry(now, days))
    session.add(link)
    session.commit()
    return link


def find_link(session: Session, token: str | None) -> ReportLink | None:
    if not looks_like_token(token):
        return None
    return session.scalar(select(ReportLink).where(ReportLink.token == token))
