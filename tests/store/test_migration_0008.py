"""Migration 0005_workspace: rows written at 0004 stay valid under the workspace tables, and back."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import MetaData, create_engine, insert, select

from assessment.store.migrate import current, downgrade, head, upgrade
from tests.store.test_migrations import empty_database_url  # noqa: F401  (the fixture: SQLite and PostgreSQL)

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)


def _tables(url: str) -> MetaData:
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    engine.dispose()
    return metadata


def test_0004_rows_carry_over_to_0005_and_back(empty_database_url):  # noqa: F811
    url = empty_database_url
    upgrade(url, "0004")
    t = _tables(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            insert(t.tables["company"]),
            [{"id": 1, "name": "株式会社A", "name_key": "a", "created_at": NOW, "updated_at": NOW}],
        )
        conn.execute(
            insert(t.tables["assessment"]),
            [
                {
                    "id": 1,
                    "token": "t" * 32,
                    "kind": "self",
                    "status": "submitted",
                    "revision": 1,
                    "locale": "ja",
                    "company_id": 1,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            ],
        )
        conn.execute(
            insert(t.tables["answer"]),
            [
                {
                    "assessment_id": 1,
                    "question": "al_goal_agreement",
                    "value": "verbal_only",
                    "note": "memo",
                    "to_verify": True,
                    "updated_at": NOW,
                }
            ],
        )
        conn.execute(
            insert(t.tables["revision"]),
            [
                {
                    "assessment_id": 1,
                    "number": 1,
                    "verdict": {"pitfalls": [{"id": "silo"}, {"id": "vanity_metrics"}]},
                    "created_at": NOW,
                }
            ],
        )
        conn.execute(
            insert(t.tables["lead"]),
            [
                {
                    "assessment_id": 1,
                    "company_id": 1,
                    "name": "山田",
                    "company_name": "株式会社A",
                    "email": "y@a.co.jp",
                    "role": "cmo",
                    "company_size": "s1_9",
                    "consent": True,
                    "locale": "ja",
                    "created_at": NOW,
                }
            ],
        )
    engine.dispose()

    upgrade(url)
    assert current(url) == head()
    t = _tables(url)
    assert {
        "account",
        "account_role",
        "account_roles",
        "invitation",
        "company_share",
        "client_note",
        "comment",
        "audit_event",
    } <= set(t.tables)
    engine = create_engine(url)
    with engine.begin() as conn:
        lead = conn.execute(select(t.tables["lead"])).one()
        assert (lead.status, lead.assignee_id, lead.name) == ("new", None, "山田")
        answer = conn.execute(select(t.tables["answer"])).one()
        assert (answer.note, answer.to_verify, answer.note_in_report) == ("memo", True, False)
        assert conn.execute(select(t.tables["company"].c.owner_id)).scalar_one() is None
        assert conn.execute(select(t.tables["revision"].c.comments)).scalar_one() is None
        assert conn.execute(select(t.tables["assessment"].c.top_pitfall)).scalar_one() == "silo"
        # The new tables take rows that point at the old ones.
        conn.execute(
            insert(t.tables["account"]), [{"id": 1, "email": "c@x.jp", "fs_uniquifier": "u1", "created_at": NOW}]
        )
        conn.execute(t.tables["company"].update().values(owner_id=1))
        conn.execute(
            insert(t.tables["comment"]), [{"assessment_id": 1, "scope": "overall", "body": "良い", "updated_at": NOW}]
        )
    engine.dispose()

    downgrade(url, "0004")
    assert current(url) == "0004"
    t = _tables(url)
    assert "account" not in t.tables and "comment" not in t.tables
    engine = create_engine(url)
    with engine.connect() as conn:
        assert "status" not in t.tables["lead"].c and "owner_id" not in t.tables["company"].c
        assert conn.execute(select(t.tables["answer"].c.note)).scalar_one() == "memo"
        assert conn.execute(select(t.tables["lead"].c.name)).scalar_one() == "山田"
    engine.dispose()
    upgrade(url)
    assert current(url) == head()
