"""The jobs: what each kind does, on a session the runner commits, and its limits.

Each is idempotent: run twice, the second finds its work done (a kept report, a delivered
message, a job marked done) and stops.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from assessment.services import mail, reports, webhooks


@dataclass(frozen=True)
class Settings:
    """What the jobs read from the environment (the web's and the worker's are the same variables)."""

    webhook_allow_private: bool = False
    webhook_schedule: tuple[int, ...] = webhooks.SCHEDULE
    webhook_timeout: float = webhooks.TIMEOUT
    speculative_limit: int = 20
    smtp: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        schedule = env.get("WEBHOOK_RETRY_SECONDS")
        return cls(
            webhook_allow_private=env.get("WEBHOOK_ALLOW_PRIVATE", "") in ("1", "true", "yes", "on"),
            webhook_schedule=tuple(int(s) for s in schedule.split(",")) if schedule else webhooks.SCHEDULE,
            speculative_limit=int(env.get("SPECULATIVE_LIMIT", "20")),
            smtp={k: v for k, v in env.items() if k.startswith("SMTP_")},
        )


def render(session: Session, settings: Settings, *, assessment_id: int, revision: int, locale: str) -> None:
    reports.render_and_keep(session, assessment_id, revision, locale)


def deliver(session: Session, settings: Settings, *, delivery_id: int) -> None:
    webhooks.deliver(
        session,
        delivery_id,
        allow_private=settings.webhook_allow_private,
        schedule=settings.webhook_schedule,
        timeout=settings.webhook_timeout,
    )


def email(
    session: Session, settings: Settings, *, to: str, subject: str, body: str, to_name: str = "", sender_name: str = ""
) -> None:
    """Send a plain-text e-mail through the SMTP server the environment names (services/mail.py)."""
    smtp = mail.SmtpSettings.from_config(settings.smtp)
    if smtp is None:
        raise RuntimeError("SMTP_HOST is not set: e-mail cannot be sent")
    mail.send(smtp, mail.message(smtp, to=to, to_name=to_name, sender_name=sender_name, subject=subject, body=body))


@dataclass(frozen=True)
class Task:
    run: Callable[..., None]
    timeout: int  # seconds; the queue stops a try that runs longer
    retries: tuple[int, ...]  # seconds before each retry after a failure (a crash included)


TASKS: dict[str, Task] = {
    # A killed worker is mostly a deploy or an out-of-memory kill: try again soon, then back off.
    "render": Task(render, timeout=120, retries=(2, 30, 300)),
    # One try per job: a failed delivery records its next try (webhooks.SCHEDULE) as a new job.
    "webhook": Task(deliver, timeout=60, retries=(10, 60)),
    "email": Task(email, timeout=60, retries=(30, 300, 1800)),
}
