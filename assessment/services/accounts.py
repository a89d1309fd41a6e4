"""Accounts: the first admin, invitations for consultants, who may see which client.

Passwords arrive hashed: the web and the CLI hash them with Flask-Security's context (argon2id,
peppered with SECURITY_PASSWORD_SALT), so a hash made here verifies at sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from assessment.services import audit
from assessment.store.models import Assessment, Company, aware, utcnow
from assessment.store.tokens import new_token
from assessment.store.workspace import ROLES, Account, AccountRole, CompanyShare, Invitation

INVITATION_DAYS = 7

Hasher = Callable[[str], str]


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message says why (English, for logs and CLI)."""


def normal_email(email: str) -> str:
    return (email or "").strip().lower()


def role(session: Session, name: str) -> AccountRole:
    """The role row, made on first use: roles are data the code knows, not something an admin types."""
    if name not in ROLES:
        raise AccountError(f"unknown role {name!r}")
    found = session.scalar(select(AccountRole).where(AccountRole.name == name))
    if found is None:
        found = AccountRole(name=name)
        session.add(found)
        session.flush()
    return found


def find_by_email(session: Session, email: str) -> Account | None:
    return session.scalar(select(Account).where(Account.email == normal_email(email)))


def create_account(
    session: Session, *, email: str, password_hash: str, role_name: str = "consultant", name: str = ""
) -> Account:
    email = normal_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError(f"not an e-mail address: {email!r}")
    if find_by_email(session, email) is not None:
        raise AccountError(f"an account for {email} exists already")
    account = Account(email=email, name=name.strip()[:100], password=password_hash, active=True)
    account.roles = [role(session, role_name)]
    session.add(account)
    session.commit()
    return account


def reset_two_factor(session: Session, email: str) -> Account:
    """Turn an account's two-factor sign-in off (a lost authenticator): the password alone signs in
    again, and the owner sets up a new authenticator. Its other sessions end, as on a password change."""
    account = find_by_email(session, email)
    if account is None:
        raise AccountError(f"no account for {normal_email(email)}")
    account.tf_primary_method = account.tf_totp_secret = account.tf_phone_number = None
    account.fs_uniquifier = new_token()
    audit.record(session, None, "change", f"account:{account.id}", "two-factor turned off", commit=False)
    session.commit()
    return account


def consultants(session: Session) -> list[Account]:
    return list(session.scalars(select(Account).where(Account.active.is_(True)).order_by(Account.email)))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(session: Session, by: Account, email: str, role_name: str = "consultant") -> str:
    """A new invitation; returns the token (shown once: only its digest is kept)."""
    if not by.is_admin:
        raise AccountError("only an admin invites")
    email = normal_email(email)
    if find_by_email(session, email) is not None:
        raise AccountError(f"an account for {email} exists already")
    role(session, role_name)
    token = secrets.token_urlsafe(24)
    session.add(
        Invitation(
            token_hash=_digest(token),
            email=email,
            role=role_name,
            invited_by_id=by.id,
            expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
        )
    )
    session.commit()
    return token


def open_invitation(session: Session, token: str | None) -> Invitation | None:
    """The invitation this token names, unless it is used or expired."""
    if not token or len(token) > 64:
        return None
    found = session.scalar(select(Invitation).where(Invitation.token_hash == _digest(token)))
    if found is None or found.accepted_at is not None or aware(found.expires_at) <= utcnow():
        return None
    return found


def accept_invitation(session: Session, invitation: Invitation, *, name: str, password_hash: str) -> Account:
    invitation.accepted_at = utcnow()
    return create_account(
        session, email=invitation.email, password_hash=password_hash, role_name=invitation.role, name=name
    )


def visible_companies(account: Account) -> Select:
    """Companies this account may see: all for an admin, else those it owns or that are shared with it."""
    query = select(Company)
    if account.is_admin:
        return query
    shared = select(CompanyShare.company_id).where(CompanyShare.account_id == account.id)
    return query.where(or_(Company.owner_id == account.id, Company.id.in_(shared)))


def can_see_company(session: Session, account: Account, company: Company | None) -> bool:
    if company is None:
        return False
    if account.is_admin or company.owner_id == account.id:
        return True
    return session.get(CompanyShare, (company.id, account.id)) is not None


def can_see_assessment(session: Session, account: Account, a: Assessment | None) -> bool:
    """An assessment is reached through its company; one without a company only by admins."""
    if a is None:
        return False
    if a.company is None:
        return account.is_admin
    return can_see_company(session, account, a.company)
