"""The app's database: one Database per app, one session per app context.

from assessment.web.database import db
db.session.add(...)       # in a request; closed at the end of the app context
"""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from assessment.store import Database


class FlaskDatabase:
    def init_app(self, app: Flask) -> None:
        app.extensions["database"] = Database(
            app.config["DATABASE_URL"], sqlite_write_lock=app.config.get("SQLITE_WRITE_LOCK", True)
        )
        app.teardown_appcontext(self._close)

    @staticmethod
    def _close(_exc=None) -> None:
        session = g.pop("_db_session", None)
        if session is not None:
            session.close()

    @property
    def database(self) -> Database:
        return current_app.extensions["database"]

    @property
    def session(self) -> Session:
        if "_db_session" not in g:
            g._db_session = self.database.session()
        return g._db_session


db = FlaskDatabase()
