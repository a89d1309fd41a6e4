"""Inputs that used to reach a 500: each gets a clear 4xx (or is taken), and nothing is lost."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from assessment.services import assessments as flow
from assessment.store import Answer, Assessment
from assessment.web.database import db
from tests.factories import make_answers
from tests.web.conftest import page_form_data
from tests.web.test_survey import answer_all, start


@pytest.mark.parametrize("target", ["/%0d%0aX-Bad:1", "/%0aabc", "/q/1%0d%0a", "/\\evil.example", "/%7f"])
def test_language_switch_refuses_control_characters_in_next(client, target):
    resp = client.get(f"/lang/en?next={target}")
    assert resp.status_code == 303 and resp.location == "/"


def test_deeply_nested_json_is_a_400_problem(client):
    body = "[" * 5000 + "]" * 5000
    resp = client.post("/api/v1/assessments", data=body, content_type="application/json")
    assert resp.status_code == 400 and resp.mimetype == "application/problem+json"


def test_a_lone_surrogate_in_a_question_id_or_answer_is_a_422_naming_it(client):
    resp = client.post(
        "/api/v1/assessments",
        data='{"answers": {"\\ud800": "x", "al_goal_agreement": "\\udfff"}}',
        content_type="application/json",
    )
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    assert {e["pointer"] for e in resp.get_json()["errors"]} == {"/answers/\ud800", "/answers/al_goal_agreement"}


@pytest.mark.parametrize("utm", [{"utm_source": 1}, {"utm_source": True}, {"utm_source": ["a"]}, ["x"], "x"])
def test_utm_values_that_are_not_strings_are_dropped_not_a_500(app, client, utm):
    resp = client.post("/api/v1/assessments", json={"answers": make_answers(1), "utm": utm})
    assert resp.status_code == 201
    with app.app_context():
        assert db.session.scalars(select(Assessment.utm_source)).one() is None


def test_a_double_click_on_next_saves_the_page_once(app):
    """Two posts of page 1 at the same moment, both inserting its first answers: one set of rows, no 500."""
    client = app.test_client()
    token = start(client)
    page = flow.pages()[0]
    data = page_form_data(page, make_answers(1))
    barrier, codes = threading.Barrier(2), []

    def post():
        c = app.test_client()
        c.set_cookie("cmo_draft", token)
        barrier.wait()
        codes.append(c.post("/q/1", data=data).status_code)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert codes == [303, 303]
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(Answer))
    assert rows == len(page.questions)


def test_a_reopened_assessment_still_shows_its_results(app, client):
    token = start(client)
    results = answer_all(client)
    with app.app_context():
        a = flow.find(db.session, token)
        assert a is not None
        flow.reopen(db.session, a)
    assert client.get(results).status_code == 200
    assert client.get("/q/1").status_code == 200  # and its pages are open to change again
