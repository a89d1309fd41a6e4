"""Persistence: SQLAlchemy 2 models, the database handle, Alembic migrations. No Flask here."""

from __future__ import annotations

from assessment.store.database import Database, default_url, make_engine
from assessment.store.models import Assessment, Base, Company, FunnelEvent, Lead, ReportFile, ReportLink

__all__ = [
    "Assessment",
    "Base",
    "Company",
    "Database",
    "FunnelEvent",
    "Lead",
    "ReportFile",
    "ReportLink",
    "default_url",
    "make_engine",
]
