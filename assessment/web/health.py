"""/healthz: the load balancer's liveness probe (the database answers); /readyz adds the PDF fonts."""

from flask import Blueprint, jsonify
from sqlalchemy.exc import SQLAlchemyError

from assessment.web.database import db

bp = Blueprint("health", __name__)


def _database() -> str:
    try:
        db.database.ping()
    except SQLAlchemyError as exc:
        return type(exc).__name__
    return "ok"


def _queue() -> str:
    """ok, in-process (no Redis configured), or down: submissions go on, their jobs wait in the database."""
    from assessment.web.queue import jobs

    return jobs().health()


@bp.get("/healthz")
def healthz():
    database, queue = _database(), _queue()
    status = "error" if database != "ok" else "degraded" if queue.startswith("down") else "ok"
    # 503 only for the database: with the queue down this process still takes submissions.
    return jsonify(status=status, database=database, queue=queue), 200 if database == "ok" else 503


@bp.get("/readyz")
def readyz():
    """Everything /healthz checks, and whether PDFs will render fast and in the right font."""
    from assessment.report import check_fonts  # imports WeasyPrint: on the first probe, not at start-up

    database = _database()
    fonts = list(check_fonts())
    ok = database == "ok"
    return jsonify(status="ok" if ok else "error", database=database, fonts=fonts or "ok"), 200 if ok else 503
