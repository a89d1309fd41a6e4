"""background jobs and signed webhooks

Revision ID: 0006_jobs
Revises: 0005_rounds
Create Date: 2026-12-01 12:30:00

- job: one row per unit of background work (PDF render, webhook delivery, e-mail), keyed so a
  second submission is a no-op, with the state the pages show;
- webhook_endpoint, webhook_delivery, webhook_attempt: the CRM receivers, each message to each,
  and every try (the delivery log).

New tables only: downgrade drops them, nothing else changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_jobs"
down_revision = "0005_rounds"
branch_labels = None
depends_on = None

_at = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(120), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("priority", sa.String(12), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.String(64)),
        sa.Column("run_after", _at),
        sa.Column("error", sa.Text()),
        sa.Column("created_at", _at, nullable=False),
        sa.Column("updated_at", _at, nullable=False),
        sa.Column("finished_at", _at),
    )
    op.create_index("ix_job_status_run_after", "job", ["status", "run_after"])
    op.create_table(
        "webhook_endpoint",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.String(200)),
        sa.Column("description", sa.String(200)),
        sa.Column("created_at", _at, nullable=False),
    )
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "endpoint_id", sa.Integer(), sa.ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False, unique=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("response_code", sa.Integer()),
        sa.Column("next_try_at", _at),
        sa.Column("created_at", _at, nullable=False),
        sa.Column("delivered_at", _at),
    )
    op.create_index("ix_webhook_delivery_endpoint", "webhook_delivery", ["endpoint_id", "id"])
    op.create_table(
        "webhook_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "delivery_id", sa.Integer(), sa.ForeignKey("webhook_delivery.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("at", _at, nullable=False),
        sa.Column("response_code", sa.Integer()),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(300)),
    )
    op.create_index("ix_webhook_attempt_delivery_id", "webhook_attempt", ["delivery_id"])


def downgrade() -> None:
    op.drop_table("webhook_attempt")
    op.drop_table("webhook_delivery")
    op.drop_table("webhook_endpoint")
    op.drop_index("ix_job_status_run_after", table_name="job")
    op.drop_table("job")
