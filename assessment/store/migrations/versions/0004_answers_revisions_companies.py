"""answers as rows, revisions with a locale-neutral verdict, company identity

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:00:00

- assessment.draft (JSON) becomes one `answer` row per question, with room for a note and a
  "to verify" mark;
- assessment.diagnoses (one localized Diagnosis per locale) becomes `revision` 1 holding the
  locale-neutral verdict, read back in any locale; assessment gets `status` and `revision`;
- report_file is keyed by (assessment, revision, locale): a report can change with a revision;
- company gets the keys it is found again by: name_key, email_domain, corporate_number.
  Companies that earlier leads made twice are not merged here: that is a consultant's call.

The data conversion calls assessment.diagnose.legacy, whose promise is to read every shape of
Diagnosis this project has stored, and assessment.store.identity for the company keys.

Downgrade writes draft and diagnoses back from the latest revision. What 0003 cannot hold is
lost: notes and "to verify" marks, earlier revisions, and report files of other revisions.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BATCH = 500  # assessments converted per round trip

_assessment = sa.table(
    "assessment",
    sa.column("id", sa.Integer),
    sa.column("locale", sa.String),
    sa.column("draft", sa.JSON),
    sa.column("diagnoses", sa.JSON),
    sa.column("status", sa.String),
    sa.column("revision", sa.Integer),
    sa.column("submitted_at", sa.DateTime(timezone=True)),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_answer = sa.table(
    "answer",
    sa.column("assessment_id", sa.Integer),
    sa.column("question", sa.String),
    sa.column("value", sa.JSON),
    sa.column("to_verify", sa.Boolean),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
_revision = sa.table(
    "revision",
    sa.column("assessment_id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("verdict", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_company = sa.table(
    "company",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("name_key"),
    sa.column("email_domain"),
)
_lead = sa.table(
    "lead", sa.column("company_id", sa.Integer), sa.column("email", sa.String), sa.column("id", sa.Integer)
)


def _lz4(table: str, column: str) -> None:
    """As migration 0003 does: lz4 for a large JSON column, where the PostgreSQL server has it."""
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute(f"""
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) THEN
    ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION lz4;
  END IF;
