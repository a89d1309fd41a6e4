"""Persistence: SQLAlchemy 2 models, the database handle, Alembic migrations. No Flask here."""

from __future__ import annotations

from assessment.store.background import Job, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from assessment.store.database import Database, default_url, make_engine
from assessment.store.models import (
    Answer,
    Assessment,
    Base,
    Company,
    FunnelEvent,
    Lead,
    ReportFile,
    ReportLink,
    Revision,
    Round,
    RoundInvitation,
)
from assessment.store.workspace import Account, AccountRole, AuditEvent, ClientNote, Comment, CompanyShare, Invitation

__all__ = [
    "Account",
    "AccountRole",
    "Answer",
    "Assessment",
    "AuditEvent",
    "Base",
    "ClientNote",
    "Comment",
    "Company",
    "CompanyShare",
    "Database",
    "FunnelEvent",
    "Invitation",
    "Job",
    "Lead",
    "ReportFile",
    "ReportLink",
    "Revision",
    "Round",
    "RoundInvitation",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "default_url",
    "make_engine",
]
