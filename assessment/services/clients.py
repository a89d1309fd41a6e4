"""Clients (companies) as consultants see them: list, find-or-create, edit, notes, sharing, merge.

Every function takes the acting Account; reads are limited to what it may see
(services.accounts.visible_companies), so a guessed id finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from assessment.services import companies
from assessment.services.accounts import can_see_company, visible_companies
from assessment.store.identity import name_key
from assessment.store.models import Assessment, Company, Lead
from assessment.store.workspace import Account, ClientNote, CompanyShare

PAGE_SIZE = 50
SORTS = ("name", "level", "assessed", "owner")
NOTE_MAX = 10_000


class ClientError(ValueError):
    """A change that cannot be made; `code` names the message the web shows in the user's language."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ClientRow:
    id: int
    name: str
    industry: str | None
    owner: str | None
    level: int | None
    assessed_at: datetime | None


def _latest():
    """Per company: the latest submitted assessment's level and moment, one index probe each
    (ix_assessment_company_submitted). submitted_at is set by the first submit and kept: it is
    not null exactly for the assessments with a verdict."""
    level = (
        select(Assessment.level)
        .where(Assessment.company_id == Company.id, Assessment.submitted_at.is_not(None))
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
        .correlate(Company)
        .scalar_subquery()
    )
    assessed = (
        select(func.max(Assessment.submitted_at))
        .where(Assessment.company_id == Company.id)
        .correlate(Company)
        .scalar_subquery()
    )
    return level.label("level"), assessed.label("assessed_at")


def list_clients(
    session: Session, account: Account, *, q: str = "", sort: str = "name", desc: bool = False, page: int = 1
) -> tuple[list[ClientRow], int]:
    """One page of the clients this account sees, and how many there are in all."""
    level, assessed = _latest()
    base = visible_companies(account)
    q = (q or "").strip()[:200]
    if q:
        key = name_key(q)
        like = f"%{q.replace('%', '').replace('_', '')}%"
        conditions: list[ColumnElement[bool]] = [Company.name.ilike(like), Company.email_domain.ilike(like)]
        if key:
            conditions.append(Company.name_key.contains(key, autoescape=True))
        base = base.where(or_(*conditions))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    owner_email = select(Account.email).where(Account.id == Company.owner_id).correlate(Company).scalar_subquery()
    sort = sort if sort in SORTS else "name"
    column = {"name": Company.name_key, "level": level, "assessed": assessed, "owner": owner_email}[sort]
    order = column.desc().nulls_last() if desc else column.asc().nulls_last()
    query = (
        base.with_only_columns(Company.id, Company.name, Company.industry, owner_email.label("owner"), level, assessed)
        .order_by(order, Company.id)
        .limit(PAGE_SIZE)
        .offset(max(0, page - 1) * PAGE_SIZE)
    )
    rows = [ClientRow(*r) for r in session.execute(query)]
    return rows, total


def get(session: Session, account: Account, company_id: int) -> Company | None:
    """The client, if this account may see it; None for an unknown id and for another's client alike."""
    company = session.get(Company, company_id)
    return company if can_see_company(session, account, company) else None


def create(
    session: Session,
    account: Account,
    *,
    name: str,
    email_domain: str | None = None,
    corporate_number: str | None = None,
    industry: str | None = None,
    size: str | None = None,
) -> tuple[Company, bool]:
    """Find the company again (法人番号, corporate domain, normalised name) or create it: (company, created).

    A company found again that this account cannot see stays unseen: ClientError("exists_elsewhere").
    """
    email = f"x@{email_domain}" if email_domain else None
    found = companies.find(session, name=name, email=email, corporate_number=corporate_number)
    if found is not None:
        if not can_see_company(session, account, found):
            if found.owner_id is not None:
                raise ClientError("exists_elsewhere")
            found.owner_id = account.id  # a company only leads made is nobody's client yet
        session.commit()
        return found, False
    company = companies.find_or_create(
        session, name=name, email=email, corporate_number=corporate_number, industry=industry, size=size
    )
    company.owner_id = account.id
    session.commit()
    return company, True


