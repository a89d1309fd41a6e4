"""Fixtures: app, client, runner; a database per test run (SQLite file, or a PostgreSQL schema)."""

from __future__ import annotations

import re

import pytest

from assessment.store import Base
from assessment.store.migrate import upgrade
from assessment.web import create_app


def make_app(config: dict):
    """A migrated database, then the app: the factory never migrates (the CLI does)."""
    upgrade(config["DATABASE_URL"])
    return create_app(config)


def make_config(tmp_path, **overrides) -> dict:
    return {
        "ENV_NAME": "development",
        "TESTING": True,
        "SECRET_KEY": "test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REPORT_LINK_DAYS": 30,
        "PDF_PRERENDER": False,
        "PDF_WAIT_SECONDS": 60,  # a render on a loaded test machine can take seconds; the tests want the PDF
        **overrides,
    }


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request, tmp_path):
    marker = request.node.get_closest_marker("app_config")  # @pytest.mark.app_config(KEY=value)
    overrides = dict(marker.kwargs) if marker else {}
    if request.param == "postgres":
        url = request.getfixturevalue("pg_schema_url")
        overrides = {"DATABASE_URL": url, **overrides}
    app = make_app(make_config(tmp_path, **overrides))
    yield app
    app.extensions["jobs"].close()  # a job still running on the app's thread finishes first
    engine = app.extensions["database"].engine
    if request.param == "postgres":  # one schema per run: empty the tables between tests
        with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(html: str) -> str:
    m = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html
    )
    assert m, "no CSRF token on the page"
    return m.group(1)


def page_form_data(page, answers: dict, nav: str = "next") -> dict:
    data = {"page_marker": page.section, "nav": nav}
    for q in page.questions:
        if q.id in answers:
            data[q.id] = answers[q.id]
    return data
