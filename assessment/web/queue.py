"""The app's job dispatcher: RQ when REDIS_URL is set, else a background thread started by the first job.

from assessment.web.queue import jobs
jobs().render(a.id, a.revision, locale)
"""

from __future__ import annotations

from flask import Flask, current_app, g

from assessment.jobs import Dispatcher, make_dispatcher
from assessment.jobs.tasks import Settings
from assessment.services.webhooks import recorded


def init_app(app: Flask) -> None:
    app.extensions["jobs"] = make_dispatcher(
        app.extensions["database"],
        app.config["REDIS_URL"],
        prefix=app.config["JOB_QUEUE_PREFIX"],
        settings=Settings(
            webhook_allow_private=app.config["WEBHOOK_ALLOW_PRIVATE"],
            speculative_limit=app.config["SPECULATIVE_LIMIT"],
            smtp={k: v for k, v in app.config.items() if k.startswith("SMTP_") and isinstance(v, str)},
        ),
    )
    app.after_request(_kick_recorded)


def _kick_recorded(response):
    """Queue the webhook deliveries this request's events recorded (lead.created, assessment.submitted,
    round.closed): once, at the end, whichever route committed them, and no query when there are none."""
    session = g.get("_db_session")
    if session is not None and recorded(session):
        jobs().kick()
    return response


def jobs() -> Dispatcher:
    return current_app.extensions["jobs"]
