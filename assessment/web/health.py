"""/healthz: the load balancer's probe; it answers 200 only when the database does."""
from flask import Blueprint, jsonify
from sqlalchemy.exc import SQLAlchemyError

from ..store import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.ping()
    except SQLAlchemyError as exc:
        return jsonify(status="error", database=type(exc).__name__), 503
    return jsonify(status="ok", database="ok")
