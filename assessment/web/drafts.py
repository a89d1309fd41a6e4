"""The draft cookie: the draft token (services/access.py), so a refresh or a closed tab resumes."""

from __future__ import annotations

from flask import current_app, request

from assessment.services import access
from assessment.store.models import Assessment
from assessment.web.database import db


def cookie_token() -> str | None:
    return request.cookies.get(current_app.config["DRAFT_COOKIE"])


def current() -> Assessment | None:
    """This browser's draft, with its answers: every page that reads the draft shows or saves them."""
    return access.by_draft_token(db.session, cookie_token(), current_app.config["DRAFT_DAYS"], with_answers=True)


def remember(response, a: Assessment):
    cfg = current_app.config
    response.set_cookie(
        cfg["DRAFT_COOKIE"],
        a.token,
        max_age=cfg["DRAFT_DAYS"] * 24 * 3600,
        httponly=True,
        secure=cfg["SESSION_COOKIE_SECURE"],
        samesite=cfg["SESSION_COOKIE_SAMESITE"],
        partitioned=cfg["SESSION_COOKIE_PARTITIONED"],
    )
    return response


def forget(response):
    cfg = current_app.config
    response.delete_cookie(
        cfg["DRAFT_COOKIE"],
        httponly=True,
        secure=cfg["SESSION_COOKIE_SECURE"],
        samesite=cfg["SESSION_COOKIE_SAMESITE"],
        partitioned=cfg["SESSION_COOKIE_PARTITIONED"],
    )
    return response
