"""Signed webhooks to the consultancy's CRM (Standard Webhooks 1.0, signed by `standardwebhooks`).

emit() writes, in the caller's transaction, one delivery per subscribed endpoint and the job
that sends it, so an event is never committed without its delivery. deliver() makes one try;
a failed try is tried again on SCHEDULE (about a day in all), a 410 disables the endpoint.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from standardwebhooks.webhooks import Webhook

from assessment.services import egress
from assessment.services import jobs as job_records
from assessment.services.verdicts import diagnosis
from assessment.store.background import EVENTS, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from assessment.store.models import Assessment, Lead, Round, utcnow

if TYPE_CHECKING:
    from assessment.diagnose.compare import PerceptionGap
    from assessment.diagnose.diagnosis import Diagnosis

# Seconds before try 2, 3, ...: the Standard Webhooks reference schedule, 27.6 hours in all.
SCHEDULE = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
TIMEOUT = 10.0  # seconds for one try, connecting included
RECORDED = "webhooks_recorded"  # session.info key: emit() wrote deliveries to queue


class WebhookError(ValueError):
    """An endpoint that cannot be configured as asked; the message says why."""


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _check_events(events: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(events))
    unknown = [e for e in chosen if e not in EVENTS]
    if not chosen or unknown:
        raise WebhookError(f"events must be some of {', '.join(EVENTS)}" + (f"; unknown: {unknown}" if unknown else ""))
    return chosen


class BadSecret(WebhookError):
    """A secret that is not whsec_ followed by base64."""


def _check_secret(secret: str) -> str:
    if not secret.startswith("whsec_"):
        raise BadSecret("the secret must start with whsec_")
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        Webhook(secret)
    except Exception as exc:  # binascii's errors and the package's own
        raise BadSecret(f"the secret must be whsec_ followed by base64: {exc}") from None
    if not 24 <= len(key) <= 64:  # the spec's range: a short key is guessable
        raise BadSecret(f"the secret must be 24 to 64 bytes of base64 after whsec_, not {len(key)}")
    return secret


def add_endpoint(
    session: Session,
    url: str,
    events: Iterable[str],
    *,
    secret: str | None = None,
    description: str | None = None,
    allow_private: bool = False,
) -> WebhookEndpoint:
    """Add a receiver; refuses a URL that is not https (or resolves to a private address) unless allowed."""
    endpoint = WebhookEndpoint(
        url=_check_url(url, allow_private),
        events=_check_events(events),
        secret=_check_secret(secret) if secret else new_secret(),
        description=(description or None) and description[:200],
        enabled=True,
    )
    session.add(endpoint)
    session.commit()
    return endpoint


class RefusedURL(WebhookError):
    """The egress guard refused the URL; `reason` as egress.Refused names it (or "invalid")."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def _check_url(url: str, allow_private: bool) -> str:
    url = url.strip()
    if len(url) > 2000:
        raise WebhookError("the URL is longer than 2000 characters")
    try:
        egress.check_url(url, allow_private=allow_private)
        parts = httpx.URL(url)
        egress.resolve(parts.host, parts.port or 443, allow_private=allow_private)
    except egress.Refused as exc:
        raise RefusedURL(str(exc), exc.reason) from None
    except httpx.InvalidURL as exc:
        raise RefusedURL(str(exc), "invalid") from None
    return url


def update_endpoint(
    session: Session,
    endpoint_id: int,
    url: str,
    events: Iterable[str],
    *,
    description: str | None = None,
    allow_private: bool = False,
) -> WebhookEndpoint:
    """Change an endpoint's URL, events and description (checked as add_endpoint checks them)."""
    found = endpoint(session, endpoint_id)
    found.url, found.events = _check_url(url, allow_private), _check_events(events)
    found.description = (description or None) and description[:200]
    session.commit()
    return found


def rotate_secret(session: Session, endpoint_id: int, secret: str | None = None) -> WebhookEndpoint:
    """A new whsec_ secret (given, or made here): every try from now on, retries included, is signed with it."""
    found = endpoint(session, endpoint_id)
    found.secret = _check_secret(secret) if secret else new_secret()
    session.commit()
    return found


TEST_EVENT = "webhook.test"  # not a subscription: sent on an admin's request, to one endpoint


def send_test(session: Session, endpoint_id: int) -> WebhookDelivery:
    """Queue a signed test message to one endpoint (logged like any delivery); the caller kicks the queue."""
    found = endpoint(session, endpoint_id)
    if not found.enabled:
        raise WebhookError(f"endpoint {endpoint_id} is disabled: enable it first")
    delivery = _delivery(session, found, TEST_EVENT, {"endpoint_id": found.id, "test": True})
    session.info[RECORDED] = True
    session.commit()
    return delivery


