"""What a respondent reads: the gate's two boxes, brand and privacy, the call to action, plain wording."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_answers
from tests.web.conftest import page_form_data
from tests.web.test_survey import LEAD, PAGES, answer_all, refused_lead, start


def test_api_with_no_answers_is_a_422_not_a_verdict_of_no_pitfalls(client):
    resp = client.post("/api/v1/assessments", json={"answers": {}})
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["pointer"] == "/answers"


def test_the_gate_error_names_the_box_in_japanese(client):
    start(client)
    results = answer_all(client)
    html = refused_lead(client, results, {k: v for k, v in LEAD.items() if k != "acknowledge"})
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "データの利用について" in summary and "Consent" not in summary and "Acknowledge" not in summary
    assert "。:" not in summary


def test_the_gate_s_error_summary_asks_to_check_fields_not_answers(client):
    start(client)
    results = answer_all(client)
    html = refused_lead(client, results, {})
    assert re.search(r"<h2>\d+件の入力内容を確認してください</h2>", html) and "件の回答を確認" not in html
    client.get("/lang/en")
    html = refused_lead(client, results, {})
    assert re.search(r"<h2>Please check \d+ fields</h2>", html) and "answers</h2>" not in html


@pytest.mark.parametrize("missing, heading", [(1, "Please check 1 answer<"), (2, "Please check 2 answers<")])
def test_the_error_summary_counts_in_plain_english(client, missing, heading):
    client.get("/lang/en")
    start(client)
    page = PAGES[0]
    answers = {q.id: v for q, v in ((q, make_answers(1)[q.id]) for q in page.questions[missing:])}
    html = client.post("/q/1", data=page_form_data(page, answers)).data.decode()
    assert heading in html and "answer(s)" not in html


def test_a_returning_visitor_s_strong_button_continues_the_draft(client):
    def buttons() -> tuple[str, str]:
        html = client.get("/").data.decode()
        start_button = re.search(r'<button class="([^"]*)" type="submit">', html)
        assert start_button
        resume = re.search(r'<a class="([^"]*)" href="/continue">', html)
        return start_button.group(1), resume.group(1) if resume else ""

    assert buttons() == ("button primary start", "")
    start(client)
    assert buttons() == ("button secondary start", "button primary")  # a new start is the quiet choice
    answer_all(client)
    assert buttons()[0] == "button primary start"  # finished: a new assessment is the thing to offer


def test_titles_name_the_site_once(client):
    assert "<title>CMO思考診断</title>" in client.get("/").data.decode()
    start(client)
    found = re.search(r"<title>(.*?)</title>", client.get("/q/1").data.decode())
    assert found
    title = found.group(1)
    assert title.endswith(" | CMO思考診断") and title.count("CMO思考診断") == 1


def test_the_progress_bar_is_full_on_the_last_page(client):
    start(client)
    for page in PAGES[:-1]:
        client.post(f"/q/{page.number}", data=page_form_data(page, make_answers(1)))
    html = client.get(f"/q/{len(PAGES)}").data.decode()
    assert f'<progress id="progress" max="{len(PAGES)}" value="{len(PAGES)}">' in html


@pytest.mark.app_config(
    BRAND_NAME="株式会社サンプルコンサルティング",
    CONTACT_EMAIL="hello@consult.example.jp",
    PRIVACY_URL="https://consult.example.jp/privacy",
    BOOKING_URL="https://consult.example.jp/booking",
    CONTACT_PHONE="03-1234-5678",
)
def test_brand_privacy_and_call_to_action_are_shown_where_configured(client):
    landing = client.get("/").data.decode()
    assert "株式会社サンプルコンサルティング" in landing and 'href="https://consult.example.jp/privacy"' in landing
    start(client)
    results = answer_all(client)
    html = client.get(results).data.decode()
    gate = html.split('class="lead-gate"', 1)[1]
    assert "株式会社サンプルコンサルティングが回答と連絡先を" in gate  # the acknowledgement names who
    assert 'href="https://consult.example.jp/booking"' in html and 'href="tel:0312345678"' in html
    report = client.get(client.post(results + "/lead", data=LEAD).location).data.decode()
    assert 'href="https://consult.example.jp/booking"' in report and "mailto:hello@consult.example.jp" in report


def test_without_a_brand_name_the_english_gate_s_sentences_start_with_a_capital(client):
    client.get("/lang/en")
    start(client)
    gate = client.get(answer_all(client)).data.decode().split('class="lead-gate"', 1)[1]
    assert "I have read how the consultancy uses" in gate  # mid-sentence: lower case
    assert "The consultancy may also send me e-mail" in gate and ">the consultancy may" not in gate


def test_without_settings_there_is_no_empty_call_to_action(client):
    start(client)
    assert 'class="cta"' not in client.get(answer_all(client)).data.decode()


def _report(client, level: int = 1) -> str:
    start(client)
    results = answer_all(client, make_answers(level))
    return client.get(client.post(results + "/lead", data=LEAD).location).data.decode()


def _report_with_pdf(client) -> str:
    """The report page once its PDF is kept: the page that offers the download and its expiry."""
    start(client)
    report = client.post(answer_all(client) + "/lead", data=LEAD).location
    pdf = re.search(r'href="(/pdf/[^"]+)"', client.get(report).data.decode())
    assert pdf and client.get(pdf.group(1)).status_code == 200
    return client.get(report).data.decode()


def test_the_download_link_s_expiry_date_is_written_as_each_language_writes_dates(client):
    assert re.search(r"ダウンロードリンクの有効期限：\d{4}年\d{1,2}月\d{1,2}日<", _report_with_pdf(client))
    client.get("/lang/en")
    assert re.search(r"The download link is valid until [A-Z][a-z]+ \d{1,2}, \d{4}\.<", _report_with_pdf(client))


def test_the_level_reads_as_a_level_out_of_five(client):
    assert re.search(r"レベル\d / 5 — ", _report(client))


def test_each_reason_is_said_once_under_its_pitfall(client):
    from markupsafe import escape

    from assessment import evaluate

    d = evaluate(make_answers(1), "ja")
    html = _report(client)
    titles = [str(escape(p.title)) for p in d.pitfalls]
    assert d.pitfalls and all(t in html for t in titles)
    for i, p in enumerate(d.pitfalls):
        start = html.index(titles[i])
        end = html.index(titles[i + 1], start) if i + 1 < len(titles) else len(html)
        section = html[start:end]
        for why in {e.why for e in p.evidence if e.why}:
            assert section.count(str(escape(why))) == 1, why
        # and every answer that shows it is there
        assert all(str(escape(e.answer)) in section for e in p.evidence)


def test_scores_by_area_show_the_respondents_own_answers(client):
    from assessment import evaluate

    html = _report(client)
    d = evaluate(make_answers(1), "ja")
    section = html.split("my-answers", 1)[1]
    mine = [a for a in d.answers if a.section == d.areas[0].id]
    assert mine and all(a.answer in html for a in mine) and mine[0].text in section


def test_the_phone_radar_draws_its_labels_large_and_the_report_radar_is_unchanged():
    from assessment.report.charts import radar

    axes: list[tuple[str, int | None]] = [
        ("経営とマーケティングの目線合わせ", 33),
        ("b", 27),
        ("c", 33),
        ("d", 33),
        ("e", None),
    ]
    compact = radar(axes, "#1f4e79", label="x", cjk=True, compact=True)
    box = re.search(r'viewBox="0 0 ([\d.]+)', compact)
    assert box
    width = float(box.group(1))
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', compact)]
    assert min(sizes) / width * 326 >= 11  # 326 px: the chart's width on a 390 px phone
    assert radar(axes, "#1f4e79", label="x", cjk=True).startswith(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 520 345"'
    )


def test_the_landing_page_says_how_many_questions_and_previews_the_report(client):
    html = client.get("/").data.decode()
    total = sum(len(p.questions) for p in PAGES)
    assert f"全{total}問" in html and 'class="preview"' in html and "<svg" in html
    assert html.count('type="submit"') == 1  # one clear start button
    assert len(html.encode()) < 12_000  # still light


@pytest.mark.app_config(BRAND_NAME="株式会社サンプルコンサルティング")
def test_the_landing_page_says_who_is_behind_it(client):
    html = client.get("/").data.decode()
    assert "提供者について" in html and "この診断は株式会社サンプルコンサルティングが提供しています" in html
