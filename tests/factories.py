"""Test data: one answer factory for every test, and factories for database rows.

make_answers(1, al_goal_agreement="self_set")   # every scored question at item score 1, then overrides
make_assessment(session, make_answers(0))       # a submitted assessment (through the services)
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from assessment.samples import uniform_answers
from assessment.services import assessments
from assessment.store.models import Assessment, Company

# A mid-sized company aiming at revenue: no small-company advice, the standard KPI tree.
PROFILE = {"pf_company_size": "s101_300", "pf_primary_goal": "revenue"}


def make_answers(level: int = 2, **overrides) -> dict:
    """A full answer set: every scored question at item score `level` (0..3), the PROFILE answers,
    then `overrides` (None removes an answer)."""
    return uniform_answers(level, **{**PROFILE, **overrides})


def make_company(session: Session, name: str = "株式会社テスト", **fields) -> Company:
    from assessment.services.companies import find_or_create

    company = find_or_create(session, name=name, **fields)
    session.commit()
    return company


def make_assessment(
    session: Session,
    answers: dict | None = None,
    *,
    submitted: bool = True,
    locale: str = "ja",
    kind: str = "self",
    company: Company | None = None,
    utm: dict | None = None,
) -> Assessment:
    """An assessment made the way the site makes one: started, answered, and (by default) submitted."""
    a = assessments.start(session, locale=locale, utm=utm or {}, referrer=None, kind=kind, commit=False)
    a.company = company
    assessments.save_answers(session, a, make_answers(1) if answers is None else answers, commit=False)
    if submitted:
        assessments.submit(session, a, commit=False)
    session.commit()
    return a


def make_round(
    session: Session,
    company: Company,
    *sides: tuple[str, dict],
    period: str = "2026-Q4",
    closed_at=None,
    due_at=None,
    close: bool = True,
):
    """A round of `company` with one submitted respondent per (role, answers); closed unless close=False.

    closed_at / due_at replace the moments close_round sets, for tests on fixed dates.
    """
    from assessment.services import rounds

    r = rounds.open_round(session, company, period=period)
    for role, answers in sides or (("management", make_answers(2)),):
        rounds.add_respondent(session, r, make_assessment(session, answers, kind="consultant"), role)
    if close:
        rounds.close_round(session, r)
        if closed_at is not None:
            r.closed_at, r.due_at = closed_at, due_at or closed_at + rounds.QUARTER
        elif due_at is not None:
            r.due_at = due_at
        session.commit()
    return r