def endpoints(session: Session) -> Sequence[WebhookEndpoint]:
    return session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()


def endpoint(session: Session, endpoint_id: int) -> WebhookEndpoint:
    found = session.get(WebhookEndpoint, endpoint_id)
    if found is None:
        raise WebhookError(f"no webhook endpoint {endpoint_id}")
    return found


def set_enabled(session: Session, endpoint_id: int, enabled: bool) -> WebhookEndpoint:
    found = endpoint(session, endpoint_id)
    found.enabled, found.disabled_reason = enabled, None if enabled else "disabled by an admin"
    session.commit()
    return found


def remove_endpoint(session: Session, endpoint_id: int) -> None:
    session.delete(endpoint(session, endpoint_id))
    session.commit()


def next_job_key(delivery: WebhookDelivery) -> str:
    """The key of the job making the delivery's next try."""
    return f"webhook:{delivery.id}:{delivery.attempts + 1}"


def _queue(session: Session, delivery: WebhookDelivery, at: datetime | None) -> None:
    """Record the job for the delivery's next try (committed by the caller)."""
    session.flush()  # the delivery's id names the job
    job_records.add(session, "webhook", next_job_key(delivery), {"delivery_id": delivery.id}, at)


def _delivery(session: Session, target: WebhookEndpoint, event: str, payload: dict) -> WebhookDelivery:
    body = {"type": event, "timestamp": utcnow().isoformat(), "data": payload}
    delivery = WebhookDelivery(
        endpoint=target,
        event=event,
        message_id="msg_" + secrets.token_urlsafe(18),
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status="pending",
        next_try_at=utcnow(),
    )
    session.add(delivery)
    _queue(session, delivery, None)
    return delivery


def emit(session: Session, event: str, data: Callable[[], dict]) -> list[WebhookDelivery]:
    """Queue `event` to every enabled endpoint that takes it; the caller commits.

    `data` makes the payload, called only when some endpoint takes the event.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    with session.no_autoflush:  # the caller's pending rows do not change who subscribes: flush them once, later
        endpoints = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.enabled)).all()
    targets = [e for e in endpoints if event in e.events]
    if not targets:
        return []
    session.flush()  # the payload reads rows the caller has only added (ids, the new revision)
    payload = data()
    deliveries = [_delivery(session, target, event, payload) for target in targets]
    session.info[RECORDED] = True  # whoever owns the session queues them once it commits (kick)
    return deliveries


def recorded(session: Session) -> bool:
    """Whether emit() recorded deliveries on this session since the last call (and forget it)."""
    return bool(session.info.pop(RECORDED, False))


@dataclass(frozen=True)
class Outcome:
    """What one try did: the delivery's status after it and when the next try is due."""

    status: str
    response_code: int | None
    next_try_at: datetime | None


def deliver(
    session: Session,
    delivery_id: int,
    *,
    allow_private: bool = False,
    schedule: tuple[int, ...] = SCHEDULE,
    timeout: float = TIMEOUT,
) -> Outcome | None:
    """One try of a delivery (a job). None when there is nothing to send (delivered, gone, disabled)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status in ("delivered", "gone", "gave_up"):
        return None
    target = delivery.endpoint
    if not target.enabled:
        return None
    now = datetime.now(UTC)
    # A fresh timestamp on each try (receivers refuse ones older than five minutes); the id stays.
    headers = {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(target.secret).sign(delivery.message_id, now, delivery.body),
        "content-type": "application/json",
        "user-agent": "cmo-assessment-webhooks/1",
    }
    code, error, duration = None, None, 0
    try:
        answer = egress.post(target.url, delivery.body.encode(), headers, timeout=timeout, allow_private=allow_private)
        code, duration = answer.status, answer.duration_ms
    except egress.Refused as exc:
        error = f"refused: {exc}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    delivery.attempts += 1
    delivery.response_code = code
    session.add(WebhookAttempt(delivery=delivery, response_code=code, duration_ms=duration, error=error))
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.delivered_at, delivery.next_try_at = "delivered", utcnow(), None
    elif code == 410:  # the receiver says this endpoint is gone for good
        delivery.status, delivery.next_try_at = "gone", None
        target.enabled, target.disabled_reason = (
            False,
            f"the receiver answered 410 Gone at {utcnow():%Y-%m-%d %H:%M} UTC",
        )
    elif delivery.attempts > len(schedule):
        delivery.status, delivery.next_try_at = "gave_up", None
    else:
        delivery.status = "failed"
        delivery.next_try_at = utcnow() + timedelta(seconds=schedule[delivery.attempts - 1])
        _queue(session, delivery, delivery.next_try_at)
    return Outcome(delivery.status, code, delivery.next_try_at)


def log(session: Session, endpoint_id: int, limit: int = 50, offset: int = 0) -> Sequence[WebhookDelivery]:
    """The endpoint's latest deliveries, newest first, each with its tries."""
    endpoint(session, endpoint_id)
    return session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
        .offset(offset)
        .options(selectinload(WebhookDelivery.tries))
    ).all()


