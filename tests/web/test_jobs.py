"""The web with a queue configured: it never renders a PDF itself, it says the PDF is being prepared."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from assessment.jobs import worker
from assessment.store import ReportFile
from assessment.web.database import db
from tests.factories import make_answers
from tests.web.conftest import make_app, make_config


@pytest.fixture
def queued_app(tmp_path, redis_url, monkeypatch):
    prefix = f"w{uuid.uuid4().hex[:8]}:"
    config = make_config(tmp_path, REDIS_URL=redis_url, JOB_QUEUE_PREFIX=prefix, PDF_WAIT_SECONDS=0.2)
    app = make_app(config)
    # what `assessment worker` reads: the same database and queues
    for key, value in {
        "DATABASE_URL": config["DATABASE_URL"],
        "REDIS_URL": redis_url,
        "JOB_QUEUE_PREFIX": prefix,
    }.items():
        monkeypatch.setenv(key, value)
    worker._dispatchers.clear()
    yield app
    for d in worker._dispatchers.values():
        d.database.dispose()
    worker._dispatchers.clear()
    app.extensions["jobs"].close()
    app.extensions["database"].dispose()


def _kept(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ReportFile)) or 0


def test_a_pdf_not_ready_answers_a_page_that_reloads_until_a_worker_made_it(queued_app):
    client = queued_app.test_client()
    client.set_cookie("cmo_lang", "en")  # the PDF comes in the reader's language: the one the API asked for
    body = client.post("/api/v1/assessments", json={"answers": make_answers(1), "locale": "en"}).get_json()
    url = body["report_url"].replace("http://localhost", "")
    waiting = client.get(url)
    assert waiting.status_code == 202 and waiting.headers["Refresh"] == "3"
    assert "PDF being prepared" in waiting.data.decode() and waiting.mimetype == "text/html"
    assert _kept(queued_app) == 0  # the web process rendered nothing
    worker.run_worker(burst=True, simple=True)
    ready = client.get(url)
    assert ready.status_code == 200 and ready.data.startswith(b"%PDF") and _kept(queued_app) == 1


def test_the_report_page_says_the_pdf_is_being_prepared_then_offers_the_download(queued_app):
    from tests.web.test_survey import LEAD, answer_all, start

    client = queued_app.test_client()
    client.set_cookie("cmo_lang", "ja")
    start(client)
    report = client.post(answer_all(client) + "/lead", data=LEAD).location
    page = client.get(report)
    assert page.status_code == 200 and page.headers.get("Refresh") == "3"
    assert 'data-pdf-state="preparing"' in page.data.decode() and "PDFを作成しています" in page.data.decode()
    worker.run_worker(burst=True, simple=True)
    page = client.get(report)
    assert (
        "Refresh" not in page.headers and "preparing" not in page.data.decode() and " download>" in page.data.decode()
    )


def test_with_redis_down_submissions_go_on_and_healthz_says_the_queue_is_down(tmp_path):
    app = make_app(make_config(tmp_path, REDIS_URL="redis://127.0.0.1:1/0", PDF_WAIT_SECONDS=0.2))
    client = app.test_client()
    created = client.post("/api/v1/assessments", json={"answers": make_answers(2)})
    assert created.status_code == 201
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["status"] == "degraded" and health.get_json()["queue"].startswith("down")
    pdf = client.get(created.get_json()["report_url"].replace("http://localhost", ""))
    assert pdf.status_code == 202  # queued in the database, sent to a worker when Redis is back
    app.extensions["jobs"].close()
    app.extensions["database"].dispose()


def test_without_a_queue_nothing_is_rendered_ahead_of_a_request(tmp_path):
    """The embedded default renders in the web process itself: an API link or a results page view
    must not cost that process half a second of CPU for a PDF nobody may ask for."""
    from assessment.store.background import Job

    app = make_app(make_config(tmp_path, PDF_PRERENDER=True))
    assert app.config["PDF_RENDER_AHEAD"] is False
    client = app.test_client()
    resp = client.post("/api/v1/assessments", json={"answers": make_answers(2)})
    assert resp.status_code == 201
    assert client.get(resp.headers["Location"]).status_code == 200  # the results page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job).where(Job.kind == "render")) == 0
    assert make_app(make_config(tmp_path / "q", REDIS_URL="redis://127.0.0.1:1/0")).config["PDF_RENDER_AHEAD"] is True
    app.extensions["database"].dispose()
