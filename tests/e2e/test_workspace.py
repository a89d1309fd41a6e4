"""The consultant workspace in headless Chromium, at a tablet's 768 px and a desktop's 1280 px.

An admin invites a consultant; the consultant signs in, converts a lead into a client, runs an
interview with a note and a 要確認 mark, reloads mid-page and loses nothing, submits, writes a
comment, finds it in the PDF, reopens and revises, and exports CSV in both encodings.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from assessment.services import accounts
from assessment.services.assessments import pages
from assessment.services.leads import capture_lead
from assessment.store import Answer, Assessment
from assessment.web.auth import password_hash
from assessment.web.database import db
from tests.e2e.test_funnel import answer_page
from tests.factories import make_answers, make_assessment

pytestmark = pytest.mark.browser
PAGES = pages()
ADMIN_PASSWORD = "admin passphrase 2026"
PASSWORD = "consultant passphrase 26"


def _seed(app, tag: str) -> None:
    with app.app_context():
        accounts.create_account(
            db.session, email=f"admin-{tag}@example.jp", password_hash=password_hash(ADMIN_PASSWORD), role_name="admin"
        )
        own = make_assessment(db.session, make_answers(1), utm={"utm_source": "e2e", "utm_campaign": tag})
        capture_lead(
            db.session, own, name="見込 花子", company=f"株式会社見込{tag}", email=f"hanako@{tag}.mikomi.co.jp",
            role="cmo", company_size="s1_9", consent=True, consent_text="同意します", locale="ja",
        )  # fmt: skip


def _sign_in(page, base, email, password):
    page.goto(f"{base}/account/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/workspace/dashboard$"))  # the workspace home


def _pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("tag, width", [("tablet", 768), ("desktop", 1280)])
def test_consultant_walks_from_lead_to_commented_report(server, browser, shots, tag, width):
    base, app = server
    _seed(app, tag)
    errors: list[str] = []

    def context():
        ctx = browser.new_context(viewport={"width": width, "height": 1000}, locale="ja-JP", accept_downloads=True)
        page = ctx.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "console", lambda m: errors.append(m.text) if m.type == "error" and "status of 4" not in m.text else None
        )
        return ctx, page

    # The admin invites a consultant.
    admin_ctx, admin = context()
    _sign_in(admin, base, f"admin-{tag}@example.jp", ADMIN_PASSWORD)
    admin.get_by_role("link", name="ユーザー").click()
    admin.get_by_label("メールアドレス").fill(f"consultant-{tag}@example.jp")
    admin.get_by_role("button", name="招待を作成").click()
    link = admin.locator(".invite-link").input_value()
    admin.screenshot(path=str(shots / f"ws-{tag}-1-invite.png"), full_page=True)

    # The consultant accepts and signs in.
    ctx, page = context()
    page.goto(link)
    page.get_by_label("名前").fill("相談 太郎")
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_label("パスワード（確認）").fill(PASSWORD)
    page.get_by_role("button", name="アカウントを作成する").click()
    page.wait_for_url(re.compile(r"/account/login"))
    _sign_in(page, base, f"consultant-{tag}@example.jp", PASSWORD)

    # The lead becomes a client.
    page.get_by_role("link", name="リード", exact=True).click()
    page.get_by_role("link", name="見込 花子").first.click()
    page.get_by_role("button", name="顧客にする").click()
    page.wait_for_url(re.compile(r"/workspace/clients/\d+$"))
    assert page.get_by_role("heading", name=f"株式会社見込{tag}").is_visible()
    page.screenshot(path=str(shots / f"ws-{tag}-2-client.png"), full_page=True)

    # The interview: answer page 1, a note and a 要確認 mark, autosaved; reload and find them.
    page.get_by_role("button", name="ヒアリングを始める").click()
    page.wait_for_url(re.compile(r"/workspace/interviews/\d+/1$"))
    assessment_id = int(page.url.split("/")[-2])
    answer_page(page)
    first_q = PAGES[0].questions[0].id
    assert page.locator(f"[data-question={first_q}] .self-answer").count() == 1  # the prospect's own answer
    page.locator(f"#note__{first_q}").fill("社長は売上目標のみ共有、現場は未把握")
    page.locator(f"#verify__{first_q}").check()
    page.locator(".autosave-status").filter(has_text="保存しました").wait_for()
    page.wait_for_function("() => !document.querySelector('.autosave-status').textContent.includes('保存中')")
    page.screenshot(path=str(shots / f"ws-{tag}-3-interview.png"), full_page=True)
    page.reload()
    assert page.locator(f"#note__{first_q}").input_value() == "社長は売上目標のみ共有、現場は未把握"
    assert page.locator(f"#verify__{first_q}").is_checked()
    assert page.locator(f"[data-question={first_q}] input[type=radio]:checked").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sticks out sideways

    for number in range(1, len(PAGES) + 1):
        page.wait_for_url(re.compile(rf"/interviews/{assessment_id}/{number}$"))
        answer_page(page, pick=0)
        last = number == len(PAGES)
        page.get_by_role("button", name="提出して診断結果を見る" if last else "次へ").click()
    page.wait_for_url(re.compile(rf"/interviews/{assessment_id}$"))
    assert page.get_by_role("heading", name="要確認").is_visible()

    # A comment for the report, then the PDF with it.
    page.get_by_label("全体へのコメント").fill("まず経営会議でマーケティングの目的を共有しましょう")
    page.get_by_role("button", name="コメントを保存").click()
    page.locator(".notice").filter(has_text="第2版").wait_for()
    page.screenshot(path=str(shots / f"ws-{tag}-4-results.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("link", name="PDFレポートをダウンロード").click()
    text = _pdf_text(info.value.path().read_bytes())
    assert "まず経営会議でマーケティングの目的を共有しましょう" in text and "相談 太郎" in text

    # Reopen, revise one answer, submit: revision 3 shows what changed.
    page.get_by_role("button", name="再開して修正する").click()
    page.wait_for_url(re.compile(rf"/interviews/{assessment_id}/1$"))
    page.locator(f"[data-question={first_q}] input[type=radio]").last.check()
    page.locator(".autosave-status").filter(has_text="保存しました").wait_for()
    page.locator(".page-tabs a").last.click()
    page.get_by_role("button", name="提出して診断結果を見る").click()
    page.wait_for_url(re.compile(rf"/interviews/{assessment_id}$"))
    assert page.get_by_role("heading", name="第2版からの変更").is_visible()
    page.screenshot(path=str(shots / f"ws-{tag}-5-revised.png"), full_page=True)

    # CSV in both encodings, read back with the csv module.
    utf8 = page.request.get(f"{base}/workspace/export/assessments.csv").body()
    sjis = page.request.get(f"{base}/workspace/export/assessments.csv?encoding=cp932").body()
    for data, encoding in ((utf8, "utf-8-sig"), (sjis, "cp932")):
        rows = list(csv.DictReader(io.StringIO(data.decode(encoding), newline="")))
        interview = next(r for r in rows if r["assessment_id"] == str(assessment_id))
        assert interview[f"{first_q}_note"] == "社長は売上目標のみ共有、現場は未把握"
        assert interview[f"{first_q}_to_verify"] == "1" and interview["company"] == f"株式会社見込{tag}"
        assert len(rows) == 2  # the converted lead's self-assessment and the interview
    admin.get_by_role("link", name="監査ログ").click()
    assert admin.get_by_text("assessments.csv").count() >= 2
    ctx.close()
    admin_ctx.close()
    assert errors == [], errors
    with app.app_context():
        a = db.session.get_one(Assessment, assessment_id)
        assert (a.status, a.revision) == ("submitted", 3)
        row = db.session.scalar(select(Answer).where(Answer.assessment_id == a.id, Answer.question == first_q))
        assert row is not None and row.to_verify
