"""separate capabilities: draft, resume and results tokens; the gate's acknowledgement

Revision ID: 0007_funnel
Revises: 0006_jobs
Create Date: 2026-12-01 12:30:00

- assessment.token stays the draft cookie; the "continue later" link gets a token of its own,
  assessment.resume_token; reading results and minting PDF links takes assessment.results_token,
  made at submission, which expires at results_expires_at (REPORT_LINK_DAYS).
- Links sent before this revision carry assessment.token: it becomes the resume token (an old
  resume link of a draft still resumes; of a submitted assessment it says so) and, for submitted
  assessments, the results token, valid 30 days from the upgrade, so old results links keep
  working for a while and then fail with "expired" rather than "not found".
- lead.acknowledgement_text / acknowledged_at: the required acknowledgement of how the data is
  used, recorded apart from the optional marketing consent (lead.consent*);
- lead.report_emailed_at: when the report link was e-mailed to the respondent (sent once).
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0007_funnel"
down_revision = "0006_jobs"
branch_labels = None
depends_on = None

LEGACY_LINK_DAYS = 30


def upgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("resume_token", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("results_token", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("results_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_unique_constraint("uq_assessment_resume_token", ["resume_token"])
        batch.create_unique_constraint("uq_assessment_results_token", ["results_token"])
    with op.batch_alter_table("lead") as batch:
        batch.add_column(sa.Column("acknowledgement_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("report_emailed_at", sa.DateTime(timezone=True), nullable=True))
    assessment = sa.table(
        "assessment",
        sa.column("token", sa.String),
        sa.column("revision", sa.Integer),
        sa.column("resume_token", sa.String),
        sa.column("results_token", sa.String),
        sa.column("results_expires_at", sa.DateTime(timezone=True)),
    )
    op.execute(assessment.update().values(resume_token=assessment.c.token))
    op.execute(
        assessment.update()
        .where(assessment.c.revision > 0)
        .values(
            results_token=assessment.c.token,
            results_expires_at=datetime.now(UTC) + timedelta(days=LEGACY_LINK_DAYS),
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("lead") as batch:
        batch.drop_column("report_emailed_at")
        batch.drop_column("acknowledged_at")
        batch.drop_column("acknowledgement_text")
    with op.batch_alter_table("assessment") as batch:
        batch.drop_constraint("uq_assessment_results_token", type_="unique")
        batch.drop_constraint("uq_assessment_resume_token", type_="unique")
        batch.drop_column("results_expires_at")
        batch.drop_column("results_token")
        batch.drop_column("resume_token")
