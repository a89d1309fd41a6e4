"""axe-core (the copy axe-playwright-python ships) finds no violation on the funnel's page states."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.test_funnel import PAGES, answer_page

pytestmark = pytest.mark.browser


def check(page, state: str, found: dict) -> None:
    result = Axe().run(page)
    found[state] = [(v["id"], len(v["nodes"])) for v in result.response["violations"]]


@pytest.mark.parametrize("tag, width", [("phone", 390), ("desktop", 1280)])
def test_no_accessibility_violation_on_any_page_state(server, browser, tag, width):
    base, _ = server
    found: dict = {}
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.goto(base + "/")
    check(page, "landing", found)
    page.goto(base + "/?embed=1")
    check(page, "landing embedded", found)
    page.goto(base + "/")
    page.get_by_role("button", name="診断を始める").click()
    page.wait_for_url(re.compile(r"/q/1$"))
    check(page, "question page", found)
    page.get_by_role("button", name="次へ").click()  # nothing answered: every question named
    page.locator("#error-summary").wait_for()
    check(page, "question page with errors", found)
    link = page.locator(".resume-link").input_value()
    for number in range(1, len(PAGES) + 1):
        page.wait_for_url(re.compile(rf"/q/{number}$"))
        answer_page(page)
        page.get_by_role("button", name="結果を見る" if number == len(PAGES) else "次へ").click()
    page.wait_for_url(re.compile(r"/results/"))
    check(page, "results and gate", found)
    page.get_by_role("button", name="詳細な結果とPDFを見る").click()
    page.locator("#error-summary").wait_for()
    check(page, "gate with errors", found)
    page.get_by_label("お名前").fill("山田 太郎")
    page.get_by_label("会社名").fill("A11y株式会社")
    page.get_by_label("勤務先のメールアドレス").fill("taro@example.co.jp")
    page.locator("#acknowledge").check()
    page.get_by_role("button", name="詳細な結果とPDFを見る").click()
    page.wait_for_url(re.compile(r"/report/"))
    check(page, "report", found)
    page.goto(base + "/nothing-here")
    check(page, "404 page", found)
    page.goto(link)
    check(page, "resume link of a finished assessment", found)
    other = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    fresh = other.new_page()
    fresh.goto(base + "/")
    fresh.get_by_role("button", name="診断を始める").click()
    fresh.wait_for_url(re.compile(r"/q/1$"))
    resume = fresh.locator(".resume-link").input_value()
    answer_page(fresh)
    fresh.get_by_role("button", name="次へ").click()
    fresh.wait_for_url(re.compile(r"/q/2$"))
    third = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    ask = third.new_page()
    ask.goto(resume)
    check(ask, "resume confirmation", found)
    page.goto(base + "/")
    page.get_by_role("button", name="新しく診断を始める").click()
    page.wait_for_url(re.compile(r"/q/1$"))
    answer_page(page)
    page.get_by_role("button", name="次へ").click()
    page.wait_for_url(re.compile(r"/q/2$"))
    page.goto(resume)
    check(page, "resume refused: a draft in progress", found)
    for c in (context, other, third):
        c.close()
    assert {state: v for state, v in found.items() if v} == {}
