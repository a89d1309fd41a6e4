"""The database schema. Changes go through an Alembic migration in migrations/versions.

One Company links everything: the prospect's self-assessment (through its Lead), a
consultant's interview and every later round. An Assessment holds one respondent's answers
as rows (each with room for a note and a "to verify" mark) and moves draft -> submitted ->
reopened -> submitted; each submission is a Revision holding the locale-neutral verdict, so a
report can change (comments, a revised answer) while the earlier one stays readable.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from assessment.store.tokens import new_token

FUNNEL_EVENTS = ("landing", "started", "page_completed", "submitted", "lead_captured", "pdf_downloaded")
KINDS = ("self", "consultant", "invited")
RESPONDENT_ROLES = ("management", "marketing", "sales", "other")  # a round's respondents (issue 14)
ROUND_RULES = ("reference", "median")  # how a round's Diagnosis is made from its respondents
STATUSES = ("draft", "submitted", "reopened")
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign")  # the Utm columns


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; every moment stored here is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict] = {datetime: DateTime(timezone=True)}


class Utm:
    """Where a visitor came from; kept on the assessment and on every funnel event."""

    utm_source: Mapped[str | None] = mapped_column(String(100))
    utm_medium: Mapped[str | None] = mapped_column(String(100))
    utm_campaign: Mapped[str | None] = mapped_column(String(100))


class Company(Base):
    """A company, found again by its 法人番号, corporate e-mail domain or normalised name."""

    __tablename__ = "company"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True, default="")  # store.identity.name_key
    email_domain: Mapped[str | None] = mapped_column(String(253), index=True)  # never a free-mail domain
    corporate_number: Mapped[str | None] = mapped_column(String(13), unique=True)  # 法人番号, 13 digits
    industry: Mapped[str | None] = mapped_column(String(40))
    size: Mapped[str | None] = mapped_column(String(40))  # a pf_company_size option value
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The consultant who looks after this client (store/workspace.py); None: nobody yet, admins see it.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"), index=True)
    assessments: Mapped[list[Assessment]] = relationship(back_populates="company")


class Assessment(Utm, Base):
    """One respondent's answers to the questionnaire, and the revisions it was submitted as.

    Separate capabilities, separate tokens (services/access.py): `token` is the draft cookie, never
    shown in a URL; `resume_token` is the "continue later" link, exchanged once for a new cookie on
    another device (both are replaced then); `results_token`, made at submission, reads the results
    and mints PDF links until `results_expires_at`.
    """

    __tablename__ = "assessment"
    # A client's latest assessment, for the workspace's client list (services/clients.py).
    __table_args__ = (Index("ix_assessment_company_submitted", "company_id", "submitted_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    resume_token: Mapped[str | None] = mapped_column(String(64), unique=True, default=new_token)
    results_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    results_expires_at: Mapped[datetime | None] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20), default="self")
    status: Mapped[str] = mapped_column(String(12), default="draft")  # STATUSES
    revision: Mapped[int] = mapped_column(Integer, default=0)  # the latest submitted revision; 0: never
    locale: Mapped[str] = mapped_column(String(8), default="ja")
    referrer: Mapped[str | None] = mapped_column(String(500))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    # A respondent of a round: which round, answering as whom (RESPONDENT_ROLES).
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id", ondelete="SET NULL"), index=True)
    respondent_role: Mapped[str | None] = mapped_column(String(12))
    consultant_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))  # interviews
    # Copied from the latest revision for listing and sorting.
    questionnaire_version: Mapped[str | None] = mapped_column(String(40))
    ruleset_version: Mapped[str | None] = mapped_column(String(40))
    overall: Mapped[int | None] = mapped_column(Integer)
    level: Mapped[int | None] = mapped_column(Integer)
    top_pitfall: Mapped[str | None] = mapped_column(String(40), index=True)  # the leads inbox filters on it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column()

    company: Mapped[Company | None] = relationship(back_populates="assessments")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="Answer.id"
    )
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="assessment", order_by="Revision.number", cascade="all, delete-orphan"
    )
    lead: Mapped[Lead | None] = relationship(back_populates="assessment", uselist=False)
    report_links: Mapped[list[ReportLink]] = relationship(back_populates="assessment")
    round: Mapped[Round | None] = relationship(back_populates="respondents", foreign_keys=[round_id])

    @property
    def submitted(self) -> bool:
        """Locked: answers change only after reopen()."""
        return self.status == "submitted"

    @property
    def has_verdict(self) -> bool:
        """Submitted at least once: there are results to show, even while reopened."""
        return self.revision > 0

    @property
    def values(self) -> dict:
        """Question id -> raw answer, as the pipeline takes them."""
        return {a.question: a.value for a in self.answers}

    def results_expired(self, now: datetime | None = None) -> bool:
        return self.results_expires_at is not None and (now or utcnow()) >= aware(self.results_expires_at)


class Answer(Base):
    """One answer to one question; a consultant's note and "to verify" mark live beside it."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("assessment_id", "question"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | list | None] = mapped_column(JSON)  # an option value, a list for checklists
    note: Mapped[str | None] = mapped_column(Text)
    to_verify: Mapped[bool] = mapped_column(Boolean, default=False)
    note_in_report: Mapped[bool] = mapped_column(Boolean, default=False)  # notes stay internal unless marked
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    assessment: Mapped[Assessment] = relationship(back_populates="answers")


