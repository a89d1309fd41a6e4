"""Quarterly rounds in headless Chromium: a consultant opens a round and invites management and
marketing; both answer through their own links (two browser contexts, on phones); the consultant
closes the round and finds the gap in the PDF; a round a quarter later shows the trend and a
resolved pitfall. Screenshots of the round page and the respondents' pages at 390 and 1280 px.
"""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from assessment.services import accounts, clients
from assessment.services.assessments import pages
from assessment.store.models import Round
from assessment.web.auth import password_hash
from assessment.web.database import db
from tests.e2e.test_funnel import answer_page

pytestmark = pytest.mark.browser
PAGES = pages()
PASSWORD = "consultant passphrase 26"
EMAIL = "rounds-e2e@example.jp"
COMPANY = "株式会社四半期"


def _seed(app) -> int:
    with app.app_context():
        account = accounts.create_account(
            db.session, email=EMAIL, password_hash=password_hash(PASSWORD), role_name="consultant", name="佐藤 コンサル"
        )
        company, _ = clients.create(db.session, account, name=COMPANY)
        return company.id


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "round.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


AXE: dict[str, list] = {}


def smallest_chart_text(page) -> float:
    """The smallest text in the page's shown SVG charts, in CSS px as drawn (font size times the SVG's scale)."""
    return page.evaluate(
        """() => Math.min(Infinity, ...[...document.querySelectorAll('main svg text')]
            .filter(t => t.getClientRects().length && t.closest('svg').getBoundingClientRect().width > 0)
            .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))"""
    )


def _both_widths(page, shots, name: str) -> None:
    """The page as a desktop shows it and as a 390 px phone does, checked by axe-core at both."""
    width = page.viewport_size["width"] if page.viewport_size else 1280
    for w in (1280, 390):
        page.set_viewport_size({"width": w, "height": 900})
        page.screenshot(path=str(shots / f"rounds-{name}-{w}.png"), full_page=True)
        # Nothing wider than the screen: the SVG charts and tables fit or scroll in their own box.
        wide = page.evaluate(
            "w => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > w + 1)"
            ".map(e => e.tagName + ' in ' + e.parentElement.className).slice(0, 5)",
            w,
        )
        assert wide == [], (name, w)
        # On a phone the compact drawings: 11 px and up; on a desktop the report's, its scale marks about 10 px.
        assert smallest_chart_text(page) >= (11 if w == 390 else 9), (name, w)
        AXE[f"{name} {w}"] = [(v["id"], len(v["nodes"])) for v in Axe().run(page).response["violations"]]
    page.set_viewport_size({"width": width, "height": 900})


