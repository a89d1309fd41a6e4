"""Migrations carry rows over: rows written by the code of migration 0003, up to head and back.

tests/store/fixtures/rows_0003.json holds every table as that code left it: the demo's finished
assessment with a lead and a report link, an English API submission, a Japanese submission also
viewed in English (two stored locales) with a lead and a kept PDF, and a half-finished draft.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, insert, make_url, select, text

from assessment.services import verdicts
from assessment.store import Assessment, Company, Database, ReportFile
from assessment.store.migrate import current, downgrade, head, upgrade

ROWS = Path(__file__).parents[1] / "store" / "fixtures" / "rows_0003.json"
HEAD = head()
CONTRACT = ("questionnaire_version", "ruleset_version", "locale", "scores", "overall", "level", "unanswered")


def _decode(value):
    if isinstance(value, dict) and set(value) == {"$dt"}:
        return datetime.fromisoformat(value["$dt"])
    if isinstance(value, dict) and set(value) == {"$b64"}:
        return base64.b64decode(value["$b64"])
    return value


def _old_rows() -> dict[str, list[dict]]:
    data = json.loads(ROWS.read_text(encoding="utf-8"))
    return {table: [{k: _decode(v) for k, v in row.items()} for row in rows] for table, rows in data.items()}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request, tmp_path):
    """A database with no tables: a SQLite file, or a fresh PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    base = request.getfixturevalue("pg_url")
    schema = f"m_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _load_old_rows(url: str, rows: dict) -> None:
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if rows.get(table.name):
                conn.execute(insert(table), rows[table.name])
        if engine.dialect.name == "postgresql":  # the ids were given: move each sequence past them
            for table in rows:
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
                )
    engine.dispose()


def _contract(d: dict) -> dict:
    """What a reader of the public JSON sees: the fixed fields, the findings by id, the answers shown.

    Reasons and the level's description are read from the current bank by id, so a bank that rewords
    them (and the option labels an answer shows) rewords old rows too; tests/core/test_stored.py checks
    those. The level's number and name, titles and the questions each finding rests on stay.
    """
    return {
        **{k: d[k] for k in CONTRACT if k != "level"},
        "level": d["level"] and (d["level"]["number"], d["level"]["name"]),
        "pitfalls": [
            (p["id"], p["title"], p["severity"], [e["question"] for e in p["evidence"]]) for p in d["pitfalls"]
        ],
        "actions": [(a["step"], a["id"], a["title"], a["priority"], list(a["because"])) for a in d["actions"]],
    }


def test_rows_written_before_carry_over_to_head_and_back(empty_database_url):
    url, rows = empty_database_url, _old_rows()
    upgrade(url, "0003")
    _load_old_rows(url, rows)
    upgrade(url)
    assert current(url) == head()
    old = {a["token"]: a for a in rows["assessment"]}
    database = Database(url)
    try:
        with database.session() as s:
            for a in s.scalars(select(Assessment)):
                before = old[a.token]
                assert a.values == before["draft"]  # every answer is a row now
                if before["diagnoses"] is None:
                    assert (a.status, a.revision, a.revisions, a.results_token) == ("draft", 0, [], None)
                    continue
                assert (a.status, a.revision) == ("submitted", 1)
                # Results links sent before 0007_funnel carry the one token: they keep working, for a time.
                assert a.results_token == a.token and not a.results_expired()
                for locale, stored in before["diagnoses"].items():  # each stored locale reads the same
                    assert _contract(verdicts.diagnosis(a, locale).to_dict()) == _contract(stored)
            sample = s.scalars(select(Company).where(Company.name == "株式会社サンプル")).one()
            assert (sample.name_key, sample.email_domain) == ("サンプル", "sample.co.jp")
            kept = s.scalars(select(ReportFile)).one()
            assert (kept.revision, kept.locale, kept.content) == (1, "ja", b"%PDF-1.7 fake")
            # New rows after the copied ones: the id sequence was moved past them (PostgreSQL)
            s.add(ReportFile(assessment_id=kept.assessment_id, revision=1, locale="en", content=b"%PDF en"))
            s.add(Company(name="新しい会社", name_key="新しい会社"))
            s.commit()
    finally:
        database.dispose()

    downgrade(url, "0003")
    assert current(url) == "0003"
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        back = {r.token: r for r in conn.execute(select(metadata.tables["assessment"]))}
        files = metadata.tables["report_file"]
        assert sorted(conn.execute(select(files.c.locale)).scalars()) == ["en", "ja"]
    engine.dispose()
    for token, before in old.items():
        assert back[token].draft == before["draft"]
        if before["diagnoses"] is None:
            assert back[token].diagnoses is None
            continue
        ((locale, restored),) = back[token].diagnoses.items()
        assert locale == before["locale"] and _contract(restored) == _contract(before["diagnoses"][locale])
    upgrade(url)  # and up again: the downgraded rows are a valid 0003 database
    assert current(url) == head()


def test_jobs_and_webhook_tables_come_and_go_with_0006(empty_database_url):
    """0006 adds the job and webhook tables and nothing else; its downgrade leaves the schema as it was."""
    url = empty_database_url
    upgrade(url, "0006_jobs-1")
    before, below = _tables(url), current(url)
    upgrade(url, "0006_jobs")
    added = _tables(url) - before
    assert added == {"job", "webhook_endpoint", "webhook_delivery", "webhook_attempt"}
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.begin() as conn:  # the tables take the rows the code writes
        conn.execute(
            insert(metadata.tables["webhook_endpoint"]),
            {
                "url": "https://crm.example.com/hook",
                "events": ["lead.created"],
                "secret": "whsec_x",
                "enabled": True,
                "created_at": datetime(2026, 12, 1),
            },
        )
    engine.dispose()
    downgrade(url, "0006_jobs-1")
    assert current(url) == below and _tables(url) == before
    upgrade(url)
    assert current(url) == head()


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    engine.dispose()
    return set(metadata.tables) - {"alembic_version"}


def test_the_migrations_build_the_schema_the_models_declare(empty_database_url):
    """Tables, columns and their types, indexes, keys: what autogenerate would still have to write is nothing."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from assessment.store import Base

    upgrade(empty_database_url)
    engine = create_engine(empty_database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
