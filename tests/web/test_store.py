"""Schema and migrations, tokens, report links and their expiry, the PDF download."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, insert, inspect, select, text

from assessment.store import Assessment, FunnelEvent, ReportFile, ReportLink, db
from assessment.store.migrate import current
from assessment.store.models import utcnow
from assessment.store.submission import insert_submission
from assessment.store.tokens import new_token

from .conftest import make_answers
from .test_survey import LEAD, answer_all, start


def test_migrations_create_every_table(app):
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert {"company", "assessment", "lead", "report_link", "report_file", "funnel_event", "alembic_version"} <= tables
    assert current(app.config["DATABASE_URL"]) == "0003"


def test_stored_diagnoses_are_lz4_compressed_on_postgresql(app, client):
    if app.extensions["store"].kw["bind"].dialect.name != "postgresql":
        return
    client.post("/api/v1/assessments", json={"answers": make_answers(1), "locale": "ja"})
    with app.app_context():
        if not db.session.scalar(text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                                      "WHERE name = 'default_toast_compression'")):
            pytest.skip("this PostgreSQL has no lz4")
        assert db.session.scalar(text("SELECT pg_column_compression(diagnoses) FROM assessment")) == "lz4"


def _submission_rows(token: str, link_token: str) -> tuple[dict, dict]:
    now = utcnow()
    assessment = dict(token=token, kind="self", locale="ja", referrer=None, draft={"q": "a"},
                      diagnoses={"ja": {"overall": 40}}, questionnaire_version="v", ruleset_version="r",
                      overall=40, level=2, created_at=now, updated_at=now, submitted_at=now,
                      utm_source="news", utm_medium=None, utm_campaign=None)
    return assessment, {"token": link_token, "expires_at": now + timedelta(days=1)}


def test_a_submission_is_stored_whole_or_not_at_all(app):
    """The assessment, its two funnel events and its link go in together; a clash leaves no partial rows."""
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        insert_submission(db, *_submission_rows("a" * 32, "l" * 32))
        a = db.session.scalar(select(Assessment))
        events = db.session.execute(select(FunnelEvent.type, FunnelEvent.assessment_id, FunnelEvent.utm_source,
                                           FunnelEvent.created_at)).all()
        assert sorted(events) == [("started", a.id, "news", a.created_at), ("submitted", a.id, "news", a.created_at)]
        link = db.session.scalar(select(ReportLink))
        assert (link.token, link.assessment_id, link.created_at) == ("l" * 32, a.id, a.created_at)
        db.session.close()
        with pytest.raises(IntegrityError):  # a new assessment, but the link token is taken
            insert_submission(db, *_submission_rows("b" * 32, "l" * 32))
        counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (Assessment, FunnelEvent, ReportLink)]
        assert counts == [1, 2, 1]


def test_connections_are_transactional_again_after_a_submission(app, client):
    """PostgreSQL stores a submission in autocommit mode; the pooled connection must not stay in it."""
    client.post("/api/v1/assessments", json={"answers": make_answers(1), "locale": "ja"})
    with app.app_context():
        s = db.session
        s.execute(insert(Assessment.__table__), {"token": "r" * 32, "kind": "self", "locale": "ja", "draft": {}})
        s.rollback()
        assert s.scalar(select(func.count()).select_from(Assessment).where(Assessment.token == "r" * 32)) == 0


def test_tokens_carry_at_least_128_bits():
    tokens = {new_token() for _ in range(1000)}
    assert len(tokens) == 1000 and min(len(t) for t in tokens) >= 32  # 24 random bytes


def _to_report(client) -> str:
    start(client)
    results = answer_all(client)
    return client.post(results + "/lead", data=LEAD).location


def test_pdf_download_is_a_pdf_with_the_company_and_records_the_event(app, client):
    import re

    report = client.get(_to_report(client)).data.decode()
    pdf_url = re.search(r'href="(/pdf/[^"]+)"', report).group(1)
    resp = client.get(pdf_url)
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(resp.data)).pages)
    assert "ACME" in text
    with app.app_context():
        assert db.session.scalar(select(FunnelEvent).where(FunnelEvent.type == "pdf_downloaded")) is not None


def test_expired_report_link_is_410_and_the_report_page_issues_a_new_one(app, client):
    import re

    report_url = _to_report(client)
    first = re.search(r'href="/pdf/([^"]+)"', client.get(report_url).data.decode()).group(1)
    with app.app_context():
        link = db.session.scalar(select(ReportLink).where(ReportLink.token == first))
        link.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    resp = client.get(f"/pdf/{first}")
    assert resp.status_code == 410 and "有効期限" in resp.data.decode()
    second = re.search(r'href="/pdf/([^"]+)"', client.get(report_url).data.decode()).group(1)
    assert second != first


def test_api_report_url_downloads_the_pdf(client):
    body = client.post("/api/v1/assessments", json={"answers": make_answers(0), "locale": "en"}).get_json()
    resp = client.get(body["report_url"].replace("http://localhost", ""))
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")


def test_prerendered_pdf_is_served_without_rendering_again(app, client, monkeypatch):
    import re

    from assessment.web import pdf

    report_url = _to_report(client)
    with app.app_context():
        a = db.session.scalar(select(Assessment))
        pdf.prerender(app, a.id, "ja")
        assert db.session.scalar(select(ReportFile.locale).where(ReportFile.assessment_id == a.id)) == "ja"

    def no_render(*_args, **_kw):
        raise AssertionError("rendered again")

    monkeypatch.setattr(pdf, "render", no_render)
    link = re.search(r'href="(/pdf/[^"]+)"', client.get(report_url).data.decode()).group(1)
    resp = client.get(link)
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")


def test_sqlite_writers_queue_on_the_write_lock_and_always_release_it(app):
    """Every write transaction (commit, rollback, close without commit) gives the lock back; reads never take it."""
    import threading

    factory = app.extensions["store"]
    if factory.kw["bind"].dialect.name != "sqlite":
        return
    from assessment.store import SQLiteWriteLock

    lock = app.extensions["store_write_lock"]
    assert isinstance(lock, SQLiteWriteLock)
    free = lambda: lock._thread_lock.acquire(blocking=False) and (lock._thread_lock.release() or True)  # noqa: E731
    with app.app_context():
        s = factory()
        s.scalar(select(Assessment).limit(1))
        assert free()  # a read takes nothing
        s.add(Assessment(kind="self", locale="ja", draft={}))
        s.flush()
        assert not free()
        s.commit()
        assert free()
        s.add(Assessment(kind="self", locale="ja", draft={}))
        s.flush()
        s.rollback()
        assert free()
        s.add(Assessment(kind="self", locale="ja", draft={}))
        s.flush()
        s.close()
        assert free()
        s.execute(insert(Assessment.__table__), {"token": "x" * 32, "kind": "self", "locale": "ja", "draft": {}})
        assert not free()  # a write statement through the session, without a flush, takes it too
        s.rollback()
        assert free()
        with db.writing() as conn:  # plain INSERTs without a session queue on it too
            conn.execute(insert(Assessment.__table__), {"token": "y" * 32, "kind": "self", "locale": "ja", "draft": {}})
            assert not free()
        assert free()
        with pytest.raises(RuntimeError), db.writing() as conn:
            conn.execute(insert(Assessment.__table__), {"token": "z" * 32, "kind": "self", "locale": "ja", "draft": {}})
            raise RuntimeError
        assert free()
        kept = factory().scalars(select(Assessment.token).where(Assessment.token.in_(["y" * 32, "z" * 32])))
        assert set(kept) == {"y" * 32}  # committed at the end of the block, rolled back on an exception

    def write():
        with app.app_context():
            s = factory()
            for _ in range(20):
                s.add(Assessment(kind="self", locale="ja", draft={}))
                s.commit()
            s.close()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    with app.app_context():
        assert factory().scalar(select(func.count()).select_from(Assessment)) == 82  # two committed above, 4 x 20
    assert free()



@pytest.fixture
def pg_engine(pg_schema_url, monkeypatch):
    """make_engine() on PostgreSQL, and a way to end a pooled connection's server process."""
    import assessment.store as store

    def make(ping_after: float | None = None):
        if ping_after is not None:
            monkeypatch.setattr(store, "PING_AFTER_IDLE", ping_after)
        engine = store.make_engine(pg_schema_url)
        made.append(engine)
        return engine

    made = []
    yield make
    for engine in made:
        engine.dispose()