END $$""")


def _report_file_table(name: str, *, keyed_by_revision: bool) -> None:
    key = ("assessment_id", "revision", "locale") if keyed_by_revision else ("assessment_id", "locale")
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey("assessment.id"), nullable=False),
        *([sa.Column("revision", sa.Integer(), nullable=False)] if keyed_by_revision else []),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(*key, name="uq_report_file_" + "_".join(key[1:])),
    )


def _replace_report_file(new: str, copy_select: str, columns: str) -> None:
    """Copy report_file into `new`, then put `new` in its place, ids and all."""
    op.execute(f"INSERT INTO {new} ({columns}) {copy_select}")
    op.drop_table("report_file")
    op.rename_table(new, "report_file")
    if op.get_context().dialect.name == "postgresql":  # the copied ids were given: move the sequence past them
        op.execute(
            "SELECT setval(pg_get_serial_sequence('report_file', 'id'), COALESCE(MAX(id), 0) + 1, false) "
            "FROM report_file"
        )


def _id_batches(conn, table) -> list[tuple[int, int]]:
    ids = [row[0] for row in conn.execute(sa.select(table.c.id).order_by(table.c.id))]
    return [(ids[i], ids[min(i + BATCH, len(ids)) - 1]) for i in range(0, len(ids), BATCH)]


def upgrade() -> None:
    from assessment.diagnose.legacy import verdict_from_diagnosis_dict
    from assessment.store.identity import corporate_domain, name_key

    conn = op.get_bind()
    with op.batch_alter_table("company") as batch:
        batch.add_column(sa.Column("name_key", sa.String(length=200), nullable=False, server_default=""))
        batch.add_column(sa.Column("email_domain", sa.String(length=253), nullable=True))
        batch.add_column(sa.Column("corporate_number", sa.String(length=13), nullable=True))
        batch.add_column(sa.Column("industry", sa.String(length=40), nullable=True))
        batch.add_column(
            sa.Column(
                "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.current_timestamp()
            )
        )
        batch.create_index("ix_company_name_key", ["name_key"])
        batch.create_index("ix_company_email_domain", ["email_domain"])
        batch.create_unique_constraint("uq_company_corporate_number", ["corporate_number"])
    first_email: dict[int, str] = {}
    for company_id, email in conn.execute(sa.select(_lead.c.company_id, _lead.c.email).order_by(_lead.c.id)):
        first_email.setdefault(company_id, email)
    companies = [
        {"cid": cid, "key": name_key(name), "domain": corporate_domain(first_email.get(cid))}
        for cid, name in conn.execute(sa.select(_company.c.id, _company.c.name))
    ]
    if companies:
        conn.execute(
            _company.update()
            .where(_company.c.id == sa.bindparam("cid"))
            .values(name_key=sa.bindparam("key"), email_domain=sa.bindparam("domain")),
            companies,
        )

    op.create_table(
        "answer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey("assessment.id", ondelete="CASCADE"), nullable=False),
        sa.Column("question", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("to_verify", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("assessment_id", "question", name="uq_answer_assessment_question"),
    )
    op.create_table(
        "revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey("assessment.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("assessment_id", "number", name="uq_revision_assessment_number"),
    )
    _lz4("revision", "verdict")
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("status", sa.String(length=12), nullable=False, server_default="draft"))
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
        batch.create_index("ix_assessment_company_id", ["company_id"])

    a = _assessment.c
    for low, high in _id_batches(conn, _assessment):  # a batch at a time: a stored diagnosis is ~30 kB
        answers, revisions, submitted = [], [], []
        rows = conn.execute(
            sa.select(a.id, a.locale, a.draft, a.diagnoses, a.submitted_at, a.created_at).where(a.id.between(low, high))
        )
        for a_id, locale, draft, diagnoses, submitted_at, created_at in rows:
            moment = submitted_at or created_at
            for question, value in (draft if isinstance(draft, dict) else {}).items():
                if value is not None and value != "":
                    answers.append(
                        dict(
                            assessment_id=a_id,
                            question=str(question)[:64],
                            value=value,
                            to_verify=False,
                            updated_at=moment,
                        )
                    )
            diagnoses = diagnoses if isinstance(diagnoses, dict) else {}
            stored = diagnoses.get(locale) or next(iter(diagnoses.values()), None)
            if stored is not None:
                verdict = verdict_from_diagnosis_dict(stored).to_dict()
                revisions.append(dict(assessment_id=a_id, number=1, verdict=verdict, created_at=moment))
                submitted.append({"aid": a_id})
        if answers:
            conn.execute(_answer.insert(), answers)
        if revisions:
            conn.execute(_revision.insert(), revisions)
            conn.execute(
                _assessment.update().where(a.id == sa.bindparam("aid")).values(status="submitted", revision=1),
                submitted,
            )

    _report_file_table("report_file_new", keyed_by_revision=True)
    _replace_report_file(
        "report_file_new",
        "SELECT id, assessment_id, 1, locale, content, created_at FROM report_file",
        "id, assessment_id, revision, locale, content, created_at",
    )
    with op.batch_alter_table("assessment") as batch:
        batch.drop_column("draft")
        batch.drop_column("diagnoses")
    with op.batch_alter_table("lead") as batch:
        batch.create_index("ix_lead_company_id", ["company_id"])


def downgrade() -> None:
    from assessment.diagnose.localization import localize
    from assessment.diagnose.verdict import Verdict

    conn = op.get_bind()
    with op.batch_alter_table("lead") as batch:
        batch.drop_index("ix_lead_company_id")
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("draft", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("diagnoses", sa.JSON(), nullable=True))
    _lz4("assessment", "diagnoses")
    a = _assessment.c
    for low, high in _id_batches(conn, _assessment):
        drafts: dict[int, dict] = {}
        answers = conn.execute(
            sa.select(_answer.c.assessment_id, _answer.c.question, _answer.c.value).where(
                _answer.c.assessment_id.between(low, high), _answer.c.value.is_not(None)
            )
        )
        for a_id, question, value in answers:
            drafts.setdefault(a_id, {})[question] = value
        latest = dict(
            conn.execute(
                sa.select(_revision.c.assessment_id, _revision.c.verdict)
                .select_from(_revision.join(_assessment, _assessment.c.id == _revision.c.assessment_id))
                .where(a.id.between(low, high), _revision.c.number == a.revision)
            ).all()
        )
        updates = []
        for a_id, locale in conn.execute(sa.select(a.id, a.locale).where(a.id.between(low, high))):
            verdict = latest.get(a_id)
            diagnoses = None if verdict is None else {locale: localize(Verdict.from_dict(verdict), locale).to_dict()}
            updates.append({"aid": a_id, "d": drafts.get(a_id, {}), "g": diagnoses})
        conn.execute(
            _assessment.update()
            .where(a.id == sa.bindparam("aid"))
            .values(draft=sa.bindparam("d"), diagnoses=sa.bindparam("g")),
            updates,
        )

    _report_file_table("report_file_old", keyed_by_revision=False)
    # One file per (assessment, locale): the latest revision's, the one whose verdict is written back.
    _replace_report_file(
        "report_file_old",
        "SELECT f.id, f.assessment_id, f.locale, f.content, f.created_at FROM report_file f "
        "JOIN assessment a ON a.id = f.assessment_id WHERE f.revision = a.revision",
        "id, assessment_id, locale, content, created_at",
    )
    op.drop_table("revision")
    op.drop_table("answer")
    with op.batch_alter_table("assessment") as batch:
        batch.drop_index("ix_assessment_company_id")
        batch.drop_column("revision")
        batch.drop_column("status")
    with op.batch_alter_table("company") as batch:
        batch.drop_constraint("uq_company_corporate_number", type_="unique")
        batch.drop_index("ix_company_email_domain")
        batch.drop_index("ix_company_name_key")
        batch.drop_column("updated_at")
        batch.drop_column("industry")
        batch.drop_column("corporate_number")
        batch.drop_column("email_domain")
        batch.drop_column("name_key")