class Revision(Base):
    """A submission of an assessment: the locale-neutral verdict on its answers then (they are in it)."""

    __tablename__ = "revision"
    __table_args__ = (UniqueConstraint("assessment_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ...
    verdict: Mapped[dict] = mapped_column(JSON)  # assessment.diagnose Verdict.to_dict()
    # The consultant's comments and report notes as this revision shows them; a changed comment adds a revision.
    comments: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    assessment: Mapped[Assessment] = relationship(back_populates="revisions")


class Lead(Base):
    __tablename__ = "lead"
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), unique=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    company_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(100))
    company_size: Mapped[str] = mapped_column(String(40))
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_text: Mapped[str | None] = mapped_column(Text)  # the exact wording shown
    consent_at: Mapped[datetime | None] = mapped_column()
    # The required acknowledgement of how the data is used, apart from the optional marketing consent.
    acknowledgement_text: Mapped[str | None] = mapped_column(Text)
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    report_emailed_at: Mapped[datetime | None] = mapped_column()  # the report link sent to `email`
    locale: Mapped[str] = mapped_column(String(8), default="ja")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # the inbox lists newest first
    # The inbox (store/workspace.py LEAD_STATUSES); who changed the status last, the audit log keeps the rest.
    status: Mapped[str] = mapped_column(String(12), default="new", index=True)
    status_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    status_at: Mapped[datetime | None] = mapped_column()
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"), index=True)
    assessment: Mapped[Assessment] = relationship(back_populates="lead")
    company: Mapped[Company | None] = relationship()


class ReportLink(Base):
    __tablename__ = "report_link"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column()
    assessment: Mapped[Assessment] = relationship(back_populates="report_links")

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and (now or utcnow()) >= aware(self.expires_at)


class ReportFile(Base):
    """A rendered PDF of one revision in one locale, kept: rendering costs a quarter second of CPU."""

    __tablename__ = "report_file"
    __table_args__ = (UniqueConstraint("assessment_id", "revision", "locale"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"))
    revision: Mapped[int] = mapped_column(Integer)
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


class Round(Base):
    """One assessment of one company at one time (a period such as 2026-Q4), by one or more respondents.

    Closing it keeps the round's verdict, made from the respondents by `rule` (ROUND_RULES;
    services/rounds.py says what each means), and the targets and step statuses set with it.
    """

    __tablename__ = "round"
    # A company's closed rounds, newest first: the dashboard and the trend (services/portfolio.py).
    __table_args__ = (Index("ix_round_company_status_closed", "company_id", "status", "closed_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)  # the round's URL id
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(16))  # e.g. 2026-Q4
    status: Mapped[str] = mapped_column(String(8), default="open")  # open | closed
    due_at: Mapped[datetime | None] = mapped_column()  # when the next round is due, set at close
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()
    rule: Mapped[str | None] = mapped_column(String(12))  # ROUND_RULES, chosen at close
    # use_alter: assessment and round point at each other, so the schema is made in two steps.
    reference_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id", ondelete="SET NULL", use_alter=True))
    verdict: Mapped[dict | None] = mapped_column(JSON)  # the round's Verdict.to_dict(), at close
    # Copied from the verdict at close, so the dashboard lists and sorts without reading each verdict.
    level: Mapped[int | None] = mapped_column(Integer)
    overall: Mapped[int | None] = mapped_column(Integer)
    scores: Mapped[dict | None] = mapped_column(JSON)  # area id -> score (None: unanswered)
    targets: Mapped[dict | None] = mapped_column(JSON)  # area id -> target level for the next round
    step_status: Mapped[dict | None] = mapped_column(JSON)  # step id -> done | in_progress | dropped
    # The respondents may see the gap report (management beside marketing) once the consultant says so.
    share_gap: Mapped[bool] = mapped_column(Boolean, default=False)

    company: Mapped[Company] = relationship()
    respondents: Mapped[list[Assessment]] = relationship(
        back_populates="round", foreign_keys="Assessment.round_id", order_by="Assessment.id"
    )
    invitations: Mapped[list[RoundInvitation]] = relationship(back_populates="round", order_by="RoundInvitation.id")


class RoundInvitation(Base):
    """One person's link into a round: unguessable, expiring, used up once their answers are in."""

    __tablename__ = "round_invitation"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(12))  # RESPONDENT_ROLES
    name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()  # a revoked link opens nothing
    locale: Mapped[str] = mapped_column(String(8), default="ja")  # the e-mail's language
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id", ondelete="SET NULL"))
    round: Mapped[Round] = relationship(back_populates="invitations")
    assessment: Mapped[Assessment | None] = relationship()

    def expired(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= aware(self.expires_at)
