"""The database handle: an engine and a session factory for one URL. No Flask here.

    database = Database(url)
    with database.session() as session:
        ...

The web binds one per app (assessment.web.database); the CLI and the jobs make their own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from assessment import paths
from assessment.store.sqlite_lock import SQLiteWriteLock, serialise_writes


def default_url(env=os.environ) -> str:
    """DATABASE_URL, or the SQLite file in the instance folder (created by `assessment db upgrade`)."""
    return env.get("DATABASE_URL") or f"sqlite:///{paths.INSTANCE_DIR / 'assessment.db'}"


def _json(value) -> str:
    # UTF-8 text, not \u escapes: a stored Japanese diagnosis is 40% smaller.
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, json_serializer=_json)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(conn, _record):
            # WAL lets gunicorn workers read while one writes; foreign keys are off by default.
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True, json_serializer=_json)


class Database:
    """One engine and its session factory. Sessions keep their objects readable after commit."""

    def __init__(self, url: str, *, sqlite_write_lock: bool = True):
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.write_lock: SQLiteWriteLock | None = None
        database = self.engine.url.database if self.engine.url.get_backend_name() == "sqlite" else None
        if database and database != ":memory:" and sqlite_write_lock:
            self.write_lock = SQLiteWriteLock(str(Path(database).resolve()))
            serialise_writes(self.sessions, self.write_lock)

    def session(self) -> Session:
        return self.sessions()

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
