"""/healthz: the load balancer's liveness probe (the database answers); /readyz adds the PDF fonts.

Both also say whether the shared rate-limit store (Redis) answers. It does not fail the probe: the
limiter fails open (counting in each process's memory meanwhile), so the site keeps serving.
"""

import redis
from flask import Blueprint, current_app, jsonify
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


def _rate_limits() -> str:
    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    if not uri.startswith(("redis://", "rediss://", "unix://")):
        return "per process"  # memory://: each worker counts apart
    conn = redis.Redis.from_url(uri, socket_timeout=1, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.RedisError as exc:
        return f"{type(exc).__name__} (limits counted per process meanwhile)"
    finally:
        conn.close()
    return "ok"


@bp.get("/healthz")
def healthz():
    database, queue = _database(), _queue()
    status = "error" if database != "ok" else "degraded" if queue.startswith("down") else "ok"
    # 503 only for the database: with the queue down this process still takes submissions.
    return jsonify(
        status=status, database=database, queue=queue, rate_limits=_rate_limits()
    ), 200 if database == "ok" else 503


@bp.get("/readyz")
def readyz():
    """Everything /healthz checks, and whether PDFs will render fast and in the right font."""
    from assessment.report import check_fonts  # imports WeasyPrint: on the first probe, not at start-up

    database = _database()
    fonts = list(check_fonts())
    ok = database == "ok"
    return jsonify(
        status="ok" if ok else "error", database=database, rate_limits=_rate_limits(), fonts=fonts or "ok"
    ), 200 if ok else 503
