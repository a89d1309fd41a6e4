"""round summary: a closed round's level, overall score and area scores beside its verdict

Revision ID: 0009_round_summary
Revises: 0008_workspace

The dashboard lists, filters and sorts every company by its latest round's level and change since
the round before; reading those from each round's whole verdict JSON (answers included, lz4-compressed
on PostgreSQL) cost more than the rest of the page (bench/dashboard.py). close_round now copies the
few numbers here; this migration fills them for rounds closed before, and a due date a quarter after
closing where none was set. One index serves "a company's closed rounds, newest first".
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0009_round_summary"
down_revision = "0008_workspace"
branch_labels = None
depends_on = None

QUARTER = timedelta(days=91)  # services/rounds.py QUARTER, copied: a migration never imports live code


def _fill() -> None:
    conn = op.get_bind()
    when = sa.DateTime(timezone=True)
    kinds: dict[str, sa.types.TypeEngine] = {"id": sa.Integer(), "verdict": sa.JSON(), "closed_at": when}
    kinds.update(due_at=when, level=sa.Integer(), overall=sa.Integer(), scores=sa.JSON())
    rnd = sa.table("round", *(sa.column(name, kind) for name, kind in kinds.items()))
    updates = []
    for rid, verdict, closed_at, due_at in conn.execute(
        sa.select(rnd.c.id, rnd.c.verdict, rnd.c.closed_at, rnd.c.due_at).where(rnd.c.verdict.is_not(None))
    ):
        v = verdict if isinstance(verdict, dict) else {}
        level = v.get("level")
        scores = v.get("scores") if isinstance(v.get("scores"), dict) else None
        updates.append(
            {
                "rid": rid,
                "lv": level if isinstance(level, int) else None,
                "ov": v.get("overall") if isinstance(v.get("overall"), int) else None,
                "sc": scores,
                "due": due_at or (closed_at + QUARTER if closed_at else None),
            }
        )
    if updates:
        conn.execute(
            rnd.update()
            .where(rnd.c.id == sa.bindparam("rid"))
            .values(
                level=sa.bindparam("lv"),
                overall=sa.bindparam("ov"),
                scores=sa.bindparam("sc"),
                due_at=sa.bindparam("due"),
            ),
            updates,
        )


def upgrade() -> None:
    with op.batch_alter_table("round") as batch:
        batch.add_column(sa.Column("level", sa.Integer()))
        batch.add_column(sa.Column("overall", sa.Integer()))
        batch.add_column(sa.Column("scores", sa.JSON()))
        batch.create_index("ix_round_company_status_closed", ["company_id", "status", "closed_at"])
    if op.get_bind().dialect.name == "postgresql":
        # A compressed verdict (~1.5 kB) stayed in the row, so reading 8,000 rounds' summaries read
        # 25 MB of heap; past 256 bytes it now goes to the TOAST table and the rows stay narrow.
        op.execute("ALTER TABLE round SET (toast_tuple_target = 256)")
    _fill()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE round RESET (toast_tuple_target)")
    with op.batch_alter_table("round") as batch:
        batch.drop_index("ix_round_company_status_closed")
        batch.drop_column("scores")
        batch.drop_column("overall")
        batch.drop_column("level")
