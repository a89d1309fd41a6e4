"""The draft cookie: an unguessable assessment token, so a refresh or a closed tab resumes."""

from __future__ import annotations

from flask import current_app, request

from assessment.services import assessments as flow
from assessment.store.models import Assessment
from assessment.web.database import db

MAX_AGE = 90 * 24 * 3600


def cookie_token() -> str | None:
    return request.cookies.get(current_app.config["DRAFT_COOKIE"])


def current() -> Assessment | None:
    """This browser's draft, with its answers: every page that reads the draft shows or saves them."""
    return flow.find(db.session, cookie_token(), with_answers=True)


def remember(response, a: Assessment):
    cfg = current_app.config
    response.set_cookie(
        cfg["DRAFT_COOKIE"],
        a.token,
        max_age=MAX_AGE,
        httponly=True,
        secure=cfg["SESSION_COOKIE_SECURE"],
        samesite=cfg["SESSION_COOKIE_SAMESITE"],
    )
    return response


def forget(response):
    cfg = current_app.config
    response.delete_cookie(
        cfg["DRAFT_COOKIE"], httponly=True, secure=cfg["SESSION_COOKIE_SECURE"], samesite=cfg["SESSION_COOKIE_SAMESITE"]
    )
    return response
