"""Companies, found again: by 法人番号, by corporate e-mail domain, by normalised name.

A lead, a consultant's client and every later round of the same company should land on one
Company row. The keys (assessment.store.identity), strongest first:
- the 13-digit 法人番号 (corporate number), checked by its check digit;
- the e-mail domain, unless it is a free-mail or carrier domain (anyone can have one);
- the name with legal-form words (株式会社, (株), ㈱, Inc., Co., Ltd. ...), width variants,
  case, spaces and punctuation taken away.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assessment.store.identity import corporate_domain, name_key, valid_corporate_number
from assessment.store.models import Company

__all__ = ["corporate_domain", "find", "find_or_create", "name_key", "valid_corporate_number"]


def find(
    session: Session, *, name: str = "", email: str | None = None, corporate_number: str | None = None
) -> Company | None:
    """The company these details name, strongest key first; the oldest row where several match."""
    if valid_corporate_number(corporate_number):
        found = session.scalar(select(Company).where(Company.corporate_number == corporate_number))
        if found is not None:
            return found
    domain = corporate_domain(email)
    if domain is not None:
        found = session.scalar(select(Company).where(Company.email_domain == domain).order_by(Company.id).limit(1))
        if found is not None:
            return found
    key = name_key(name)
    if not key:
        return None
    # The same name under another corporate domain is another company (two 山田商事 exist).
    same_name = select(Company).where(Company.name_key == key)
    if domain is not None:
        same_name = same_name.where(or_(Company.email_domain.is_(None), Company.email_domain == domain))
    return session.scalar(same_name.order_by(Company.id).limit(1))


def find_or_create(
    session: Session,
    *,
    name: str,
    email: str | None = None,
    corporate_number: str | None = None,
    size: str | None = None,
    industry: str | None = None,
) -> Company:
    """The company found again, its missing keys and facts filled in; or a new one. Flushes, does not commit.

    What is already known is kept: a public lead's answer does not overwrite a consultant's record.
    """
    company = find(session, name=name, email=email, corporate_number=corporate_number)
    if company is None:
        company = Company(name=name.strip()[:200], name_key=name_key(name))
        session.add(company)
    company.email_domain = company.email_domain or corporate_domain(email)
    if valid_corporate_number(corporate_number) and not company.corporate_number:
        company.corporate_number = corporate_number
    company.size = company.size or size
    company.industry = company.industry or industry
    session.flush()
    return company
