"""The dashboard and a company's rounds in headless Chromium at a phone's 390 px and a desktop's 1280 px.

A consultant signs in, lands on the dashboard, filters the overdue companies, opens one with a
paired second round and finds its trend and gap charts with their numbers; axe-core finds no
violation on either page, and neither page scrolls sideways as a whole.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe

from assessment.services import accounts, rounds
from assessment.store import Company
from assessment.store.models import utcnow
from assessment.web.auth import password_hash
from assessment.web.database import db
from tests.e2e.test_rounds import smallest_chart_text
from tests.factories import make_answers, make_round

pytestmark = pytest.mark.browser
PASSWORD = "dashboard passphrase 26"


def _seed(app, tag: str) -> str:
    """A consultant with 53 companies: one tracked over three rounds (the last paired), one open, the rest once."""
    now = utcnow()
    with app.app_context():
        s = db.session
        me = accounts.create_account(
            s, email=f"dash-{tag}@example.jp", password_hash=password_hash(PASSWORD), role_name="consultant"
        )
        tracked = Company(name=f"株式会社推移{tag}", name_key=f"推移{tag}", owner_id=me.id, industry="製造業")
        s.add(tracked)
        s.commit()
        make_round(s, tracked, ("management", make_answers(0)), period="2026-Q1", closed_at=now - timedelta(days=280))
        make_round(s, tracked, ("management", make_answers(1)), period="2026-Q2", closed_at=now - timedelta(days=190))
        alignment = {q: make_answers(0)[q] for q in ("al_goal_agreement", "al_shared_language")}
        last = make_round(
            s,
            tracked,
            ("management", make_answers(3)),
            ("marketing", make_answers(2, **alignment)),
            period="2026-Q3",
            closed_at=now - timedelta(days=100),
        )
        rounds.set_step_status(s, rounds.closed_rounds(s, tracked)[-2], last.verdict["actions"][0]["id"], "done")
        opened = Company(name=f"株式会社実施中{tag}", name_key=f"実施中{tag}", owner_id=me.id)
        s.add(opened)
        s.commit()
        make_round(s, opened, period="2026-Q3", closed_at=now - timedelta(days=80))
        r = make_round(s, opened, period="2026-Q4", close=False)
        rounds.invite(s, r, "marketing")
        for i in range(51):
            company = Company(name=f"株式会社一回{tag}{i:02d}", name_key=f"一回{tag}{i:02d}", owner_id=me.id)
            s.add(company)
            s.commit()
            if i % 3:
                make_round(s, company, ("management", make_answers(i % 4)), closed_at=now - timedelta(days=i * 3))
        return f"dash-{tag}@example.jp"


def _no_violations(page) -> None:
    violations = [(v["id"], len(v["nodes"])) for v in Axe().run(page).response["violations"]]
    assert violations == []


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("tag, width", [("phone", 390), ("desktop", 1280)])
def test_the_dashboard_leads_to_a_companys_trend_and_gap(server, browser, shots, tag, width):
    base, app = server
    email = _seed(app, tag)
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/account/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/workspace/dashboard$"))
    assert page.get_by_role("heading", name="ダッシュボード").is_visible()
    assert page.get_by_text("53 社").is_visible()
    assert page.get_by_role("link", name="次へ").is_visible()  # 53 companies: two pages
    row = page.locator("tr", has_text=f"株式会社推移{tag}")
    assert row.get_by_text("期限切れ").is_visible() and "上昇" in row.inner_text()
    page.locator("tr", has_text=f"株式会社実施中{tag}").get_by_text("回答済み 1 名・招待 1 名").wait_for()
    _fits(page)
    _no_violations(page)
    page.screenshot(path=str(shots / f"dashboard-{tag}-1-all.png"), full_page=True)

    page.get_by_role("link", name="期限切れ").click()
    page.wait_for_url(re.compile(r"show=overdue"))
    assert page.get_by_role("link", name=f"株式会社推移{tag}").is_visible()
    page.screenshot(path=str(shots / f"dashboard-{tag}-2-overdue.png"), full_page=True)

    page.get_by_role("link", name=f"株式会社推移{tag}").click()
    page.wait_for_url(re.compile(r"/workspace/clients/\d+$"))
    section = page.locator(".company-tracking")
    assert section.get_by_role("heading", name="ラウンドごとの推移").is_visible()
    charts = section.get_by_role("img")
    assert charts.count() == 2
    assert (
        section.get_by_role("cell", name="2026-Q1").count()
        + section.get_by_role("columnheader", name="2026-Q1").count()
    )
    assert section.get_by_role("heading", name="解消した落とし穴 (", exact=False).is_visible()
    assert section.get_by_text("完了", exact=True).is_visible()  # the step marked done last round
    # The trend's and the gap's labels: the compact drawings on a phone, the report's (scale marks ~10 px) on a desktop.
    assert smallest_chart_text(page) >= (11 if width == 390 else 9)
    _fits(page)
    _no_violations(page)
    section.screenshot(path=str(shots / f"dashboard-{tag}-3-company.png"))
    assert errors == []
    ctx.close()
