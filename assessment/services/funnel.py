"""Funnel events: what the consultancy measures of its own funnel, with UTM attribution."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment.store.models import FUNNEL_EVENTS, UTM_KEYS, Assessment, FunnelEvent

# C0 controls, DEL, C1 controls and lone surrogates: PostgreSQL refuses NUL in text, UTF-8 refuses
# surrogates, and none of them belongs in a campaign name or a URL.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(value: str) -> str:
    return _UNPRINTABLE.sub("", value)


def clean_utm(args) -> dict[str, str]:
    """UTM values from a query string, a JSON body or a session, trimmed to the column size.

    A value that is not a string (a number or a list sent to the API) is dropped, not an error:
    attribution is best-effort and never costs a submission. Control characters are removed.
    """
    out: dict[str, str] = {}
    if not hasattr(args, "get"):
        return out
    for key in UTM_KEYS:
        value = args.get(key)
        if isinstance(value, str) and (value := printable(value).strip()):
            out[key] = value[:100]
    return out


def clean_referrer(referrer) -> str | None:
    value = printable(referrer).strip()[:500] if isinstance(referrer, str) else ""
    return value or None


def record(
    session: Session,
    type_: str,
    assessment: Assessment | None = None,
    *,
    utm: dict | None = None,
    detail: str | None = None,
) -> FunnelEvent:
    if type_ not in FUNNEL_EVENTS:
        raise ValueError(f"unknown funnel event {type_!r}")
    if assessment is not None:
        utm = {k: getattr(assessment, k) for k in UTM_KEYS}
    ev = FunnelEvent(type=type_, assessment=assessment, detail=detail, **clean_utm(utm or {}))
    session.add(ev)
    return ev


def counts_by_source(session: Session) -> dict[str, dict[str, int]]:
    """utm_source ('(direct)' when none) -> event type -> count; page completions counted per event."""
    rows = session.execute(
        select(FunnelEvent.utm_source, FunnelEvent.type, func.count()).group_by(
            FunnelEvent.utm_source, FunnelEvent.type
        )
    ).all()
    table: dict[str, dict[str, int]] = {}
    for source, type_, n in rows:
        table.setdefault(source or "(direct)", dict.fromkeys(FUNNEL_EVENTS, 0))[type_] = n
    return dict(sorted(table.items()))
