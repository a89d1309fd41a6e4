"""Leads from the public funnel: the gate after the results page."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessment.services import companies, funnel, webhooks
from assessment.store.models import Assessment, Lead, utcnow


def capture_lead(
    session: Session,
    a: Assessment,
    *,
    name: str,
    company: str,
    email: str,
    role: str,
    company_size: str,
    consent: bool,
    consent_text: str,
    locale: str,
    acknowledgement_text: str | None = None,
) -> Lead:
    """Record who took the assessment and link it to their company, found again if known.

    `acknowledgement_text` is the required statement of how the data is used, as shown; `consent`
    the optional consent to marketing e-mail, kept with its wording and time only when given.
    A second post (a double click, the back button) keeps the first lead.
    """
    if a.lead is not None:
        return a.lead
    company_row = companies.find_or_create(session, name=company, email=email, size=company_size)
    a.company = company_row
    lead = Lead(
        assessment=a,
        company=company_row,
        name=name,
        company_name=company,
        email=email,
        role=role,
        company_size=company_size,
        consent=consent,
        consent_text=consent_text if consent else None,
        consent_at=utcnow() if consent else None,
        acknowledgement_text=acknowledgement_text,
        acknowledged_at=utcnow() if acknowledgement_text else None,
        locale=locale,
    )
    session.add(lead)
    funnel.record(session, "lead_captured", a)
    try:
        session.flush()  # the lead's id goes into the webhook
        webhooks.emit(session, "lead.created", lambda: webhooks.lead_data(lead))
        session.commit()
    except IntegrityError:  # a simultaneous post stored its lead first (lead.assessment_id is unique)
        session.rollback()
        kept = session.scalar(select(Lead).where(Lead.assessment_id == a.id))
        if kept is None:
            raise
        return kept
    return lead


def claim_report_email(session: Session, lead: Lead) -> bool:
    """True for exactly one caller per lead: the one that is to e-mail the report link.

    A conditional UPDATE, so simultaneous posts of the gate (a double click) send one e-mail.
    """
    claimed = session.execute(
        update(Lead).where(Lead.id == lead.id, Lead.report_emailed_at.is_(None)).values(report_emailed_at=utcnow())
    )
    session.commit()
    return claimed.rowcount == 1  # type: ignore[attr-defined]
