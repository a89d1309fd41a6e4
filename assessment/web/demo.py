"""Demo content for `assessment serve --demo`: a finished sample assessment and some funnel events."""

from __future__ import annotations

from flask import Flask

from assessment.bank.roles import COMPANY_SIZE, RESPONDENT_ROLE
from assessment.samples import demo_answers
from assessment.services import assessments as flow
from assessment.services import funnel, leads, links
from assessment.web.database import db
from assessment.web.urls import external_url


def seed(app: Flask) -> dict[str, str]:
    """Create the sample and return its public URLs (printed by the CLI)."""
    with app.test_request_context(base_url=app.config.get("DEMO_BASE_URL", "http://127.0.0.1:5000")):
        s = db.session
        for source in ("newsletter", "newsletter", "linkedin", None):
            funnel.record(s, "landing", utm={"utm_source": source, "utm_medium": "demo"} if source else {})
        a = flow.start(
            s,
            locale="ja",
            utm={"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": "demo"},
            referrer=None,
        )
        answers = demo_answers()
        for page in flow.pages():
            flow.save_answers(s, a, {q.id: answers[q.id] for q in page.questions}, page)
        flow.submit(s, a, results_days=app.config["REPORT_LINK_DAYS"])
        leads.capture_lead(
            s,
            a,
            name="山田 太郎",
            company="デモ株式会社",
            email="taro@example.co.jp",
            # the lead agrees with the answers it comes with
            role=answers[RESPONDENT_ROLE.question],
            company_size=answers[COMPANY_SIZE.question],
            consent=True,
            consent_text="(demo data)",
            locale="ja",
        )
        link = links.report_link(s, a, app.config["REPORT_LINK_DAYS"])
        return {
            "results": external_url("survey.report", token=a.results_token),
            "pdf": external_url("survey.pdf", token=link.token),
        }
