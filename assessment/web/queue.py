"""The app's job dispatcher: RQ when REDIS_URL is set, else a background thread started by the first job.

from assessment.web.queue import jobs
jobs().render(a.id, a.revision, locale)
"""

from __future__ import annotations

from flask import Flask, current_app

from assessment.jobs import Dispatcher, make_dispatcher
from assessment.jobs.tasks import Settings


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


def jobs() -> Dispatcher:
    return current_app.extensions["jobs"]
