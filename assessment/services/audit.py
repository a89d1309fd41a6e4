"""The audit log: who viewed, changed or exported what, when, from where."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.store.workspace import AUDIT_ACTIONS, Account, AuditEvent


def record(
    session: Session,
    account: Account | None,
    action: str,
    target: str,
    detail: str | None = None,
    *,
    address: str | None = None,
    commit: bool = True,
) -> AuditEvent:
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        account_id=account.id if account is not None else None,
        action=action,
        target=target[:80],
        detail=detail[:500] if detail else None,
        address=(address or "")[:64] or None,
    )
    session.add(event)
    if commit:
        session.commit()
    return event


def latest(session: Session, *, limit: int = 200, offset: int = 0) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))
