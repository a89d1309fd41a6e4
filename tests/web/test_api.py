"""The JSON API: questionnaire listing, assessment creation, problem+json errors."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from assessment.services import verdicts
from assessment.store import Assessment
from assessment.web.database import db
from tests.factories import make_answers


def test_questionnaire_lists_every_question_in_the_requested_locale(client):
    body = client.get("/api/v1/questionnaire?locale=en").get_json()
    assert body["locale"] == "en" and len(body["areas"]) == 5
    q = body["questions"][0]
    assert {"id", "area", "type", "options"} <= q.keys()
    assert client.get("/api/v1/questionnaire", headers={"Accept-Language": "ja"}).get_json()["locale"] == "ja"


def test_post_assessment_returns_the_diagnosis_and_an_unguessable_report_url(app, client):
    resp = client.post(
        "/api/v1/assessments", json={"answers": make_answers(2), "locale": "en", "utm": {"utm_source": "partner"}}
    )
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["locale"] == "en" and 0 <= body["overall"] <= 100 and body["level"]["number"] in range(1, 6)
    assert set(body["scores"]) == {"alignment", "goal_linkage", "short_termism", "kpi_design", "review_cadence"}
    token = body["report_url"].rsplit("/", 1)[1]
    assert len(token) >= 22 and body["report_url"].startswith("http://localhost/pdf/")
    with app.app_context():
        a = db.session.scalars(select(Assessment)).one()
        stored = verdicts.diagnosis(a, "en").to_dict()
        assert stored == {k: v for k, v in body.items() if k not in ("report_url", "results_url", "report_expires_at")}
        assert a.utm_source == "partner" and len(a.revisions) == 1


def test_api_submission_stores_what_the_funnel_stores(app, client):
    """The same answers, versions, events and live report link as the funnel's steps, in one transaction."""
    from assessment.store import FunnelEvent, ReportLink

    answers = make_answers(1, pf_role="")  # a blank answer is left out of the draft, as a page save does
    resp = client.post(
        "/api/v1/assessments",
        json={"answers": answers, "locale": "ja"},
        headers={"Referer": "https://partner.example.jp/"},
    )
    body = resp.get_json()
    with app.app_context():
        a = db.session.scalars(select(Assessment)).one()
        assert resp.headers["Location"] == body["results_url"] == f"http://localhost/results/{a.results_token}"
        assert a.values == {k: v for k, v in answers.items() if v != ""}
        assert (a.kind, a.locale, a.referrer, a.overall, a.level) == (
            "self",
            "ja",
            "https://partner.example.jp/",
            body["overall"],
            body["level"]["number"],
        )
        assert a.submitted and a.submitted_at is not None
        assert (a.questionnaire_version, a.ruleset_version) == (body["questionnaire_version"], body["ruleset_version"])
        assert sorted(e.type for e in db.session.scalars(select(FunnelEvent))) == ["started", "submitted"]
        link = db.session.scalars(select(ReportLink)).one()
        assert link.assessment_id == a.id and body["report_url"].endswith(f"/pdf/{link.token}")
        assert not link.expired() and body["report_expires_at"]


def test_japanese_is_sent_as_utf8_and_the_stored_verdict_holds_no_text(app, client):
    resp = client.post("/api/v1/assessments", json={"answers": make_answers(1), "locale": "ja"})
    level = resp.get_json()["level"]["name"]
    assert level.encode() in resp.data and b"\\u" not in resp.data
    with app.app_context():
        stored = db.session.execute(text("SELECT CAST(verdict AS TEXT) FROM revision")).scalar_one()
    assert level not in stored and '"overall"' in stored  # ids and numbers, read in any locale


def test_partial_answers_are_evaluated_and_listed_as_unanswered(client):
    body = client.post("/api/v1/assessments", json={"answers": {"al_goal_agreement": "verbal_only"}}).get_json()
    assert "gl_reported_metrics" in body["unanswered"]


def test_bad_answers_are_problem_details_naming_each_question(app, client):
    resp = client.post("/api/v1/assessments", json={"answers": {"al_goal_agreement": "<b>zzz</b>", "nope": "x"}})
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    body = resp.get_json()
    assert body["status"] == 422 and body["title"] == "Invalid answers"
    assert {e["question"] for e in body["errors"]} == {"al_goal_agreement", "nope"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Assessment)) == 0


@pytest.mark.parametrize("payload", [b"not json", b"[1, 2]", b'{"answers": [1]}', b'{"answers": {}, "locale": "fr"}'])
def test_malformed_bodies_are_400_problem_details(client, payload):
    resp = client.post("/api/v1/assessments", data=payload, content_type="application/json")
    assert resp.status_code == 400 and resp.mimetype == "application/problem+json"


def test_five_megabyte_post_is_refused_with_413(client):
    resp = client.post("/api/v1/assessments", data=b"x" * (5 * 1024 * 1024), content_type="application/json")
    assert resp.status_code == 413 and resp.mimetype == "application/problem+json"


def test_api_needs_no_csrf_token(tmp_path):

    from tests.web.conftest import make_app, make_config

    app = make_app(make_config(tmp_path, WTF_CSRF_ENABLED=True))
    resp = app.test_client().post("/api/v1/assessments", json={"answers": make_answers(1)})
    assert resp.status_code == 201
    app.extensions["database"].engine.dispose()


def test_unknown_api_path_is_problem_json(client):
    resp = client.get("/api/v1/nothing")
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"
