"""The database schema. Changes go through an Alembic migration in migrations/versions.

Built to grow: a consultant workspace (notes per question, comments) and
quarterly tracking hang off Company and Assessment later; `kind` already
tells a self-assessment from a consultant-run one.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from assessment.store.tokens import new_token

FUNNEL_EVENTS = ("landing", "started", "page_completed", "submitted", "lead_captured", "pdf_downloaded")
KINDS = ("self", "consultant")
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign")  # the Utm columns


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True)}


class Utm:
    """Where a visitor came from; kept on the assessment and on every funnel event."""

    utm_source: Mapped[str | None] = mapped_column(String(100))
    utm_medium: Mapped[str | None] = mapped_column(String(100))
    utm_campaign: Mapped[str | None] = mapped_column(String(100))


class Company(Base):
    """A company assessed once or quarterly; leads and consultants point here."""

    __tablename__ = "company"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    size: Mapped[str | None] = mapped_column(String(40))  # a pf_company_size option value
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    assessments: Mapped[list["Assessment"]] = relationship(back_populates="company")


class Assessment(Utm, Base):
    __tablename__ = "assessment"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    kind: Mapped[str] = mapped_column(String(20), default="self")
    locale: Mapped[str] = mapped_column(String(8), default="ja")
    referrer: Mapped[str | None] = mapped_column(String(500))
    draft: Mapped[dict] = mapped_column(JSON, default=dict)  # question id -> raw answer
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"))
    # locale -> the Diagnosis exactly as the pipeline produced it: the submission's locale at once,
    # another on its first view (flow.diagnosis_for), kept only under the same bank, rules and score.
    diagnoses: Mapped[dict | None] = mapped_column(JSON)
    questionnaire_version: Mapped[str | None] = mapped_column(String(40))
    ruleset_version: Mapped[str | None] = mapped_column(String(40))
    overall: Mapped[int | None] = mapped_column(Integer)  # copied out for listing and benchmarks
    level: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column()

    company: Mapped[Company | None] = relationship(back_populates="assessments")
    lead: Mapped["Lead | None"] = relationship(back_populates="assessment", uselist=False)
    report_links: Mapped[list["ReportLink"]] = relationship(back_populates="assessment")

    @property
    def submitted(self) -> bool:
        return self.diagnoses is not None

    def diagnosis_dict(self, locale: str) -> dict | None:
        if not self.diagnoses:
            return None
        return self.diagnoses.get(locale) or self.diagnoses.get(self.locale)


class Lead(Base):
    __tablename__ = "lead"
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), unique=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"))
    name: Mapped[str] = mapped_column(String(100))
    company_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(100))
    company_size: Mapped[str] = mapped_column(String(40))
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_text: Mapped[str | None] = mapped_column(Text)  # the exact wording shown
    consent_at: Mapped[datetime | None] = mapped_column()
    locale: Mapped[str] = mapped_column(String(8), default="ja")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    assessment: Mapped[Assessment] = relationship(back_populates="lead")


class ReportLink(Base):
    __tablename__ = "report_link"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column()
    assessment: Mapped[Assessment] = relationship(back_populates="report_links")

    def expired(self, now: datetime | None = None) -> bool:
        if self.expires_at is None:
            return False
        expires = self.expires_at
        if expires.tzinfo is None:  # SQLite hands back naive datetimes
            expires = expires.replace(tzinfo=timezone.utc)
        return (now or utcnow()) >= expires


class ReportFile(Base):
    """A rendered PDF, kept: a report never changes after submission, and rendering costs a second of CPU."""

    __tablename__ = "report_file"
    __table_args__ = (UniqueConstraint("assessment_id", "locale"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"))
    locale: Mapped[str] = mapped_column(String(8))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FunnelEvent(Utm, Base):
    __tablename__ = "funnel_event"
    __table_args__ = (Index("ix_funnel_event_type_source", "type", "utm_source"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(30))
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"), index=True)
    detail: Mapped[str | None] = mapped_column(String(100))  # e.g. the page completed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    assessment: Mapped[Assessment | None] = relationship()
