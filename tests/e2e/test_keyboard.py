"""Keyboard use of the question pages in Chromium: Tab meets Back and Next in the order they are seen,
and Enter in a question still goes forward."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_funnel import answer_page

pytestmark = pytest.mark.browser

FOCUSED = "() => { const e = document.activeElement; return e.tagName + ':' + (e.value || '') + ':' + e.innerText }"


def _tab_from_last_answer(page) -> list[str]:
    """Focus the page's last answer input, then Tab three times: what each Tab focused."""
    page.locator("form fieldset.question input").last.focus()
    seen = []
    for _ in range(3):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
    return seen


@pytest.mark.parametrize("width", [390, 1280])
def test_tab_reaches_back_then_next_as_they_are_shown(server, browser, width):
    base, _ = server
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.goto(base + "/")
    page.get_by_role("button", name="診断を始める").click()
    page.wait_for_url(re.compile(r"/q/1$"))
    answer_page(page)
    # Page 1 has no Back: the next stop after the answers is Next, then "continue later".
    assert _tab_from_last_answer(page)[:2] == ["BUTTON:next:次へ", "SUMMARY::あとで続ける"]
    # Enter on a chosen option submits with Next (the hidden default button), never with Back.
    page.locator("form fieldset.question input[type=radio]:checked").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/q/2$"))
    answer_page(page)
    assert _tab_from_last_answer(page) == ["BUTTON:back:戻る", "BUTTON:next:次へ", "SUMMARY::あとで続ける"]
    back = page.get_by_role("button", name="戻る").bounding_box()
    forward = page.get_by_role("button", name="次へ").bounding_box()
    assert back and forward and back["x"] + back["width"] <= forward["x"]  # Back on the left, Next on the right
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED) == "BUTTON:back:戻る"
    page.keyboard.press("Enter")  # Enter on the focused Back button goes back
    page.wait_for_url(re.compile(r"/q/1$"))
    page.locator("form fieldset.question input[type=radio]:checked").last.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/q/2$"))
    # Page 2's answers were kept by Back: Enter on one of them goes on to page 3.
    page.locator("form fieldset.question input:checked").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/q/3$"))
    context.close()
