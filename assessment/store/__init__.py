"""Persistence: SQLAlchemy 2 engine and sessions, bound to a Flask app by init_app().

    from assessment.store import db
    db.init_app(app)          # in the app factory
    db.session.add(...)       # in a request; closed at the end of the app context
"""
from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from .models import Assessment, Base, Company, FunnelEvent, Lead, ReportFile, ReportLink

__all__ = ["db", "Store", "make_engine", "Assessment", "Base", "Company", "FunnelEvent", "Lead", "ReportFile",
           "ReportLink"]


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(conn, _record):
            # WAL lets gunicorn workers read while one writes; foreign keys are off by default.
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


class Store:
    """The app's database handle: one engine per app, one session per app context."""

    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        engine = make_engine(url)
        app.extensions["store"] = sessionmaker(engine, expire_on_commit=False)
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
    def session(self) -> Session:
        if "_store_session" not in g:
            g._store_session = current_app.extensions["store"]()
        return g._store_session

    def ping(self) -> None:
        self.session.execute(text("SELECT 1"))


db = Store()
