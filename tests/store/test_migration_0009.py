"""Migration 0009_round_summary: rounds closed before it get their level, scores and a due date; and back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import MetaData, create_engine, insert, select

from assessment.diagnose.pipeline import diagnose
from assessment.store.migrate import current, downgrade, upgrade
from tests.factories import make_answers
from tests.store.test_migrations import empty_database_url  # noqa: F401  (the fixture: SQLite and PostgreSQL)

CLOSED = datetime(2026, 9, 30, 9, tzinfo=UTC)


def _round_table(url: str):
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    return engine, metadata.tables["round"], metadata.tables["company"]


def test_rounds_closed_before_0009_get_their_summary_and_a_due_date(empty_database_url):  # noqa: F811
    url = empty_database_url
    upgrade(url, "0008_workspace")
    verdict = diagnose(make_answers(2)).to_dict()
    engine, rnd, company = _round_table(url)
    with engine.begin() as conn:
        conn.execute(
            insert(company),
            [{"id": 1, "name": "株式会社旧", "name_key": "旧", "created_at": CLOSED, "updated_at": CLOSED}],
        )
        row = {"company_id": 1, "status": "closed", "opened_at": CLOSED, "closed_at": CLOSED, "verdict": verdict}
        conn.execute(
            insert(rnd),
            [
                {**row, "id": 1, "token": "a" * 32, "period": "2026-Q3", "due_at": None},  # due: a quarter later
                {**row, "id": 2, "token": "b" * 32, "period": "2026-Q2", "due_at": CLOSED + timedelta(days=10)},
                {**row, "id": 3, "token": "c" * 32, "period": "2026-Q4", "status": "open", "closed_at": None,
                 "verdict": None, "due_at": None},
            ],
        )  # fmt: skip
    engine.dispose()
    upgrade(url, "0009_round_summary")
    engine, rnd, _ = _round_table(url)
    with engine.connect() as conn:
        got = {r.id: r for r in conn.execute(select(rnd))}
    engine.dispose()
    for rid in (1, 2):
        assert (got[rid].level, got[rid].overall, got[rid].scores) == (
            verdict["level"],
            verdict["overall"],
            verdict["scores"],
        )
    due = {rid: got[rid].due_at.replace(tzinfo=UTC) for rid in (1, 2)}
    assert due == {1: CLOSED + timedelta(days=91), 2: CLOSED + timedelta(days=10)}  # one set by hand is kept
    assert (got[3].level, got[3].scores, got[3].due_at) == (None, None, None)
    downgrade(url, "0008_workspace")
    assert current(url) == "0008_workspace"
    engine, rnd, _ = _round_table(url)
    assert "level" not in rnd.c and "scores" not in rnd.c
    engine.dispose()
