"""Leads of one company, found again by name or corporate domain, share one Company row."""

from __future__ import annotations

from sqlalchemy import func, select

from assessment.store import Company, Lead
from assessment.web.database import db
from tests.web.test_survey import LEAD, answer_all, start


def test_two_leads_of_one_company_share_one_company_row(app):
    for email, name in (("taro@example.co.jp", "株式会社テスト"), ("jiro@example.co.jp", "（株）テスト")):
        client = app.test_client()
        start(client)
        results = answer_all(client)
        resp = client.post(results + "/lead", data={**LEAD, "email": email, "company": name})
        assert resp.status_code == 303
    with app.app_context():
        leads = db.session.scalars(select(Lead)).all()
        assert len(leads) == 2 and leads[0].company_id == leads[1].company_id is not None
        assert db.session.scalar(select(func.count()).select_from(Company)) == 1
