"""Demo content for `assessment serve --demo`: a finished sample assessment and some funnel events."""
from __future__ import annotations

from flask import Flask, url_for

from ..store import db
from . import flow, funnel

def _sample_answers() -> dict:
    """A plausible mid-maturity company: the second-lowest option everywhere, a few ticks per checklist."""
    from ..questionnaire import default_questionnaire

    answers = {}
    for q in default_questionnaire().questions:
        if q.type == "checklist":
            answers[q.id] = [o.value for o in q.options if o.counts][:2]
        else:
            plain = [o for o in q.options if not o.dont_know]
            ranked = sorted(plain, key=lambda o: o.score if o.score is not None else 0)
            answers[q.id] = ranked[min(1, len(ranked) - 1)].value
    return answers


def seed(app: Flask) -> dict[str, str]:
    """Create the sample and return its public URLs (printed by the CLI)."""
    with app.test_request_context(base_url=app.config.get("DEMO_BASE_URL", "http://127.0.0.1:5000")):
        s = db.session
        for source in ("newsletter", "newsletter", "linkedin", None):
            funnel.record(s, "landing", utm={"utm_source": source, "utm_medium": "demo"} if source else {})
        a = flow.start(s, locale="ja", utm={"utm_source": "newsletter", "utm_medium": "email",
                                            "utm_campaign": "demo"}, referrer=None)
        answers = _sample_answers()
        for page in flow.pages():
            flow.save_page(s, a, {q.id: answers[q.id] for q in page.questions}, page)
        flow.submit(s, a)
        flow.capture_lead(s, a, name="山田 太郎", company="デモ株式会社", email="taro@example.co.jp",
                          role="marketing_lead", company_size="s30_99", consent=True,
                          consent_text="(demo data)", locale="ja")
        link = flow.report_link(s, a, app.config["REPORT_LINK_DAYS"])
        return {
            "results": url_for("survey.report", token=a.token, _external=True),
            "pdf": url_for("survey.pdf", token=link.token, _external=True),
        }
