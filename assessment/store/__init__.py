"""Persistence: SQLAlchemy 2 models, the database handle, Alembic migrations. No Flask here."""

from __future__ import annotations

from assessment.store.database import Database, default_url, make_engine
from assessment.store.models import (
    Answer,
    Assessment,
    Base,
    Company,
    FunnelEvent,
    Invitation,
    Lead,
    ReportFile,
    ReportLink,
    Revision,
    Round,
)

__all__ = [
    "Answer",
    "Assessment",
    "Base",
    "Company",
    "Database",
    "FunnelEvent",
    "Invitation",
    "Lead",
    "ReportFile",
    "ReportLink",
    "Revision",
    "Round",
    "default_url",
    "make_engine",
]
