"""rounds: a company assessed again and again, by invited respondents

Revision ID: 0005_rounds
Revises: 0004

A round holds one or more respondents' assessments (assessment.round_id, .respondent_role) and,
once closed, the round's verdict; invitations are each respondent's own link. No existing row
changes: every assessment so far belongs to no round.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_rounds"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "round",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("company.id", ondelete="CASCADE"), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True)),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("rule", sa.String(12)),
        sa.Column("reference_id", sa.Integer(), sa.ForeignKey("assessment.id", ondelete="SET NULL")),
        sa.Column("verdict", sa.JSON()),
        sa.Column("targets", sa.JSON()),
        sa.Column("step_status", sa.JSON()),
    )
    op.create_index("ix_round_company_id", "round", ["company_id"])
    op.create_table(
        "round_invitation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("round.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("name", sa.String(100)),
        sa.Column("email", sa.String(254)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey("assessment.id", ondelete="SET NULL")),
    )
    op.create_index("ix_round_invitation_round_id", "round_invitation", ["round_id"])
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("round_id", sa.Integer()))
        batch.add_column(sa.Column("respondent_role", sa.String(12)))
        batch.create_foreign_key("fk_assessment_round_id", "round", ["round_id"], ["id"], ondelete="SET NULL")
        batch.create_index("ix_assessment_round_id", ["round_id"])


def downgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.drop_index("ix_assessment_round_id")
        batch.drop_constraint("fk_assessment_round_id", type_="foreignkey")
        batch.drop_column("respondent_role")
        batch.drop_column("round_id")
    op.drop_index("ix_round_invitation_round_id", "round_invitation")
    op.drop_table("round_invitation")
    op.drop_index("ix_round_company_id", "round")
    op.drop_table("round")
