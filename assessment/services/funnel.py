"""Funnel events: what the consultancy measures of its own funnel, with UTM attribution."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment.store.models import FUNNEL_EVENTS, UTM_KEYS, Assessment, FunnelEvent


def clean_utm(args) -> dict[str, str]:
    """UTM values from a query string or a JSON body, trimmed to the column size; anything else is dropped.

    A value that is not a string (a number or a list sent to the API) is dropped, not an error:
    attribution is best-effort and never costs a submission.
    """
    out = {}
    for key in UTM_KEYS:
        value = args.get(key)
        if isinstance(value, str) and (value := value.strip()):
            out[key] = value[:100]
    return out


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
    ev = FunnelEvent(type=type_, assessment=assessment, detail=detail, **(utm or {}))
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
