"""Separate capabilities: the draft cookie edits, the resume link moves a draft once, the results token reads.

The attack these close: someone sends a victim their own resume link; before, opening it silently
replaced the victim's draft, and the sender then read the victim's answers, name and company.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from assessment.store import Assessment, ReportLink
from assessment.store.models import aware, utcnow
from assessment.web.database import db
from tests.factories import make_answers
from tests.web.conftest import page_form_data
from tests.web.test_survey import LEAD, PAGES, answer_all, resume_path, start


def _resume_link(client) -> str:
    return resume_path(client.get("/q/1").data.decode())


def test_opening_a_resume_link_never_replaces_a_draft_in_progress(app):
    victim, attacker = app.test_client(), app.test_client()
    start(attacker)
    link = _resume_link(attacker)
    mine = start(victim)
    assert victim.post("/q/1", data=page_form_data(PAGES[0], make_answers(2))).status_code == 303
    for resp in (victim.get(link), victim.post(link)):
        assert resp.status_code == 409
        assert "回答中の診断があります" in resp.data.decode()
    assert victim.get_cookie("cmo_draft").value == mine  # still the victim's own draft
    with app.app_context():
        assert db.session.scalars(select(Assessment).where(Assessment.token == mine)).one().values


def test_a_sent_resume_link_gives_the_sender_nothing_of_what_the_victim_answers(app):
    victim, attacker = app.test_client(), app.test_client()
    attacker_cookie = start(attacker)
    link = _resume_link(attacker)
    assert victim.post(link).status_code == 303  # the victim (no draft of their own) confirms
    results = answer_all(victim)
    assert victim.post(results + "/lead", data=LEAD).status_code == 303
    # The sender's cookie and link no longer open anything; the results are only the victim's.
    assert attacker.get("/q/1").status_code == 303 and attacker.get_cookie("cmo_draft") is None
    attacker.set_cookie("cmo_draft", attacker_cookie)
    assert "/results/" not in (attacker.get("/continue").location or "")
    assert attacker.get(link).status_code == 404
    assert attacker.post(link).status_code == 404
    body = attacker.get("/").data.decode()
    assert LEAD["name"] not in body and "/results/" not in body


def test_a_resume_link_of_a_finished_assessment_says_so_and_shows_no_results(app, client):
    start(client)
    link = _resume_link(client)
    answer_all(client)
    resp = app.test_client().get(link)
    assert resp.status_code == 410 and "すでに完了しています" in resp.data.decode()
    assert "/results/" not in resp.data.decode()


def test_the_browser_that_finished_finds_its_results_again_from_the_start_page(client):
    start(client)
    results = answer_all(client)
    assert results.rsplit("/", 1)[1] in client.get("/").data.decode()
    assert client.get("/continue").location.endswith(results)


def test_the_resume_link_keeps_the_chosen_language(app, client):
    client.get("/lang/en")
    start(client)
    link = resume_path(client.get("/q/1").data.decode())
    fresh = app.test_client()
    ask = fresh.get(link + "?lang=en")
    assert ask.status_code == 200
    resp = fresh.post(link + "?lang=en")
    assert resp.status_code == 303 and fresh.get_cookie("cmo_lang").value == "en"
    assert '<html lang="en">' in fresh.get(resp.location).data.decode()


def test_an_abandoned_draft_can_no_longer_be_opened(app, client):
    token = start(client)
    link = _resume_link(client)
    with app.app_context():
        db.session.execute(
            update(Assessment).where(Assessment.token == token).values(updated_at=utcnow() - timedelta(days=91))
        )
        db.session.commit()
    assert app.test_client().get(link).status_code == 404
    assert client.get("/q/1").status_code == 303  # the cookie finds nothing either: back to the start


def test_saving_a_page_keeps_a_draft_alive(app, client):
    token = start(client)
    with app.app_context():
        db.session.execute(
            update(Assessment).where(Assessment.token == token).values(updated_at=utcnow() - timedelta(days=89))
        )
        db.session.commit()
    assert client.post("/q/1", data=page_form_data(PAGES[0], make_answers(1))).status_code == 303
    with app.app_context():
        a = db.session.scalars(select(Assessment).where(Assessment.token == token)).one()
        assert aware(a.updated_at) > utcnow() - timedelta(minutes=1)


def _expire_results(app, token: str) -> None:
    with app.app_context():
        db.session.execute(
            update(Assessment)
            .where(Assessment.results_token == token)
            .values(results_expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()


def test_expired_results_links_are_410_and_mint_no_new_pdf_links(app, client):
    start(client)
    results = answer_all(client)
    report = client.post(results + "/lead", data=LEAD).location
    token = results.rsplit("/", 1)[1]
    with app.app_context():
        before = len(db.session.scalars(select(ReportLink)).all())
    _expire_results(app, token)
    for path in (results, report):
        resp = client.get(path)
        assert resp.status_code == 410 and "有効期限" in resp.data.decode()
    with app.app_context():
        assert len(db.session.scalars(select(ReportLink)).all()) == before


def test_pdf_links_never_outlive_the_results_token(app, client):
    start(client)
    results = answer_all(client)
    client.get(client.post(results + "/lead", data=LEAD).location)  # the report page mints the PDF link
    with app.app_context():
        a = db.session.scalars(select(Assessment)).one()
        (link,) = a.report_links
        assert link.expires_at is not None and a.results_expires_at is not None
        assert aware(link.expires_at) <= aware(a.results_expires_at)


@pytest.mark.app_config(REPORT_LINK_DAYS=0)
def test_zero_link_days_means_results_that_do_not_expire(app, client):
    start(client)
    answer_all(client)
    with app.app_context():
        assert db.session.scalars(select(Assessment)).one().results_expires_at is None


def test_token_pages_are_not_cached_or_indexed_and_the_landing_page_is(client):
    start(client)
    draft_pages = ["/q/1", _resume_link(client)]
    results = answer_all(client)
    report = client.post(results + "/lead", data=LEAD).location
    pdf = client.get(report).data.decode().split('href="/pdf/', 1)[1].split('"', 1)[0]
    for path in [*draft_pages, results, report, "/pdf/" + pdf]:
        resp = client.get(path)
        assert resp.headers.get("Cache-Control") in ("no-store", "private, no-store"), path
        assert "noindex" in resp.headers.get("X-Robots-Tag", ""), path
        if resp.mimetype == "text/html" and resp.status_code == 200:
            assert '<meta name="robots" content="noindex, nofollow">' in resp.data.decode(), path
    landing = client.get("/")
    assert "X-Robots-Tag" not in landing.headers and 'name="robots"' not in landing.data.decode()


@pytest.mark.app_config(PUBLIC_BASE_URL="https://diagnosis.example.co.jp")
def test_absolute_links_use_the_public_base_url_not_the_host_header(client):
    body = client.post(
        "/api/v1/assessments", json={"answers": make_answers(1)}, headers={"Host": "evil.example"}
    ).get_json()
    assert body["report_url"].startswith("https://diagnosis.example.co.jp/pdf/")
    assert body["results_url"].startswith("https://diagnosis.example.co.jp/results/")
    client.get("/", headers={"Host": "evil.example"})
    client.post("/start", headers={"Host": "evil.example"})
    html = client.get("/q/1", headers={"Host": "evil.example"}).data.decode()
    assert 'value="https://diagnosis.example.co.jp/resume/' in html and "evil.example" not in html


@pytest.mark.app_config(TRUSTED_HOSTS=["diagnosis.example.co.jp"])
def test_trusted_hosts_refuse_any_other_host(client):
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    resp = client.post("/api/v1/assessments", json={"answers": make_answers(1)}, headers={"Host": "evil.example"})
    assert resp.status_code == 400 and resp.mimetype == "application/problem+json"
    assert client.get("/", headers={"Host": "diagnosis.example.co.jp"}).status_code == 200
