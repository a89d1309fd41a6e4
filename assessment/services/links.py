"""Report links: unguessable, expiring URLs to an assessment's PDF."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.store.models import Assessment, ReportLink, aware, utcnow
from assessment.store.tokens import looks_like_token


def link_expiry(now: datetime, days: int) -> datetime | None:
    return now + timedelta(days=days) if days > 0 else None


def new_link(session: Session, a: Assessment, days: int) -> ReportLink:
    """A PDF link valid `days`, never beyond the results token that minted it: expiry means an end."""
    expires = link_expiry(utcnow(), days)
    if a.results_expires_at is not None:
        cap = aware(a.results_expires_at)
        expires = cap if expires is None else min(expires, cap)
    link = ReportLink(assessment=a, expires_at=expires)
    session.add(link)
    return link


def report_link(session: Session, a: Assessment, days: int) -> ReportLink:
    """The live link for this assessment, or a new one: links expire, tokens are never reused."""
    now = utcnow()
    for link in a.report_links:
        if not link.expired(now):
            return link
    link = new_link(session, a, days)
    session.commit()
    return link


def find_link(session: Session, token: str | None) -> ReportLink | None:
    if not looks_like_token(token):
        return None
    return session.scalar(select(ReportLink).where(ReportLink.token == token))
