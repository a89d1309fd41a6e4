"""the round pages: share the gap report with respondents, revoke an invitation, its language

Revision ID: 0010_round_pages
Revises: 0009_round_summary
Create Date: 2026-12-01 15:40:00

- round.share_gap: the consultant lets the round's respondents see the gap report;
- round_invitation.revoked_at: a revoked link opens nothing, like an expired one;
- round_invitation.locale: the language of the invitation e-mail and of the respondent's first page.

Each new column has a server default or is nullable, so rows written before stay valid.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_round_pages"
down_revision = "0009_round_summary"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("round") as batch:
        batch.add_column(sa.Column("share_gap", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("round_invitation") as batch:
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("locale", sa.String(8), nullable=False, server_default="ja"))


def downgrade() -> None:
    with op.batch_alter_table("round_invitation") as batch:
        batch.drop_column("locale")
        batch.drop_column("revoked_at")
    with op.batch_alter_table("round") as batch:
        batch.drop_column("share_gap")