def _backend_pid(conn) -> int:
    return conn.execute(text("SELECT pg_backend_pid()")).scalar()


def _terminate(engine, pid: int) -> None:
    with engine.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


@pytest.mark.postgres
def test_an_idle_pooled_connection_the_server_closed_is_replaced_unseen(pg_engine):
    engine = pg_engine(ping_after=0.0)  # every pooled connection counts as idle: pinged on checkout
    with engine.connect() as conn:
        dead = _backend_pid(conn)
    _terminate(pg_engine(), dead)
    with engine.connect() as conn:
        assert _backend_pid(conn) != dead


@pytest.mark.postgres
def test_a_connection_used_moments_ago_is_not_pinged(pg_engine):
    """The trade for skipping the ping under load: if the server dropped it within the idle window,
    the next statement fails once and the pool reconnects for the next request."""
    from sqlalchemy.exc import DBAPIError

    engine = pg_engine()
    with engine.connect() as conn:
        dead = _backend_pid(conn)
    _terminate(pg_engine(), dead)
    with pytest.raises(DBAPIError) as failed, engine.connect() as conn:
        _backend_pid(conn)
    assert failed.value.connection_invalidated
    with engine.connect() as conn:
        assert _backend_pid(conn) != dead


def test_one_statement_reads_and_writes_run_outside_a_transaction(app):
    with app.app_context():
        engine = db.autocommit_engine
        if engine.dialect.name == "sqlite":
            assert engine is db.engine  # pysqlite starts no transaction for a read
            return
        with engine.connect() as conn:
            conn.execute(insert(Assessment.__table__), {"token": "c" * 32, "kind": "self", "locale": "ja", "draft": {}})
            conn.rollback()  # nothing to roll back: the INSERT committed on its own
        assert db.session.scalar(select(func.count()).select_from(Assessment)) == 1
