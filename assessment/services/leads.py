"""Leads from the public funnel: the gate after the results page."""
from __future__ import annotations

from sqlalchemy.orm import Session

from assessment.services import funnel
from assessment.store.models import Assessment, Company, Lead, utcnow


def capture_lead(session: Session, a: Assessment, *, name: str, company: str, email: str, role: str,
                 company_size: str, consent: bool, consent_text: str, locale: str) -> Lead:
    if a.lead is not None:  # a second form post (double click, back button) keeps the first lead
        return a.lead
    company_row = Company(name=company, size=company_size)
    a.company = company_row
    lead = Lead(assessment=a, name=name, company_name=company, email=email, role=role,
                company_size=company_size, consent=consent, consent_text=consent_text if consent else None,
                consent_at=utcnow() if consent else None, locale=locale)
    session.add_all([company_row, lead])
    session.flush()  # the company's id, for the lead's own link to it
    lead.company_id = company_row.id
    funnel.record(session, "lead_captured", a)
    session.commit()
    return lead

