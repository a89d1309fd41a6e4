"""the consultant workspace: accounts and roles, invitations, sharing, notes, comments, audit log, lead inbox

Revision ID: 0008_workspace
Revises: 0007_funnel
Create Date: 2026-12-01 12:30:00

- account, account_role, account_roles (Flask-Security's user, role and their link), invitation;
- company.owner_id, company_share, client_note; assessment.consultant_id (who ran the interview) and
  top_pitfall (filled from each latest revision, for the leads inbox);
- answer.note_in_report (a question's note is internal unless marked for the report);
- comment (overall / area / pitfall, "discussed") and revision.comments (what a revision shows);
- lead.status, status_by_id, status_at, assignee_id (the inbox);
- audit_event (who viewed, changed, exported what, when).

Every new column is nullable or has a server default, so rows written before stay valid.
Downgrade drops all of it: accounts, comments, notes on clients and the audit log are lost.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_workspace"
down_revision = "0007_funnel"
branch_labels = None
depends_on = None


def _fk(column: str, name: str) -> sa.Column:
    return sa.Column(column, sa.Integer(), sa.ForeignKey("account.id", name=name, ondelete="SET NULL"), nullable=True)


def _link_table(name: str, *keys: tuple[str, str]) -> None:
    """A table of pairs: each (column, referenced table) a foreign key deleted with its row, together the key."""
    op.create_table(
        name,
        *(
            sa.Column(column, sa.Integer(), sa.ForeignKey(f"{target}.id", ondelete="CASCADE"), primary_key=True)
            for column, target in keys
        ),
    )


def _fill_top_pitfall() -> None:
    """The first pitfall of each assessment's latest revision (verdicts list them most severe first)."""
    conn = op.get_bind()
    assessment = sa.table(
        "assessment",
        sa.column("id", sa.Integer),
        sa.column("revision", sa.Integer),
        sa.column("top_pitfall", sa.String),
    )
    rev = sa.table(
        "revision",
        sa.column("assessment_id", sa.Integer),
        sa.column("number", sa.Integer),
        sa.column("verdict", sa.JSON),
    )
    rows = conn.execute(
        sa.select(rev.c.assessment_id, rev.c.verdict).join(
            assessment, sa.and_(assessment.c.id == rev.c.assessment_id, assessment.c.revision == rev.c.number)
        )
    )
    updates = []
    for a_id, verdict in rows:
        pitfalls = verdict.get("pitfalls") if isinstance(verdict, dict) else None
        if pitfalls and isinstance(pitfalls[0], dict) and pitfalls[0].get("id"):
            updates.append({"aid": a_id, "top": str(pitfalls[0]["id"])[:40]})
    if updates:
        conn.execute(
            assessment.update().where(assessment.c.id == sa.bindparam("aid")).values(top_pitfall=sa.bindparam("top")),
            updates,
        )


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False, server_default=""),
        sa.Column("password", sa.String(255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("fs_uniquifier", sa.String(64), nullable=False, unique=True),
        sa.Column("tf_primary_method", sa.String(64), nullable=True),
        sa.Column("tf_totp_secret", sa.String(255), nullable=True),
        sa.Column("tf_phone_number", sa.String(128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "account_role",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("description", sa.String(255), nullable=True),
    )
    _link_table("account_roles", ("account_id", "account"), ("role_id", "account_role"))
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        _fk("invited_by_id", "fk_invitation_invited_by"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
    )
    _link_table("company_share", ("company_id", "company"), ("account_id", "account"))
    op.create_table(
        "client_note",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("company.id", ondelete="CASCADE"), nullable=False),
        _fk("author_id", "fk_client_note_author"),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_client_note_company_id", "client_note", ["company_id"])
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey("assessment.id", ondelete="CASCADE"), nullable=False),
        sa.Column("scope", sa.String(80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("discussed", sa.Boolean(), nullable=False, server_default=sa.false()),
        _fk("author_id", "fk_comment_author"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("assessment_id", "scope", name="uq_comment_assessment_scope"),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("account_id", "fk_audit_event_account"),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("target", sa.String(80), nullable=False),
        sa.Column("detail", sa.String(500), nullable=True),
        sa.Column("address", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_audit_event_account_id", "audit_event", ["account_id"])
    op.create_index("ix_audit_event_created_at", "audit_event", ["created_at"])

    with op.batch_alter_table("company") as batch:
        batch.add_column(_fk("owner_id", "fk_company_owner"))
        batch.create_index("ix_company_owner_id", ["owner_id"])
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(_fk("consultant_id", "fk_assessment_consultant"))
        batch.add_column(sa.Column("top_pitfall", sa.String(40), nullable=True))
        batch.create_index("ix_assessment_top_pitfall", ["top_pitfall"])
        batch.create_index("ix_assessment_company_submitted", ["company_id", "submitted_at"])
    _fill_top_pitfall()
    with op.batch_alter_table("answer") as batch:
        batch.add_column(sa.Column("note_in_report", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("revision") as batch:
        batch.add_column(sa.Column("comments", sa.JSON(), nullable=True))
    with op.batch_alter_table("lead") as batch:
        batch.add_column(sa.Column("status", sa.String(12), nullable=False, server_default="new"))
        batch.add_column(_fk("status_by_id", "fk_lead_status_by"))
        batch.add_column(sa.Column("status_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(_fk("assignee_id", "fk_lead_assignee"))
        batch.create_index("ix_lead_status", ["status"])
        batch.create_index("ix_lead_assignee_id", ["assignee_id"])
        batch.create_index("ix_lead_created_at", ["created_at"])


def downgrade() -> None:
    with op.batch_alter_table("lead") as batch:
        batch.drop_index("ix_lead_created_at")
        batch.drop_index("ix_lead_assignee_id")
        batch.drop_index("ix_lead_status")
        batch.drop_constraint("fk_lead_assignee", type_="foreignkey")
        batch.drop_constraint("fk_lead_status_by", type_="foreignkey")
        for column in ("assignee_id", "status_at", "status_by_id", "status"):
            batch.drop_column(column)
    with op.batch_alter_table("revision") as batch:
        batch.drop_column("comments")
    with op.batch_alter_table("answer") as batch:
        batch.drop_column("note_in_report")
    with op.batch_alter_table("assessment") as batch:
        batch.drop_index("ix_assessment_company_submitted")
        batch.drop_index("ix_assessment_top_pitfall")
        batch.drop_column("top_pitfall")
        batch.drop_constraint("fk_assessment_consultant", type_="foreignkey")
        batch.drop_column("consultant_id")
    with op.batch_alter_table("company") as batch:
        batch.drop_index("ix_company_owner_id")
        batch.drop_constraint("fk_company_owner", type_="foreignkey")
        batch.drop_column("owner_id")
    for table in ("audit_event", "comment", "client_note", "company_share", "invitation", "account_roles"):
        op.drop_table(table)
    op.drop_table("account_role")
    op.drop_table("account")
