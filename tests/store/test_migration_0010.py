"""0010_round_pages: rounds and invitations written before it read as not shared, not revoked, Japanese."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import create_engine, insert, select

from assessment.store.migrate import current, downgrade, upgrade
from tests.store.test_migration_0008 import _tables
from tests.store.test_migrations import empty_database_url  # noqa: F401  (fixture)

ROUND = {"token": "r" * 32, "period": "2026-Q3", "status": "closed", "opened_at": datetime(2026, 7, 1)}


def test_rows_from_before_take_the_defaults_and_the_downgrade_drops_only_the_new_columns(empty_database_url):  # noqa: F811
    url = empty_database_url
    upgrade(url, "0009_round_summary")
    tables = _tables(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        company = conn.execute(
            insert(tables.tables["company"]).values(
                name="株式会社前", name_key="前", created_at=datetime(2026, 7, 1), updated_at=datetime(2026, 7, 1)
            )
        ).inserted_primary_key
        assert company is not None
        rid = conn.execute(insert(tables.tables["round"]).values(company_id=company[0], **ROUND)).inserted_primary_key
        assert rid is not None
        conn.execute(
            insert(tables.tables["round_invitation"]).values(
                token="i" * 32,
                round_id=rid[0],
                role="marketing",
                created_at=datetime(2026, 7, 1),
                expires_at=datetime(2026, 7, 15),
            )
        )
    upgrade(url, "0010_round_pages")
    tables = _tables(url)
    with engine.connect() as conn:
        assert conn.execute(select(tables.tables["round"].c.share_gap)).scalar_one() is False
        inv = conn.execute(select(tables.tables["round_invitation"])).mappings().one()
        assert inv["locale"] == "ja" and inv["revoked_at"] is None
    engine.dispose()
    downgrade(url, "0009_round_summary")
    assert current(url) == "0009_round_summary"
    tables = _tables(url)
    assert "share_gap" not in tables.tables["round"].c and "locale" not in tables.tables["round_invitation"].c
    assert "token" in tables.tables["round_invitation"].c  # the rest stays