def test_two_sides_answer_a_round_and_the_next_quarter_shows_the_trend(server, browser, shots, tmp_path):
    base, app = server
    company_id = _seed(app)
    errors: list[str] = []

    def context(width: int):
        ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP", accept_downloads=True)
        page = ctx.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        return ctx, page

    ctx, consultant = context(1280)
    consultant.goto(f"{base}/account/login")
    consultant.get_by_label("メールアドレス").fill(EMAIL)
    consultant.get_by_label("パスワード").fill(PASSWORD)
    consultant.get_by_role("button", name="ログイン").click()
    consultant.wait_for_url(re.compile(r"/workspace/dashboard$"))

    def open_round() -> None:
        consultant.goto(f"{base}/workspace/clients/{company_id}")
        assert re.fullmatch(r"\d{4}-Q[1-4]", consultant.get_by_label("期間").input_value())
        consultant.get_by_role("button", name="ラウンドを開始").click()
        consultant.wait_for_url(re.compile(r"/workspace/rounds/[^/]+$"))

    def invite(role: str, name: str) -> str:
        consultant.get_by_label("役割").select_option(label=role)
        consultant.get_by_label("氏名（任意）").fill(name)
        consultant.get_by_role("button", name="招待を作成").click()
        consultant.wait_for_url(re.compile(r"#invitation-\d+$"))
        row = consultant.locator(consultant.url[consultant.url.index("#") :])
        return row.locator("input.copy-link").input_value()

    def respond(link: str, pick: int, tag: str) -> None:
        rctx, page = context(390)
        page.goto(link)
        assert "匿名ではありません" in page.locator("main").inner_text()
        assert COMPANY in page.locator("main").inner_text()
        if tag:
            _both_widths(page, shots, f"{tag}-1-invitation")
        page.get_by_role("button", name="了解して回答を始める").click()
        for number in range(1, len(PAGES) + 1):
            page.wait_for_url(re.compile(rf"/q/{number}$"))
            if tag and number == 1:
                _both_widths(page, shots, f"{tag}-2-question")
            answer_page(page, pick)
            page.get_by_role("button", name="結果を見る" if number == len(PAGES) else "次へ").click()
        page.wait_for_url(re.compile(r"/i/[^/]+$"))
        assert "ご回答ありがとうございました" in page.locator("h1").inner_text()
        assert page.locator("section.rounds.gap").count() == 0  # nothing of the other side's
        if tag:
            _both_widths(page, shots, f"{tag}-3-thanks")
        assert "回答はこれで完了です" in page.locator("#done").inner_text()  # an end: what happens next
        page.get_by_role("link", name="終了する").click()
        page.wait_for_url(re.compile(r"/i/[^/]+/done$"))
        assert "回答を送信しました" in page.locator("h1").inner_text()
        if tag:
            _both_widths(page, shots, f"{tag}-4-done")
        assert page.context.cookies() == [] or all(c["name"] != "cmo_draft" for c in page.context.cookies())
        rctx.close()

    def close_round():
        consultant.get_by_label("基準とする回答者").select_option(index=0)
        consultant.get_by_role("button", name="ラウンドを締め切る").click()
        consultant.wait_for_url(re.compile(r"/report$"))

    # The first round: management sees little wrong, marketing sees the opposite.
    open_round()
    boss = invite("経営", "山田 社長")
    marketer = invite("マーケティング", "鈴木 マーケ")
    assert boss != marketer and "/i/" in boss
    respond(boss, 0, "management")
    respond(marketer, 9, "")
    consultant.reload()
    assert consultant.locator("table.respondents").inner_text().count("回答済み") == 2
    _both_widths(consultant, shots, "round-1")
    close_round()
    assert consultant.locator("section.rounds.gap").is_visible()
    chart = consultant.locator("section.rounds.gap svg").first
    assert chart.get_attribute("role") == "img" and chart.locator("title").count() == 1
    _both_widths(consultant, shots, "report-1")
    with consultant.expect_download() as download:
        consultant.get_by_role("link", name="PDFをダウンロード").click()
    text = _pdf_text(download.value.path().read_bytes(), tmp_path)
    assert "経営とマーケティングの比較" in text and COMPANY in text
    # Mark the first step done, then move the round a quarter back (dates through the database).
    consultant.locator("#steps select").first.select_option(label="完了")
    consultant.get_by_role("button", name="進捗を保存").click()
    with app.app_context():
        first = db.session.scalars(select(Round).where(Round.company_id == company_id)).one()
        assert first.closed_at is not None and first.step_status and "done" in first.step_status.values()
        first.opened_at -= timedelta(days=91)
        first.closed_at -= timedelta(days=91)
        first.period = "2026-Q3"
        db.session.commit()

    # A quarter later: management answers again, now seeing much more in place.
    open_round()
    again = invite("経営", "山田 社長")
    respond(again, 9, "")
    consultant.reload()
    close_round()
    main = consultant.locator("main").inner_text()
    assert "前回からの変化" in main and "解消した落とし穴" in main and "2026-Q3" in main
    assert "片方の立場のみ" in main  # only management this time: no gap, and the page says so
    _both_widths(consultant, shots, "report-2")
    with consultant.expect_download() as download:
        consultant.get_by_role("link", name="PDFをダウンロード").click()
    assert "前回からの変化" in _pdf_text(download.value.path().read_bytes(), tmp_path)
    consultant.goto(f"{base}/workspace/clients/{company_id}")
    _both_widths(consultant, shots, "client")
    ctx.close()
    assert errors == []
    assert {state: found for state, found in AXE.items() if found} == {}