def replay(session: Session, delivery_id: int, *, endpoint_id: int | None = None) -> WebhookDelivery:
    """Send a logged delivery again now, with the same webhook-id (the receiver can tell it is the same).

    endpoint_id: the endpoint the delivery must belong to (a page naming both), else it is not found.
    """
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or (endpoint_id is not None and delivery.endpoint_id != endpoint_id):
        raise WebhookError(f"no webhook delivery {delivery_id}")
    if not delivery.endpoint.enabled:
        raise WebhookError(f"endpoint {delivery.endpoint_id} is disabled: enable it first")
    delivery.status, delivery.next_try_at = "pending", utcnow()
    _queue(session, delivery, None)
    session.info[RECORDED] = True
    session.commit()
    return delivery


def _summary(found: Diagnosis) -> dict:
    """The Diagnosis summary a CRM files: scores, level, pitfall and step ids with their titles."""
    d = found.to_dict()
    return {
        "questionnaire_version": d["questionnaire_version"],
        "ruleset_version": d["ruleset_version"],
        "locale": d["locale"],
        "scores": d["scores"],
        "overall": d["overall"],
        "level": d["level"],
        "pitfalls": [{k: p[k] for k in ("id", "title", "severity")} for p in d["pitfalls"]],
        "actions": [{k: s[k] for k in ("step", "id", "title", "priority")} for s in d["actions"]],
    }


def assessment_data(a: Assessment) -> dict:
    return {
        "assessment": {
            "id": a.id,
            "kind": a.kind,
            "revision": a.revision,
            "locale": a.locale,
            "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
            "company_id": a.company_id,
        },
        "diagnosis": _summary(diagnosis(a, a.locale)),
    }


def lead_data(lead: Lead) -> dict:
    """The lead as given, with its consent as recorded (the exact wording shown, and when)."""
    return {
        "lead": {
            "id": lead.id,
            "name": lead.name,
            "company": lead.company_name,
            "email": lead.email,
            "role": lead.role,
            "company_size": lead.company_size,
            "locale": lead.locale,
            "consent": {
                "given": lead.consent,
                "text": lead.consent_text,
                "at": lead.consent_at.isoformat() if lead.consent_at else None,
            },
        },
        **assessment_data(lead.assessment),
    }


def round_data(r: Round, found: Diagnosis, gap: PerceptionGap | None) -> dict:
    """A closed round: which company and period, by which rule, its Diagnosis summary and, when
    management and marketing both answered, where they see the company differently."""
    return {
        "round": {
            "token": r.token,
            "period": r.period,
            "company": {"id": r.company_id, "name": r.company.name},
            "rule": r.rule,
            "reference_assessment_id": r.reference_id,
            "respondents": [{"assessment_id": a.id, "role": a.respondent_role} for a in r.respondents if a.has_verdict],
            "closed_at": r.closed_at.isoformat() if r.closed_at else None,
            "next_due_at": r.due_at.isoformat() if r.due_at else None,
        },
        "diagnosis": _summary(found),
        "gap": None if gap is None else _gap_summary(gap),
    }


def _gap_summary(gap: PerceptionGap) -> dict:
    """Management (side a) against marketing (side b): per area and the largest item gaps (0-3 scale)."""
    return {
        "alignment_disagrees": gap.alignment_disagrees,
        "areas": [
            {
                "area": g.area,
                "management": g.scores[0],
                "marketing": g.scores[1],
                "gap": g.gap,
                "agreement": g.agreement,
            }
            for g in gap.areas
        ],
        "largest": [
            {"question": g.question, "area": g.area, "management": g.scores[0], "marketing": g.scores[1], "gap": g.gap}
            for g in gap.largest
        ],
        "to_verify": list(gap.to_verify),
    }
