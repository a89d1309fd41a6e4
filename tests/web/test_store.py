"""Schema and migrations, tokens, report links and their expiry, the PDF download."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import Table, func, insert, inspect, select, text

from assessment.store import Assessment, FunnelEvent, ReportFile, ReportLink
from assessment.store.migrate import current
from assessment.store.models import utcnow
from assessment.store.tokens import new_token
from assessment.web.database import db
from tests.factories import make_answers
from tests.web.test_survey import LEAD, answer_all, start


def test_migrations_create_every_table(app):
    with app.app_context():
        tables = set(inspect(db.database.engine).get_table_names())
    assert {
        "company",
        "assessment",
        "answer",
        "revision",
        "lead",
        "report_link",
        "report_file",
        "funnel_event",
        "alembic_version",
    } <= tables
    assert current(app.config["DATABASE_URL"]) == "0005_workspace"


def test_stored_diagnoses_are_lz4_compressed_on_postgresql(app, client):
    if app.extensions["database"].engine.dialect.name != "postgresql":
        return
    client.post("/api/v1/assessments", json={"answers": make_answers(1), "locale": "ja"})
    with app.app_context():
        if not db.session.scalar(
            text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        ):
            pytest.skip("this PostgreSQL has no lz4")
        assert db.session.scalar(text("SELECT pg_column_compression(verdict) FROM revision")) == "lz4"


def test_an_api_submission_stores_its_events_and_link_with_it(app, client):
    client.post("/api/v1/assessments", json={"answers": make_answers(1), "locale": "ja", "utm": {"utm_source": "news"}})
    with app.app_context():
        a = db.session.scalars(select(Assessment)).one()
        events = db.session.execute(select(FunnelEvent.type, FunnelEvent.assessment_id, FunnelEvent.utm_source)).all()
        assert sorted(events) == [("started", a.id, "news"), ("submitted", a.id, "news")]
        assert db.session.scalar(select(ReportLink.assessment_id)) == a.id


def test_tokens_carry_at_least_128_bits():
    tokens = {new_token() for _ in range(1000)}
    assert len(tokens) == 1000 and min(len(t) for t in tokens) >= 32  # 24 random bytes


def _to_report(client) -> str:
    start(client)
    results = answer_all(client)
    return client.post(results + "/lead", data=LEAD).location


def _pdf_token(html: str) -> str:
    """The token in the page's PDF download link."""
    found = re.search(r'href="/pdf/([^"]+)"', html)
    assert found, "the page has no PDF link"
    return found.group(1)


def test_pdf_download_is_a_pdf_with_the_company_and_records_the_event(app, client):
    report = client.get(_to_report(client)).data.decode()
    resp = client.get(f"/pdf/{_pdf_token(report)}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(resp.data)).pages)
    assert "ACME" in text
    with app.app_context():
        assert db.session.scalar(select(FunnelEvent).where(FunnelEvent.type == "pdf_downloaded")) is not None


def test_expired_report_link_is_410_and_the_report_page_issues_a_new_one(app, client):
    report_url = _to_report(client)
    first = _pdf_token(client.get(report_url).data.decode())
    with app.app_context():
        link = db.session.scalars(select(ReportLink).where(ReportLink.token == first)).one()
        link.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    resp = client.get(f"/pdf/{first}")
    assert resp.status_code == 410 and "有効期限" in resp.data.decode()
    second = _pdf_token(client.get(report_url).data.decode())
    assert second != first


def test_api_report_url_downloads_the_pdf(client):
    body = client.post("/api/v1/assessments", json={"answers": make_answers(0), "locale": "en"}).get_json()
    resp = client.get(body["report_url"].replace("http://localhost", ""))
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")


def test_prerendered_pdf_is_served_without_rendering_again(app, client, monkeypatch):
    from assessment.services import reports as pdf

    report_url = _to_report(client)
    with app.app_context():
        a = db.session.scalars(select(Assessment)).one()
        pdf.prerender(app.extensions["database"], a.id, "ja")
        assert db.session.scalar(select(ReportFile.locale).where(ReportFile.assessment_id == a.id)) == "ja"

    def no_render(*_args, **_kw):
        raise AssertionError("rendered again")

    monkeypatch.setattr(pdf, "render", no_render)
    resp = client.get(f"/pdf/{_pdf_token(client.get(report_url).data.decode())}")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")


def test_sqlite_writers_queue_on_the_write_lock_and_always_release_it(app):
    """Every write transaction (commit, rollback, close without commit) gives the lock back; reads never take it."""
    import threading

    database = app.extensions["database"]
    if database.engine.dialect.name != "sqlite":
        return
    factory, lock = database.sessions, database.write_lock
    assert lock is not None

    def free():
        return not lock.held()

    with app.app_context():
        s = factory()
        s.scalar(select(Assessment).limit(1))
        assert free()  # a read takes nothing
        s.add(Assessment(kind="self", locale="ja"))
        s.flush()
        assert not free()
        s.commit()
        assert free()
        s.add(Assessment(kind="self", locale="ja"))
        s.flush()
        s.rollback()
        assert free()
        s.add(Assessment(kind="self", locale="ja"))
        s.flush()
        s.close()
        assert free()
        table = Assessment.__table__
        assert isinstance(table, Table)  # a declarative model's table; typed as any FROM clause
        s.execute(insert(table), {"token": "x" * 32, "kind": "self", "locale": "ja"})
        assert not free()  # a write statement through the session, without a flush, takes it too
        s.rollback()
        assert free()

    def write():
        with app.app_context():
            s = factory()
            for _ in range(20):
                s.add(Assessment(kind="self", locale="ja"))
                s.commit()
            s.close()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    with app.app_context():
        assert factory().scalar(select(func.count()).select_from(Assessment)) == 81  # one committed above, 4 x 20
    assert free()


@pytest.mark.postgres
def test_a_pooled_connection_the_server_closed_is_replaced_unseen(pg_schema_url):
    from assessment.store import make_engine

    engine, other = make_engine(pg_schema_url), make_engine(pg_schema_url)
    try:
        with engine.connect() as conn:
            dead = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with other.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dead})
        with engine.connect() as conn:  # pool_pre_ping notices and reconnects
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != dead
    finally:
        engine.dispose()
        other.dispose()
