"""Answers saved as they are given (site.js posts nav=save): only what was touched, nothing tampered."""

from __future__ import annotations

from sqlalchemy import func, select

from assessment.store import Assessment, FunnelEvent
from assessment.web.database import db
from tests.factories import make_answers
from tests.web.conftest import make_app, make_config, page_form_data
from tests.web.test_survey import PAGES, start


def _draft(app, token) -> Assessment:
    with app.app_context():
        a = db.session.scalars(select(Assessment).where(Assessment.token == token)).one()
        a.values  # noqa: B018 (loads the answers before the session closes)
        return a


def test_a_touched_answer_is_saved_and_an_untouched_checklist_is_not_taken_for_none(app, client):
    token = start(client)
    page = next(p for p in PAGES if any(q.type == "checklist" for q in p.questions))
    for earlier in PAGES[: page.number - 1]:
        client.post(f"/q/{earlier.number}", data=page_form_data(earlier, make_answers(1)))
    radio = next(q for q in page.questions if q.type != "checklist")
    checklist = next(q for q in page.questions if q.type == "checklist")
    data = dict(page_form_data(page, {radio.id: make_answers(1)[radio.id]}, nav="save"), touched=[radio.id])
    resp = client.post(f"/q/{page.number}", data=data)
    assert resp.status_code == 204
    values = _draft(app, token).values
    assert values[radio.id] == make_answers(1)[radio.id] and checklist.id not in values
    html = client.get(f"/q/{page.number}").data.decode()  # a reload shows it
    assert f'value="{make_answers(1)[radio.id]}" checked' in html


def test_a_tampered_autosave_value_is_dropped(app, client):
    token = start(client)
    q = PAGES[0].questions[0]
    data = dict(page_form_data(PAGES[0], {q.id: "   "}, nav="save"), touched=[q.id])
    assert client.post("/q/1", data=data).status_code == 204
    assert q.id not in _draft(app, token).values


def test_autosave_records_no_page_completion(app, client):
    start(client)
    q = PAGES[0].questions[0]
    client.post("/q/1", data=dict(page_form_data(PAGES[0], make_answers(1), nav="save"), touched=[q.id]))
    with app.app_context():
        done = select(func.count()).select_from(FunnelEvent).where(FunnelEvent.type == "page_completed")
        assert db.session.scalar(done) == 0


def test_autosave_on_the_last_page_does_not_count_as_a_submission(tmp_path):
    app = make_app(make_config(tmp_path, RATELIMIT_ENABLED=True, SUBMIT_RATE_LIMIT="1 per minute"))
    client = app.test_client()
    client.post("/start")
    last = PAGES[-1]
    q = last.questions[0]
    for _ in range(3):
        data = dict(page_form_data(last, make_answers(1), nav="save"), touched=[q.id])
        assert client.post(f"/q/{last.number}", data=data).status_code == 204
    app.extensions["database"].engine.dispose()
