"""Persistence: SQLAlchemy 2 engine and sessions, bound to a Flask app by init_app().

    from assessment.store import db
    db.init_app(app)          # in the app factory
    db.session.add(...)       # in a request; closed at the end of the app context
"""
from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.orm import Session, sessionmaker

from .models import Assessment, Base, Company, FunnelEvent, Lead, ReportFile, ReportLink

__all__ = ["db", "Store", "make_engine", "Assessment", "Base", "Company", "FunnelEvent", "Lead", "ReportFile",
           "ReportLink"]


def _json(value) -> str:
    # UTF-8 text, not \u escapes: a stored Japanese diagnosis is 40% smaller, and so is each write.
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
    # LIFO: the connection just given back is taken next, so under load the same few stay warm and
    # the surplus sits idle, where a server-side idle timeout may close it and the ping below notices.
    engine = create_engine(url, pool_size=10, max_overflow=10, pool_use_lifo=True, json_serializer=_json)
    _ping_when_idle(engine, PING_AFTER_IDLE)
    return engine


PING_AFTER_IDLE = 5.0  # seconds


def _ping_when_idle(engine: Engine, after: float) -> None:
    """pool_pre_ping, but only for a connection that has sat in the pool `after` seconds or more.

    pool_pre_ping=True sent a SELECT 1 before every request's first statement: a fifth of a question
    page's CPU on PostgreSQL. A connection given back moments ago is alive unless the server went down
    in those moments, and then the requests in flight fail anyway; the first statement on such a
    connection invalidates the pool, so the next requests reconnect.
    """
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_conn, record):
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn, record):
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_conn, record, _proxy):
        if time.monotonic() - record.info.get("returned_at", 0.0) < after:
            return
        try:
            dialect.do_ping(dbapi_conn)
        except dialect.loaded_dbapi.Error as exc:
            # As pool_pre_ping does: the server went away, so every pooled connection is stale; reconnect.
            raise InvalidatePoolError("a pooled connection did not answer a ping") from exc


class SQLiteWriteLock:
    """Writers to one SQLite file queue here instead of in SQLite's busy handler.

    SQLite lets one writer in at a time; the others retry after sleeps that grow to 100 ms, so
    under load a short INSERT waits hundreds of milliseconds (submission p99 > 700 ms at 32
    clients). A thread lock within the process plus flock(2) across gunicorn's workers hands the
    write lock over the moment it is released. Taken at a session's first flush or write statement,
    released when its transaction ends, so reads never wait.
    """

    def __init__(self, database: str):
        self.path = f"{database}.writelock"
        self._thread_lock = threading.Lock()
        self._fd: int | None = None
        self._pid: int | None = None

    def _file(self) -> int:
        if self._pid != os.getpid():  # a forked worker needs its own open file for flock to exclude
            self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
        return self._fd

    def acquire(self) -> None:
        import fcntl

        self._thread_lock.acquire()
        try:
            fcntl.flock(self._file(), fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise

    def release(self) -> None:
        import fcntl

        try:
            fcntl.flock(self._file(), fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


def _serialise_writes(factory: sessionmaker, lock: SQLiteWriteLock) -> None:
    def take(session):
        if not session.info.get("write_lock"):
            lock.acquire()
            session.info["write_lock"] = True

    @event.listens_for(factory, "before_flush")
    def _take(session, _ctx, _instances):
        take(session)

    @event.listens_for(factory, "do_orm_execute")
    def _take_for_statement(state):  # INSERT/UPDATE/DELETE statements run through the session, not a flush
        if state.is_insert or state.is_update or state.is_delete:
            take(state.session)

    @event.listens_for(factory, "after_transaction_end")
    def _give_back(session, transaction):
        if transaction.parent is None and session.info.pop("write_lock", False):
            lock.release()


class Store:
    """The app's database handle: one engine per app, one session per app context."""

    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        engine = make_engine(url)
        factory = sessionmaker(engine, expire_on_commit=False)
        sqlite = engine.url.get_backend_name() == "sqlite"
        database = engine.url.database if sqlite else None
        if database and database != ":memory:" and app.config.get("SQLITE_WRITE_LOCK", True):
            lock = app.extensions["store_write_lock"] = SQLiteWriteLock(str(Path(database).resolve()))
            _serialise_writes(factory, lock)
        app.extensions["store"] = factory
        # pysqlite begins a transaction only before a write, so a read is already outside one there.
        app.extensions["store_autocommit"] = (
            engine if sqlite else engine.execution_options(isolation_level="AUTOCOMMIT"))
        if app.config.get("AUTO_MIGRATE"):
            from .migrate import upgrade

            upgrade(url, engine=engine)
        app.teardown_appcontext(self._close)

    @staticmethod
    def _close(_exc=None) -> None:
        session = g.pop("_store_session", None)
        if session is not None:
            session.close()

    @property
    def engine(self) -> Engine:
        return current_app.extensions["store"].kw["bind"]

    @property
    def autocommit_engine(self) -> Engine:
        """The engine, each statement its own transaction: for work that is one statement.

        A read or write of one statement needs no BEGIN and COMMIT (or ROLLBACK) around it; on
        PostgreSQL those are two more round trips, which cost a page read more than its SELECT.
        """
        return current_app.extensions["store_autocommit"]

    @property
    def session(self) -> Session:
        if "_store_session" not in g:
            g._store_session = current_app.extensions["store"]()
        return g._store_session

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A transaction on a pooled connection, without an ORM session: for plain INSERTs.

        Commits at the end of the block, rolls back on an exception; on SQLite the block queues
        on the write lock like a session's writes.
        """
        lock = current_app.extensions.get("store_write_lock")
        if lock is not None:
            lock.acquire()
        try:
            with self.engine.begin() as conn:
                yield conn
        finally:
            if lock is not None:
                lock.release()

    def ping(self) -> None:
        self.session.execute(text("SELECT 1"))


db = Store()
