"""The public funnel through the Flask test client: pages, drafts, results, lead gate, report."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessment.services import assessments as flow
from assessment.services import verdicts
from assessment.store import Assessment, FunnelEvent, Lead
from assessment.web.database import db
from tests.factories import make_answers
from tests.web.conftest import page_form_data

PAGES = flow.pages()


def start(client, query="") -> str:
    client.get("/" + query)
    resp = client.post("/start")
    assert resp.status_code == 303 and resp.location.endswith("/q/1")
    return client.get_cookie("cmo_draft").value


def answer_all(client, answers=None) -> str:
    answers = answers or make_answers(1)
    for page in PAGES:
        resp = client.post(f"/q/{page.number}", data=page_form_data(page, answers))
        assert resp.status_code == 303, resp.data.decode()[:500]
    assert "/results/" in resp.location
    return resp.location


def assessment(app, token) -> Assessment:
    """The assessment with its answers and revisions, readable after its session has closed."""
    with app.app_context():
        return db.session.scalars(
            select(Assessment)
            .where(Assessment.token == token)
            .options(selectinload(Assessment.answers), selectinload(Assessment.revisions))
        ).one()


def test_profile_is_the_last_page_after_one_page_per_area():
    assert [p.section for p in PAGES] == [
        "alignment",
        "goal_linkage",
        "short_termism",
        "kpi_design",
        "review_cadence",
        "profile",
    ]


def test_landing_keeps_utm_and_referrer_with_the_assessment(app, client):
    client.get(
        "/?utm_source=newsletter&utm_medium=email&utm_campaign=q3",
        headers={"Referer": "https://partner.example.jp/article"},
    )
    client.post("/start")
    a = assessment(app, client.get_cookie("cmo_draft").value)
    assert (a.utm_source, a.utm_medium, a.utm_campaign) == ("newsletter", "email", "q3")
    assert a.referrer == "https://partner.example.jp/article"


def test_the_landing_page_promises_the_bank_s_own_time_estimate(client, questionnaire):
    from assessment.bank.listing import reading_time

    minutes = reading_time(questionnaire).minutes
    assert minutes <= 7
    assert f"所要時間 約{minutes}分" in client.get("/").get_data(as_text=True)


def test_draft_token_is_long_and_random(app, client):
    token = start(client)
    assert len(token) >= 22  # 128 bits in url-safe base64
    assert token != start(client)


def test_question_page_shows_fieldsets_progress_and_japanese_by_default(client):
    start(client)
    html = client.get("/q/1").data.decode()
    assert '<html lang="ja">' in html
    assert html.count("<fieldset") == len(PAGES[0].questions)
    assert "<legend>" in html and 'type="radio"' in html
    assert '<progress id="progress" max="6" value="1">' in html
    assert "ステップ 1 / 6" in html


def test_whole_funnel_stores_diagnosis_lead_and_events(app, client):
    token = start(client, "?utm_source=linkedin")
    results_url = answer_all(client, make_answers(1))
    html = client.get(results_url).data.decode()
    assert "総合スコア" in html and "<svg" in html and "最も大きな落とし穴" in html
    a = assessment(app, token)
    assert (a.status, a.revision, len(a.revisions)) == ("submitted", 1, 1)
    assert a.revisions[0].verdict["overall"] == a.overall
    assert a.questionnaire_version and a.ruleset_version
    resp = client.post(
        results_url + "/lead",
        data={
            "name": "山田 太郎",
            "company": "株式会社テスト",
            "email": "taro@example.co.jp",
            "role": "executive",
            "company_size": "s1_29",
            "acknowledge": "y",
            "consent": "y",
        },
    )
    assert resp.status_code == 303 and "/report/" in resp.location
    report = client.get(resp.location).data.decode()
    assert "PDFレポートをダウンロード" in report
    assert re.search(r'href="/pdf/[A-Za-z0-9_-]{22,}"', report)
    with app.app_context():
        lead = db.session.scalars(select(Lead)).one()
        assert lead.consent and lead.consent_at is not None and lead.consent_text is not None
        assert "サービスに関するメールを受け取ります" in lead.consent_text
        assert lead.acknowledged_at is not None and "回答と連絡先" in (lead.acknowledgement_text or "")
        events = [(e.type, e.utm_source) for e in db.session.scalars(select(FunnelEvent).order_by(FunnelEvent.id))]
    types = [t for t, _ in events]
    assert types[:2] == ["landing", "started"]
    assert types.count("page_completed") == len(PAGES)
    assert types[-2:] == ["submitted", "lead_captured"]
    assert all(src == "linkedin" for _, src in events)


def test_missing_answer_names_the_question_and_keeps_the_others(app, client):
    token = start(client)
    page = PAGES[0]
    answers = make_answers(2)
    missing = page.questions[1]
    data = page_form_data(page, {k: v for k, v in answers.items() if k != missing.id})
    resp = client.post("/q/1", data=data)
    assert resp.status_code == 422
    html = resp.data.decode()
    assert 'id="error-summary"' in html and missing.text["ja"] in html
    assert "この質問に回答してください。" in html
    kept = page.questions[0]
    assert re.search(rf'checked[^>]*value="{answers[kept.id]}"|value="{answers[kept.id]}"[^>]*checked', html)
    assert assessment(app, token).values[kept.id] == answers[kept.id]  # saved although the page failed


def test_tampered_option_value_is_rejected_without_losing_answers(app, client):
    token = start(client)
    page = PAGES[0]
    good = page_form_data(page, make_answers(1))
    client.post("/q/1", data=good)
    tampered = dict(good, **{page.questions[0].id: "<script>alert(1)</script>"})
    resp = client.post("/q/1", data=tampered)
    assert resp.status_code == 422
    assert "この回答は選択肢にありません" in resp.data.decode()
    assert "<script>alert(1)</script>" not in resp.data.decode()
    assert assessment(app, token).values[page.questions[0].id] == make_answers(1)[page.questions[0].id]


def test_unticked_checklist_on_a_submitted_page_counts_as_answered(app, client):
    token = start(client)
    page = next(p for p in PAGES if any(q.type == "checklist" for q in p.questions))
    checklist = next(q for q in page.questions if q.type == "checklist")
    data = page_form_data(page, make_answers(1))
    data.pop(checklist.id)
    assert client.post(f"/q/{page.number}", data=data).status_code == 303
    assert assessment(app, token).values[checklist.id] == []


def test_post_for_another_page_is_refused(client):
    start(client)
    resp = client.post("/q/2", data=page_form_data(PAGES[0], make_answers(1)))
    assert resp.status_code == 400


def test_back_saves_partial_answers_and_goes_back(app, client):
    token = start(client)
    q = PAGES[1].questions[0]
    resp = client.post("/q/2", data={"page_marker": PAGES[1].section, "nav": "back", q.id: make_answers(3)[q.id]})
    assert resp.status_code == 303 and resp.location.endswith("/q/1")
    assert assessment(app, token).values[q.id] == make_answers(3)[q.id]
    assert f'value="{make_answers(3)[q.id]}"' in client.get("/q/2").data.decode()


def resume_path(html: str) -> str:
    found = re.search(r'value="http://localhost(/resume/[A-Za-z0-9_-]+)\?lang=(ja|en)"', html)
    assert found, "no resume link on the page"
    return found.group(1)


def test_resume_link_on_a_new_browser_asks_then_moves_the_draft_there(app, client):
    token = start(client)
    client.post("/q/1", data=page_form_data(PAGES[0], make_answers(1)))
    link = resume_path(client.get("/q/2").data.decode())
    assert token not in link  # the draft cookie never appears in a URL
    fresh = app.test_client()
    ask = fresh.get(link)
    assert ask.status_code == 200 and fresh.get_cookie("cmo_draft") is None  # opening it changes nothing
    total = sum(len(p.questions) for p in PAGES)
    assert f"全{total}問中{len(PAGES[0].questions)}問に回答済み" in ask.data.decode()
    resp = fresh.post(link)
    assert resp.status_code == 303 and resp.location.endswith("/q/2")
    moved = fresh.get_cookie("cmo_draft").value
    assert moved != token and assessment(app, moved).values == {q.id: make_answers(1)[q.id] for q in PAGES[0].questions}
    assert fresh.post(link).status_code == 404  # the link worked once
    assert client.get("/q/2").status_code == 303  # and the first browser no longer holds the draft


def test_unknown_draft_token_clears_the_cookie_with_a_message(client):
    client.set_cookie("cmo_draft", "A" * 32)
    resp = client.get("/q/1")
    assert resp.status_code == 303 and resp.location.endswith("/")
    assert client.get_cookie("cmo_draft") is None
    assert "保存された回答が見つかりませんでした" in client.get("/").data.decode()


@pytest.mark.parametrize(
    "path",
    ["/resume/doesnotexist0000000000000", "/results/x", "/report/" + "B" * 32, "/pdf/" + "C" * 32, "/q/99", "/lang/fr"],
)
def test_unknown_tokens_and_pages_are_404(client, path):
    start(client)
    assert client.get(path).status_code == 404


def test_repeated_submission_keeps_the_first_diagnosis(app, client):
    token = start(client)
    answer_all(client)
    first = assessment(app, token).submitted_at
    resp = client.post(f"/q/{len(PAGES)}", data=page_form_data(PAGES[-1], make_answers(3)))
    assert resp.status_code == 303 and "/results/" in resp.location
    assert assessment(app, token).submitted_at == first


def test_the_draft_token_never_opens_results(client):
    token = start(client)
    assert client.get(f"/results/{token}").status_code == 404
    results = answer_all(client)
    assert client.get(f"/results/{token}").status_code == 404 and token not in results


LEAD = {
    "name": "Taro",
    "company": "ACME",
    "email": "taro@example.com",
    "role": "executive",
    "company_size": "s1_29",
    "acknowledge": "y",
    "consent": "y",
}


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("email", "not-an-email", "正しいメールアドレス"),
        ("name", "", "お名前を入力してください"),
        ("acknowledge", None, "データの利用方法を確認のうえ"),
        ("role", "astronaut", "この回答は選択肢にありません"),
        ("company", "x" * 201, "200"),
    ],
)
def test_lead_gate_validation_names_the_field(client, field, value, message):
    start(client)
    results = answer_all(client)
    data = {k: v for k, v in LEAD.items() if not (k == field and value is None)}
    if value is not None:
        data[field] = value
    html = refused_lead(client, results, data)
    assert message in html


def refused_lead(client, results: str, data: dict) -> str:
    """Post the lead gate with an error: it redirects back to the results page, which names it."""
    resp = client.post(results + "/lead", data=data)
    assert resp.status_code == 303 and resp.location == results + "#error-summary", resp.status_code
    page = client.get(resp.location)
    assert page.status_code == 200
    return page.data.decode()


def test_a_gate_post_with_errors_redirects_and_the_page_keeps_what_was_typed(app, client):
    start(client)
    results = answer_all(client)
    typed = dict(LEAD, name="山田 太郎", company="<b>株式会社サンプル</b>", email="taro@", role="marketing_lead")
    first = refused_lead(client, results, typed)
    assert "正しいメールアドレス" in first and 'id="error-summary"' in first
    assert 'value="山田 太郎"' in first and f'value="{escape(typed["company"])}"' in first and 'value="taro@"' in first
    assert re.search(r'<option selected value="marketing_lead">', first)
    assert re.search(r'<input checked id="acknowledge"', first) and re.search(r'<input checked id="consent"', first)
    # A reload is a plain GET: the same page, the same messages, nothing resent.
    assert client.get(results).data.decode() == first
    with client.session_transaction() as s:
        assert set(s["gate"]["fields"]) <= {
            "name",
            "company",
            "email",
            "role",
            "company_size",
            "acknowledge",
            "consent",
        }
    # The messages follow the language switch; the values stay.
    client.get("/lang/en")
    english = client.get(results).data.decode()
    assert "Please enter a valid email address" in english and 'value="山田 太郎"' in english
    client.get("/lang/ja")
    resp = client.post(results + "/lead", data=dict(typed, email="taro@example.co.jp"))
    assert resp.status_code == 303 and "/report/" in resp.location
    with client.session_transaction() as s:
        assert "gate" not in s  # taken: nothing of the lead left in the cookie
    with app.app_context():
        assert db.session.scalars(select(Lead)).one().name == typed["name"]


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_the_page_after_a_refused_gate_post_carries_a_csrf_token_that_takes_the_next_post(client):
    from tests.web.conftest import csrf_token

    client.get("/")
    client.post("/start", data={"csrf_token": csrf_token(client.get("/").data.decode())})
    for page in PAGES:
        html = client.get(f"/q/{page.number}").data.decode()
        data = dict(page_form_data(page, make_answers(1)), csrf_token=csrf_token(html))
        resp = client.post(f"/q/{page.number}", data=data)
        assert resp.status_code == 303
    results = resp.location
    token = csrf_token(client.get(results).data.decode())
    refused = client.post(results + "/lead", data=dict(LEAD, email="taro@", csrf_token=token))
    assert refused.status_code == 303
    html = client.get(refused.location).data.decode()
    assert "正しいメールアドレス" in html and "CSRF" not in html
    taken = client.post(results + "/lead", data=dict(LEAD, csrf_token=csrf_token(html)))
    assert taken.status_code == 303 and "/report/" in taken.location


def test_kept_gate_values_belong_to_their_assessment_and_are_cut_to_size(client):
    start(client)
    first = answer_all(client)
    huge = "長" * 5000  # a whole body's worth: the cookie keeps one character past the limit
    html = refused_lead(client, first, dict(LEAD, company=huge, website=""))
    assert "200" in html and "長" * 201 in html and "長" * 202 not in html
    start(client)
    second = answer_all(client)
    other = client.get(second).data.decode()
    assert "長長長" not in other and 'id="error-summary"' not in other


def test_marketing_consent_is_optional_and_recorded_only_when_given(app, client):
    start(client)
    results = answer_all(client)
    resp = client.post(results + "/lead", data={k: v for k, v in LEAD.items() if k != "consent"})
    assert resp.status_code == 303 and "/report/" in resp.location  # the report never depends on it
    with app.app_context():
        lead = db.session.scalars(select(Lead)).one()
        assert (lead.consent, lead.consent_text, lead.consent_at) == (False, None, None)
        assert lead.acknowledged_at is not None


def test_lead_consent_is_unticked_and_profile_answers_prefill(client):
    start(client)
    results = answer_all(client, make_answers(1, pf_role="sales_lead", pf_company_size="s101_300"))
    html = client.get(results).data.decode()
    found = re.search(r'<input id="consent"[^>]*>', html)
    assert found, "the results page has no consent box"
    consent = found.group(0)
    assert 'type="checkbox"' in consent and "checked" not in consent
    assert re.search(r'<option selected value="sales_lead">', html)
    assert re.search(r'<option selected value="s101_300">', html)


def test_honeypot_refuses_the_bot_and_stores_no_lead(app, client):
    start(client)
    results = answer_all(client)
    resp = client.post(results + "/lead", data=dict(LEAD, website="http://spam.example"))
    assert resp.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Lead)) is None


def test_html_in_every_text_field_is_stored_as_text_and_escaped(app, client):
    start(client)
    results = answer_all(client)
    evil = "<img src=x onerror=alert(1)>"
    resp = client.post(results + "/lead", data=dict(LEAD, name=evil, company=evil))
    assert resp.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Lead)).one().name == evil
    assert evil not in client.get(resp.location).data.decode()


def test_second_lead_post_keeps_the_first_lead(app, client):
    start(client)
    results = answer_all(client)
    client.post(results + "/lead", data=LEAD)
    resp = client.post(results + "/lead", data=dict(LEAD, name="Someone else"))
    assert resp.status_code == 303
    with app.app_context():
        assert [lead.name for lead in db.session.scalars(select(Lead))] == ["Taro"]


def test_report_needs_the_lead_first(client):
    start(client)
    token = answer_all(client).rsplit("/", 1)[1]
    resp = client.get(f"/report/{token}")
    assert resp.status_code == 303 and f"/results/{token}" in resp.location


def test_english_switch_and_accept_language(client):
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).data.decode()
    assert '<html lang="ja">' in client.get("/", headers={"Accept-Language": "fr"}).data.decode()
    resp = client.get("/lang/en?next=/%3Futm_source%3Dx")
    assert resp.status_code == 303 and resp.location == "/?utm_source=x"
    html = client.get("/", headers={"Accept-Language": "ja"}).data.decode()
    assert "Start the assessment" in html


def test_template_translations_never_mix_locales_between_requests(client):
    """Templates keep one catalog per locale in the process; alternating languages stays right."""
    for _ in range(2):
        ja = client.get("/", headers={"Accept-Language": "ja"}).data.decode()
        en = client.get("/", headers={"Accept-Language": "en"}).data.decode()
        assert "本文へ移動" in ja and "Skip to content" not in ja
        assert "Skip to content" in en and "本文へ移動" not in en


def test_language_switch_is_not_an_open_redirect(client):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        resp = client.get("/lang/en", query_string={"next": target})
        assert resp.location == "/"


def test_results_in_english_use_the_english_diagnosis(client):
    start(client)
    results = answer_all(client)
    client.get("/lang/en")
    html = client.get(results).data.decode()
    assert "Overall score" in html and "Management–marketing alignment" in html


def test_one_verdict_is_kept_and_read_in_either_language(app, client):
    token = start(client)
    results = answer_all(client)
    client.get("/lang/en")
    english = client.get(results).data.decode()
    assert "Overall score" in english
    a = assessment(app, token)
    assert len(a.revisions) == 1 and "locale" not in a.revisions[0].verdict  # stored once, locale-neutral
    with app.app_context():
        found = flow.find(db.session, token)
        assert found is not None
        ja, en = verdicts.diagnosis(found, "ja"), verdicts.diagnosis(found, "en")
    assert ja.level is not None and en.level is not None
    assert (ja.overall, ja.level.number, [p.id for p in ja.pitfalls]) == (
        en.overall,
        en.level.number,
        [p.id for p in en.pitfalls],
    )
    assert ja.locale == "ja" and en.locale == "en" and f">{en.overall}<" in english


def test_embed_mode_drops_the_site_chrome(client):
    html = client.get("/?embed=1").data.decode()
    assert '<body class="embed' in html and "site-header" not in html
    assert "site-header" in client.get("/?embed=0").data.decode()


def test_draft_answer_from_an_older_question_bank_is_asked_again(app, client):
    token = start(client)
    answer_all_but_last = make_answers(1)
    for page in PAGES[:-1]:
        client.post(f"/q/{page.number}", data=page_form_data(page, answer_all_but_last))
    q = PAGES[0].questions[0]

    def set_draft(**changes):
        with app.app_context():
            a = db.session.scalars(select(Assessment).where(Assessment.token == token)).one()
            for row in list(a.answers):
                if row.question in changes and changes[row.question] is None:
                    a.answers.remove(row)
                elif row.question in changes:
                    row.value = changes[row.question]
            db.session.commit()

    set_draft(**{q.id: None})
    assert "もう一度回答してください" not in client.get("/q/1").data.decode()
    client.post("/q/1", data=page_form_data(PAGES[0], answer_all_but_last))
    set_draft(**{q.id: "renamed_since"})  # as if the option had been renamed in the bank after this answer was saved
    resp = client.post(f"/q/{len(PAGES)}", data=page_form_data(PAGES[-1], answer_all_but_last))
    assert resp.status_code == 303 and resp.location.endswith("/q/1")
    assert "もう一度回答してください" in client.get("/q/1").data.decode()
    assert "もう一度回答してください" not in client.get("/q/1").data.decode()  # shown once
    a = assessment(app, token)
    assert q.id not in a.values and not a.submitted


def test_each_respondent_sees_their_own_answers_checked(app):
    page = PAGES[0]
    q = page.questions[0]
    seen = {}
    for level in (0, 3, 0):
        client = app.test_client()
        start(client)
        answers = make_answers(level)
        client.post("/q/1", data=page_form_data(page, answers))
        html = client.get("/q/1").data.decode()
        seen[level] = re.findall(rf'name="{q.id}" value="([^"]+)" checked', html)
        assert seen[level] == [answers[q.id]]
    fresh = app.test_client()
    start(fresh)
    assert re.findall(r'value="[^"]+" checked', fresh.get("/q/1").data.decode()) == []


def test_a_page_shows_errors_only_on_the_failed_post_and_answers_in_the_reader_language(app):
    """The questions of a page are rendered once per (page, locale, answers shown): what they show
    must still be exactly this request's, never a neighbour's errors, answers or language."""
    page = PAGES[0]
    first, missing = page.questions[0], page.questions[1]
    answers = make_answers(2)
    partial = {k: v for k, v in answers.items() if k != missing.id}
    failing, calm = app.test_client(), app.test_client()
    start(failing)
    start(calm)
    assert failing.post("/q/1", data=page_form_data(page, partial)).status_code == 422
    calm.post("/q/1", data=page_form_data(page, partial))  # the same answers saved, the same 422
    for client in (failing, calm):
        html = client.get("/q/1").data.decode()
        assert 'id="error-summary"' not in html and "field-error" not in html
        assert re.findall(rf'name="{first.id}" value="([^"]+)" checked', html) == [answers[first.id]]
        assert re.findall(rf'name="{missing.id}" value="[^"]+" checked', html) == []
    calm.get("/lang/en?next=/q/1")
    english = calm.get("/q/1").data.decode()
    assert str(escape(first.text["en"])) in english and first.text["ja"] not in english
    assert re.findall(rf'name="{first.id}" value="([^"]+)" checked', english) == [answers[first.id]]
    hinted_page = next(p for p in PAGES if any(q.hint for q in p.questions))
    hinted = next(q for q in hinted_page.questions if q.hint)
    shown = calm.get(f"/q/{hinted_page.number}").data.decode()
    assert hinted.hint is not None and str(escape(hinted.hint["en"])) in shown  # hints, too, in the reader's language


def _full_report(client, answers) -> tuple[str, str]:
    """(results page, full result page) of one finished assessment with a lead."""
    start(client)
    results = answer_all(client, answers)
    teaser = client.get(results).data.decode()
    resp = client.post(results + "/lead", data=LEAD)
    assert resp.status_code == 303, resp.data.decode()[:300]
    return teaser, client.get(resp.location).data.decode()


def test_the_result_pages_explain_a_capped_level(client):
    # every area at the top but review at the bottom: level 2, and the page says why
    capped = make_answers(3, **{q: v for q, v in make_answers(0).items() if q.startswith("rc_")})
    results, full = _full_report(client, capped)
    for html in (results, full):
        assert "改善サイクルが最も弱いため、レベルは2までにとどまります（総合スコアだけならレベル5）。" in html


def test_the_full_result_shows_doubts_to_verify_and_counter_evidence(client):
    answers = make_answers(
        1,
        kd_tree="full_tree_with_owners",  # claimed, with two metrics measured: doubted beside the KPI score
        kd_measured_metrics=["visits", "leads"],
        rc_frequency="dont_know",  # to verify
        rc_when_lagging="tweak_creative",
        pf_cmo="president_runs",  # silo set aside
        al_goal_agreement="self_set",
        al_shared_language="different",
    )
    _, full = _full_report(client, answers)
    assert "要確認: KPIツリーの回答と、測定・計画の実態が食い違っています" in full
    assert '<span class="to-verify">要確認</span>' in full
    assert "反対の根拠により見送った落とし穴" in full and "社長が自ら統括している" in full
    assert "重大度は「高」から引き下げています。" in full


def test_a_score_card_without_enough_areas_names_the_missing_ones(app):
    from flask import render_template

    from assessment import evaluate

    d = evaluate(make_answers(2, **{q: None for q in make_answers(2) if q.startswith(("rc_", "kd_"))}))
    with app.test_request_context("/"):
        html = render_template("survey/_score.html", d=d, chart="")
    assert "総合スコアとレベルは判定していません" in html
    assert "KPI設計、改善サイクル" in html


def test_none_of_these_ticked_with_others_is_named_and_the_rest_kept(app, client):
    token = start(client)
    page = next(p for p in PAGES if any(q.id == "kd_roadmap_fields" for q in p.questions))
    for p in PAGES[: page.number - 1]:
        assert client.post(f"/q/{p.number}", data=page_form_data(p, make_answers(1))).status_code == 303
    data = page_form_data(page, make_answers(1, kd_roadmap_fields=["none", "owner"]))
    resp = client.post(f"/q/{page.number}", data=data)
    assert resp.status_code == 422
    assert "「該当なし」は他の選択肢と一緒には選べません" in resp.data.decode()
    kept = assessment(app, token).values
    assert "kd_roadmap_fields" not in kept and kept["kd_kpi_origin"] == make_answers(1)["kd_kpi_origin"]
