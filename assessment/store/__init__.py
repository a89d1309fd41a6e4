"""Persistence: SQLAlchemy 2 models, the database handle, Alembic migrations. No Flask here."""

from __future__ import annotations

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
    "Lead",
    "ReportFile",
    "ReportLink",
    "Revision",
    "default_url",
    "make_engine",
]
