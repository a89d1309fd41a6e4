"""Tables of the work done beside requests: job records and the webhook endpoints and their log.

A Job row is written before its job is queued, so it outlives a Redis that loses the queue (the
worker's sweep queues it again) and lets any web process show its state. Webhook deliveries are
one row per message and endpoint; each try is a WebhookAttempt row, the log shown per endpoint.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.store.models import Base, utcnow

JOB_STATUSES = ("queued", "running", "retrying", "done", "failed", "dropped")
PRIORITIES = ("requested", "speculative")
EVENTS = ("lead.created", "assessment.submitted", "round.closed")
DELIVERY_STATUSES = ("pending", "delivered", "failed", "gave_up", "gone")


class Job(Base):
    """One unit of background work, named by a key that makes submitting it twice a no-op."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_status_run_after", "status", "run_after"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # e.g. render:12:1:ja
    kind: Mapped[str] = mapped_column(String(20))  # assessment.jobs.tasks.TASKS
    args: Mapped[dict] = mapped_column(JSON, default=dict)
    priority: Mapped[str] = mapped_column(String(12), default="requested")  # PRIORITIES
    status: Mapped[str] = mapped_column(String(12), default="queued")  # JOB_STATUSES
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    queue_id: Mapped[str | None] = mapped_column(String(64))  # the RQ job id, once queued there
    run_after: Mapped[datetime | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()


class WebhookEndpoint(Base):
    """A receiver (the consultancy's CRM): its URL, the events it takes and its whsec_ secret."""

    __tablename__ = "webhook_endpoint"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list] = mapped_column(JSON, default=list)  # a subset of EVENTS
    secret: Mapped[str] = mapped_column(String(100))  # whsec_ + base64 of 32 random bytes
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deliveries: Mapped[list[WebhookDelivery]] = relationship(
        back_populates="endpoint", cascade="all, delete-orphan", order_by="WebhookDelivery.id"
    )


class WebhookDelivery(Base):
    """One event message to one endpoint; its webhook-id stays the same over every try."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_endpoint", "endpoint_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    message_id: Mapped[str] = mapped_column(String(64), unique=True)  # msg_<token>: the receiver's dedupe key
    body: Mapped[str] = mapped_column(Text)  # the exact JSON signed and sent
    status: Mapped[str] = mapped_column(String(12), default="pending")  # DELIVERY_STATUSES
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    response_code: Mapped[int | None] = mapped_column(Integer)
    next_try_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column()
    endpoint: Mapped[WebhookEndpoint] = relationship(back_populates="deliveries")
    tries: Mapped[list[WebhookAttempt]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", order_by="WebhookAttempt.id"
    )


class WebhookAttempt(Base):
    """One try of a delivery: what the receiver answered and how long it took."""

    __tablename__ = "webhook_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    response_code: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(300))
    delivery: Mapped[WebhookDelivery] = relationship(back_populates="tries")
