"""The leads inbox: every lead of the public funnel, filtered, with a status, an assignee, and conversion.

Admins see every lead; a consultant the unassigned ones, those assigned to them and those of
clients they see. Converting a lead makes its company a client: the lead's self-assessment is
already the company's first assessment (services.leads linked it), so the interview starts from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql import Select

from assessment.services import accounts
from assessment.store.models import UTM_KEYS, Assessment, Company, Lead, utcnow
from assessment.store.workspace import LEAD_STATUSES, Account, CompanyShare

PAGE_SIZE = 50


class InboxError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Filters:
    level: int | None = None
    pitfall: str | None = None
    source: str | None = None
    status: str | None = None
    since: date | None = None
    until: date | None = None


def visible_leads(account: Account) -> Select:
    query = select(Lead)
    if account.is_admin:
        return query
    shared = select(CompanyShare.company_id).where(CompanyShare.account_id == account.id)
    own = select(Company.id).where(or_(Company.owner_id == account.id, Company.id.in_(shared)))
    return query.where(or_(Lead.assignee_id.is_(None), Lead.assignee_id == account.id, Lead.company_id.in_(own)))


def filtered(account: Account, f: Filters, *, with_assessment: bool = False) -> Select:
    """The leads this account sees that pass `f`, joined to their assessments only when asked or filtered on.

    Why: every lead has its assessment, and counting or paging 50,000 leads through that join was
    most of the inbox's time when no filter needed it.
    """
    query = visible_leads(account)
    if with_assessment or f.level is not None or f.pitfall or f.source:
        query = query.join(Assessment, Lead.assessment_id == Assessment.id)
    if f.level is not None:
        query = query.where(Assessment.level == f.level)
    if f.pitfall:
        query = query.where(Assessment.top_pitfall == f.pitfall)
    if f.source:
        query = query.where(Assessment.utm_source == f.source)
    if f.status:
        query = query.where(Lead.status == f.status)
    if f.since:
        query = query.where(Lead.created_at >= datetime.combine(f.since, time.min))
    if f.until:
        query = query.where(Lead.created_at < datetime.combine(f.until + timedelta(days=1), time.min))
    return query


def list_leads(session: Session, account: Account, f: Filters, page: int = 1) -> tuple[list[Lead], int]:
    query = filtered(account, f)
    total = session.scalar(select(func.count()).select_from(query.with_only_columns(Lead.id).subquery())) or 0
    # The page's 50 assessments in one more query, not one a row (nor a join of all of them first).
    page_query = query.options(selectinload(Lead.assessment)).order_by(Lead.created_at.desc(), Lead.id.desc())
    rows = session.scalars(page_query.limit(PAGE_SIZE).offset((max(1, page) - 1) * PAGE_SIZE))
    return list(rows), total


def sources(session: Session) -> list[str]:
    query = select(Assessment.utm_source).join(Lead).where(Assessment.utm_source.is_not(None)).distinct().limit(200)
    return sorted(s for s in session.scalars(query) if s)


def get(session: Session, account: Account, lead_id: int) -> Lead | None:
    query = visible_leads(account).where(Lead.id == lead_id)
    return session.scalar(query)


def set_status(session: Session, account: Account, lead: Lead, status: str) -> None:
    if status not in LEAD_STATUSES:
        raise InboxError("unknown_status")
    lead.status, lead.status_by_id, lead.status_at = status, account.id, utcnow()
    session.commit()


def assign(session: Session, account: Account, lead: Lead, assignee: Account | None) -> None:
    """Admins assign anyone; a consultant takes an unassigned lead or hands their own to a colleague."""
    if assignee is not None and not assignee.active:
        raise InboxError("unknown_account")
    if not account.is_admin and lead.assignee_id not in (None, account.id):
        raise InboxError("not_assignee")
    lead.assignee_id = assignee.id if assignee else None
    session.commit()


def convert(session: Session, account: Account, lead: Lead) -> Company:
    """The lead's company as this consultant's client (created from the lead if it has none)."""
    from assessment.services import companies

    company = lead.company
    if company is None:
        company = companies.find_or_create(
            session, name=lead.company_name, email=lead.email, size=lead.company_size or None
        )
        lead.company = company
    if lead.assessment.company_id is None:
        lead.assessment.company_id = company.id
    if company.owner_id is None:
        company.owner_id = account.id
    elif not accounts.can_see_company(session, account, company):
        raise InboxError("client_of_another")
    if lead.assignee_id is None:
        lead.assignee_id = account.id
    if lead.status == "new":
        lead.status, lead.status_by_id, lead.status_at = "qualified", account.id, utcnow()
    session.commit()
    return company


UTM = UTM_KEYS
