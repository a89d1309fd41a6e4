"""Writers to one SQLite file queue on a lock file instead of in SQLite's busy handler.

Why: SQLite lets one writer in at a time; the others retry after sleeps that grow to 100 ms, so
under load a short INSERT waits hundreds of milliseconds (bench/web.py, 32 clients on SQLite:
submission p99 above 700 ms without this). A thread lock within the process plus flock(2) across
gunicorn's workers hands the write lock over the moment it is released. It is taken at a
session's first flush or write statement and released when its transaction ends, so reads never
wait. PostgreSQL needs none of this.
"""

from __future__ import annotations

import fcntl
import os
import threading

from sqlalchemy import event
from sqlalchemy.orm import sessionmaker


class SQLiteWriteLock:
    def __init__(self, database: str):
        self.path = f"{database}.writelock"
        self._thread_lock = threading.Lock()
        self._fd: int | None = None
        self._pid: int | None = None

    def _file(self) -> int:
        if self._fd is None or self._pid != os.getpid():  # a forked worker needs its own open file
            self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
        return self._fd

    def acquire(self) -> None:
        self._thread_lock.acquire()
        try:
            fcntl.flock(self._file(), fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise

    def release(self) -> None:
        try:
            fcntl.flock(self._file(), fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def held(self) -> bool:
        """True while some thread of this process holds the lock (for tests)."""
        return self._thread_lock.locked()


def serialise_writes(factory: sessionmaker, lock: SQLiteWriteLock) -> None:
    """Make every session from `factory` take `lock` before its first write, until its transaction ends."""

    def take(session) -> None:
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
