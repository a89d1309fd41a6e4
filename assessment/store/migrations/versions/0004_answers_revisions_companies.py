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

The data conversion uses assessment.diagnose.legacy, whose promise is to read every shape of
Diagnosis this project has stored. Downgrade writes draft and diagnoses back from the rows.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

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
    sa.column("answers", sa.JSON),
    sa.column("verdict", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_company = sa.table(
    "company",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("name_key", sa.String),
    sa.column("email_domain", sa.String),
)
_lead = sa.table(
    "lead", sa.column("company_id", sa.Integer), sa.column("email", sa.String), sa.column("id", sa.Integer)
)

_IF_LZ4 = """
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) THEN
    ALTER TABLE revision ALTER COLUMN verdict SET COMPRESSION lz4;
  END IF;
END $$
"""


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
        sa.UniqueConstraint(*key, name=f"uq_{name}_key"),
    )


def upgrade() -> None:
    from assessment.diagnose.legacy import verdict_from_diagnosis_dict
    from assessment.store.identity import corporate_domain, name_key

    conn = op.get_bind()
    with op.batch_alter_table("company") as batch:
        batch.add_column(sa.Column("name_key", sa.String(length=200), nullable=False, server_default=""))
        batch.add_column(sa.Column("email_domain", sa.String(length=253), nullable=True))
        batch.add_column(sa.Column("corporate_number", sa.String(length=13), nullable=True))
        batch.add_column(sa.Column("industry", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_company_name_key", ["name_key"])
        batch.create_index("ix_company_email_domain", ["email_domain"])
        batch.create_unique_constraint("uq_company_corporate_number", ["corporate_number"])
    emails: dict[int, str] = {}
    for company_id, email in conn.execute(sa.select(_lead.c.company_id, _lead.c.email).order_by(_lead.c.id)):
        emails.setdefault(company_id, email)
    for company_id, name in conn.execute(sa.select(_company.c.id, _company.c.name)).all():
        conn.execute(
            _company.update()
            .where(_company.c.id == company_id)
            .values(name_key=name_key(name), email_domain=corporate_domain(emails.get(company_id)))
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
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("assessment_id", "number", name="uq_revision_assessment_number"),
    )
    if conn.dialect.name == "postgresql":
        op.execute(_IF_LZ4)
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("status", sa.String(length=12), nullable=False, server_default="draft"))
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
        batch.create_index("ix_assessment_company_id", ["company_id"])

    rows = conn.execute(
        sa.select(
            _assessment.c.id,
            _assessment.c.locale,
            _assessment.c.draft,
            _assessment.c.diagnoses,
            _assessment.c.submitted_at,
            _assessment.c.created_at,
        )
    )
    for a_id, locale, draft, diagnoses, submitted_at, created_at in rows.all():
        draft = draft if isinstance(draft, dict) else {}
        moment = submitted_at or created_at
        answers = [
            dict(assessment_id=a_id, question=str(q)[:64], value=v, to_verify=False, updated_at=moment)
            for q, v in draft.items()
            if v is not None and v != ""
        ]
        if answers:
            conn.execute(_answer.insert(), answers)
        stored = (diagnoses or {}).get(locale) or next(iter((diagnoses or {}).values()), None)
        if stored is None:
            continue
        verdict = verdict_from_diagnosis_dict(stored)
        conn.execute(
            _revision.insert(),
            [dict(assessment_id=a_id, number=1, answers=draft, verdict=verdict.to_dict(), created_at=moment)],
        )
        conn.execute(_assessment.update().where(_assessment.c.id == a_id).values(status="submitted", revision=1))

    _report_file_table("report_file_new", keyed_by_revision=True)
    op.execute(
        "INSERT INTO report_file_new (id, assessment_id, revision, locale, content, created_at) "
        "SELECT id, assessment_id, 1, locale, content, created_at FROM report_file"
    )
    op.drop_table("report_file")
    op.rename_table("report_file_new", "report_file")

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
    drafts: dict[int, dict] = {}
    for a_id, question, value in conn.execute(sa.select(_answer.c.assessment_id, _answer.c.question, _answer.c.value)):
        if value is not None:
            drafts.setdefault(a_id, {})[question] = value
    latest: dict[int, dict] = {}
    for a_id, verdict in conn.execute(
        sa.select(_revision.c.assessment_id, _revision.c.verdict).order_by(_revision.c.number)
    ):
        latest[a_id] = verdict
    for a_id, locale in conn.execute(sa.select(_assessment.c.id, _assessment.c.locale)).all():
        verdict = latest.get(a_id)
        diagnoses = None if verdict is None else {locale: localize(Verdict.from_dict(verdict), locale).to_dict()}
        conn.execute(
            _assessment.update().where(_assessment.c.id == a_id).values(draft=drafts.get(a_id, {}), diagnoses=diagnoses)
        )
    if conn.dialect.name == "postgresql":
        op.execute("""
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) THEN
    ALTER TABLE assessment ALTER COLUMN diagnoses SET COMPRESSION lz4;
  END IF;
END $$""")

    _report_file_table("report_file_old", keyed_by_revision=False)
    # One file per (assessment, locale): the latest revision's.
    op.execute(
        "INSERT INTO report_file_old (id, assessment_id, locale, content, created_at) "
        "SELECT id, assessment_id, locale, content, created_at FROM report_file f WHERE revision = "
        "(SELECT MAX(revision) FROM report_file g WHERE g.assessment_id = f.assessment_id "
        "AND g.locale = f.locale)"
    )
    op.drop_table("report_file")
    op.rename_table("report_file_old", "report_file")

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
