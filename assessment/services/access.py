"""Capabilities by URL and cookie: edit a draft, move it to another device, read its results.

- the draft token (`Assessment.token`) lives only in an HttpOnly cookie: it edits the draft and,
  once submitted, leads that browser to its results;
- the resume token is the "continue later" link: exchanging it (a confirmation step) gives the
  draft to the browser that confirms, and replaces both tokens, so a link works once and whoever
  sent it loses the draft;
- the results token, made at submission, reads the results and mints PDF links, until it expires.

A draft unchanged for `draft_days` is no longer found by either of its tokens.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from assessment.services.links import link_expiry
from assessment.store.models import Assessment, aware, utcnow
from assessment.store.tokens import looks_like_token, new_token


def _live(a: Assessment | None, draft_days: int, now: datetime | None = None) -> Assessment | None:
    if a is None:
        return None
    if not a.has_verdict and aware(a.updated_at) < (now or utcnow()) - timedelta(days=draft_days):
        return None  # an abandoned draft: its tokens no longer open it
    return a


def by_draft_token(
    session: Session, token: str | None, draft_days: int, *, with_answers: bool = False
) -> Assessment | None:
    """with_answers loads the answers in the same query (every page that reads a draft shows them)."""
    if not looks_like_token(token):
        return None
    query = select(Assessment).where(Assessment.token == token)
    if with_answers:
        query = query.options(joinedload(Assessment.answers))
    return _live(session.scalars(query).unique().one_or_none(), draft_days)


def by_resume_token(session: Session, token: str | None, draft_days: int) -> Assessment | None:
    if not looks_like_token(token):
        return None
    return _live(session.scalar(select(Assessment).where(Assessment.resume_token == token)), draft_days)


def by_results_token(session: Session, token: str | None) -> Assessment | None:
    """The assessment whose results this token reads (check results_expired() before showing them)."""
    if not looks_like_token(token):
        return None
    return session.scalar(select(Assessment).where(Assessment.results_token == token))


def hand_over(session: Session, a: Assessment) -> str:
    """Give the draft to the browser that confirmed its resume link: new draft and resume tokens."""
    a.token, a.resume_token = new_token(), new_token()
    a.updated_at = utcnow()
    session.commit()
    return a.token


def grant_results(a: Assessment, days: int, now: datetime | None = None) -> None:
    """A results token for a submitted assessment, unless it has one still valid (a resubmission)."""
    now = now or utcnow()
    if a.results_token is None or a.results_expired(now):
        a.results_token, a.results_expires_at = new_token(), link_expiry(now, days)


def in_progress(a: Assessment | None) -> bool:
    """A draft with answers: what resuming another assessment must never replace."""
    return a is not None and not a.submitted and any(v is not None for v in a.values.values())
