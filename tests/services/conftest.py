"""A migrated database (SQLite file or a PostgreSQL schema) and a session on it, for use-case tests."""

from __future__ import annotations

import pytest

from assessment.store import Base, Database
from assessment.store.migrate import upgrade


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request, tmp_path):
    url = request.getfixturevalue("pg_schema_url") if request.param == "postgres" else f"sqlite:///{tmp_path / 's.db'}"
    upgrade(url)
    database = Database(url)
    yield database
    if request.param == "postgres":  # one schema per run: empty the tables between tests
        with database.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    database.dispose()


@pytest.fixture
def session(database):
    with database.session() as session:
        yield session
