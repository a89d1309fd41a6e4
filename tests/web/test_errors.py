"""Unexpected errors: a page that says so in the visitor's language, problem+json on the API, a log line."""

from __future__ import annotations

import pytest

from tests.web.conftest import make_app, make_config


@pytest.fixture
def failing_app(tmp_path):
    app = make_app(make_config(tmp_path))

    def boom():
        raise RuntimeError("secret detail")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/v1/boom", "api_boom", boom)
    yield app
    app.extensions["database"].dispose()


def test_an_unexpected_error_is_a_500_page_without_the_detail(failing_app, caplog):
    resp = failing_app.test_client().get("/boom", headers={"Accept-Language": "ja"})
    html = resp.data.decode()
    assert resp.status_code == 500 and resp.mimetype == "text/html"
    assert "問題が発生しました" in html and "secret detail" not in html and "Traceback" not in html
    assert any("unhandled error on GET /boom" in r.getMessage() for r in caplog.records)
    english = failing_app.test_client().get("/boom", headers={"Accept-Language": "en"}).data.decode()
    assert "Something went wrong" in english


def test_an_unexpected_api_error_is_problem_json(failing_app):
    resp = failing_app.test_client().get("/api/v1/boom")
    assert resp.status_code == 500 and resp.mimetype == "application/problem+json"
    body = resp.get_json()
    assert body["status"] == 500 and body["title"] == "Internal Server Error" and "secret" not in body["detail"]