def edit(
    session: Session,
    company: Company,
    *,
    name: str,
    email_domain: str | None,
    corporate_number: str | None,
    industry: str | None,
    size: str | None,
) -> Company:
    domain = companies.corporate_domain(f"x@{email_domain}") if email_domain else None
    if email_domain and domain is None:
        raise ClientError("free_mail_domain")
    if corporate_number and not companies.valid_corporate_number(corporate_number):
        raise ClientError("bad_corporate_number")
    if corporate_number:
        other = session.scalar(
            select(Company.id).where(Company.corporate_number == corporate_number, Company.id != company.id)
        )
        if other is not None:
            raise ClientError("corporate_number_taken")
    company.name, company.name_key = name.strip()[:200], name_key(name)
    company.email_domain, company.corporate_number = domain, corporate_number or None
    company.industry, company.size = industry or None, size or None
    session.commit()
    return company


def add_note(session: Session, account: Account, company: Company, body: str) -> ClientNote:
    body = (body or "").strip()
    if not body:
        raise ClientError("empty_note")
    if len(body) > NOTE_MAX:
        raise ClientError("note_too_long")
    note = ClientNote(company_id=company.id, author_id=account.id, body=body)
    session.add(note)
    session.commit()
    return note


def notes(session: Session, company: Company) -> list[ClientNote]:
    query = select(ClientNote).where(ClientNote.company_id == company.id).order_by(ClientNote.id.desc())
    return list(session.scalars(query))


def shares(session: Session, company: Company) -> list[Account]:
    query = select(Account).join(CompanyShare).where(CompanyShare.company_id == company.id).order_by(Account.email)
    return list(session.scalars(query))


def _may_manage(account: Account, company: Company) -> bool:
    return account.is_admin or company.owner_id == account.id


def share(session: Session, account: Account, company: Company, with_account: Account | None) -> None:
    """Share with another consultant; only the owner or an admin shares."""
    if not _may_manage(account, company):
        raise ClientError("not_owner")
    if with_account is None or not with_account.active:
        raise ClientError("unknown_account")
    if with_account.id != company.owner_id and session.get(CompanyShare, (company.id, with_account.id)) is None:
        session.add(CompanyShare(company_id=company.id, account_id=with_account.id))
    session.commit()


def unshare(session: Session, account: Account, company: Company, account_id: int) -> None:
    if not _may_manage(account, company):
        raise ClientError("not_owner")
    session.execute(
        delete(CompanyShare).where(CompanyShare.company_id == company.id, CompanyShare.account_id == account_id)
    )
    session.commit()


def set_owner(session: Session, account: Account, company: Company, owner: Account | None) -> None:
    if not _may_manage(account, company):
        raise ClientError("not_owner")
    if owner is None or not owner.active:
        raise ClientError("unknown_account")
    company.owner_id = owner.id
    session.commit()


def duplicates(session: Session, account: Account, company: Company) -> list[Company]:
    """Other visible companies that look like the same one: same normalised name or corporate domain."""
    keys = [Company.name_key == company.name_key] if company.name_key else []
    if company.email_domain:
        keys.append(Company.email_domain == company.email_domain)
    if not keys:
        return []
    query = visible_companies(account).where(Company.id != company.id, or_(*keys)).order_by(Company.id).limit(20)
    return list(session.scalars(query))


def merge(session: Session, account: Account, keep: Company, duplicate: Company) -> Company:
    """Move everything of `duplicate` onto `keep` and delete it; the kept row's known facts win."""
    if keep.id == duplicate.id:
        raise ClientError("same_company")
    if not (_may_manage(account, keep) and _may_manage(account, duplicate)):
        raise ClientError("not_owner")
    for table in (Assessment, Lead, ClientNote):
        session.execute(update(table).where(table.company_id == duplicate.id).values(company_id=keep.id))
    kept_shares = set(session.scalars(select(CompanyShare.account_id).where(CompanyShare.company_id == keep.id)))
    for moved in session.scalars(select(CompanyShare).where(CompanyShare.company_id == duplicate.id)).all():
        if moved.account_id not in kept_shares and moved.account_id != keep.owner_id:
            session.add(CompanyShare(company_id=keep.id, account_id=moved.account_id))
    number = duplicate.corporate_number
    facts = {f: getattr(duplicate, f) for f in ("email_domain", "industry", "size")}
    session.execute(delete(CompanyShare).where(CompanyShare.company_id == duplicate.id))
    session.delete(duplicate)
    session.flush()  # the duplicate's unique 法人番号 is gone before the kept row takes it
    keep.corporate_number = keep.corporate_number or number
    for field, value in facts.items():
        setattr(keep, field, getattr(keep, field) or value)
    session.commit()
    session.expire(keep)
    return keep
