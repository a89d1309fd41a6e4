"""The consultant workspace's tables: accounts and roles, invitations, sharing, notes, comments, the audit log.

Account and AccountRole carry Flask-Security's mixins: its sign-in views call their methods
(has_role, verify_and_update_password, the two-factor fields). The mixins are plain classes;
they touch Flask only when a request calls them, so the CLI and the services use these rows as
any other. Table names avoid `user`, a reserved word in PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from flask_security import RoleMixin, UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, Index, LargeBinary, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.store.models import Base, utcnow
from assessment.store.tokens import new_token

ROLES = ("admin", "consultant")
LEAD_STATUSES = ("new", "contacted", "qualified", "won", "lost")
AUDIT_ACTIONS = ("view", "change", "export", "sign_in")

account_roles = Table(
    "account_roles",
    Base.metadata,
    Column("account_id", ForeignKey("account.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("account_role.id", ondelete="CASCADE"), primary_key=True),
)


class AccountRole(Base, RoleMixin):
    __tablename__ = "account_role"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str | None] = mapped_column(String(255))


class Account(Base, UserMixin):
    """A consultant or an admin. fs_uniquifier changes with the password: every other session ends."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    password: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    fs_uniquifier: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    tf_primary_method: Mapped[str | None] = mapped_column(String(64))
    tf_totp_secret: Mapped[str | None] = mapped_column(String(255))
    tf_phone_number: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # UserMixin declares list[RoleMixin]; the mapped list holds the subclass (lists are invariant to mypy).
    roles: Mapped[list[AccountRole]] = relationship(secondary=account_roles, lazy="selectin")  # type: ignore[assignment]

    @property
    def is_admin(self) -> bool:
        return any(r.name == "admin" for r in self.roles)

    @property
    def label(self) -> str:
        return self.name or self.email


class Invitation(Base):
    """An admin's invitation; only the SHA-256 of its token is stored, the link is shown once."""

    __tablename__ = "invitation"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20), default="consultant")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column()


class CompanyShare(Base):
    """A client shared with a consultant who does not own it."""

    __tablename__ = "company_share"
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)
    account: Mapped[Account] = relationship()


class ClientNote(Base):
    """A consultant's note on a client (not on a question: those live on the Answer row)."""

    __tablename__ = "client_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    author: Mapped[Account | None] = relationship()


class Comment(Base):
    """A consultant's comment for the report: overall, on an area or on a pitfall (scope "area:kpi_design")."""

    __tablename__ = "comment"
    __table_args__ = (UniqueConstraint("assessment_id", "scope"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text, default="")
    discussed: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    author: Mapped[Account | None] = relationship()


class AuditEvent(Base):
    """Who viewed, changed or exported what, when, and from where."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_created_at", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # AUDIT_ACTIONS
    target: Mapped[str] = mapped_column(String(80))  # e.g. "company:12", "assessment:40", "leads.csv"
    detail: Mapped[str | None] = mapped_column(String(500))
    address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    account: Mapped[Account | None] = relationship()


class SiteSettings(Base):
    """What an admin set on /workspace/settings: the report's branding and the site's contact. One row, id 1.

    A column left None keeps what the environment says (CMO_BRAND_*, BRAND_NAME, BOOKING_URL, ...),
    so a site configured by its environment alone works as before.
    """

    __tablename__ = "site_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(100))
    color: Mapped[str | None] = mapped_column(String(7))
    contact_url: Mapped[str | None] = mapped_column(String(500))
    booking_url: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    privacy_url: Mapped[str | None] = mapped_column(String(500))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime | None] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))


__all__ = [
    "AUDIT_ACTIONS",
    "LEAD_STATUSES",
    "ROLES",
    "Account",
    "AccountRole",
    "AuditEvent",
    "ClientNote",
    "Comment",
    "CompanyShare",
    "Invitation",
    "SiteSettings",
]
