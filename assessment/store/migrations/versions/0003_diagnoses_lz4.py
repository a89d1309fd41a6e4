"""compress stored diagnoses with lz4 on PostgreSQL

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 10:00:00

A submission's diagnoses value is ~30 kB of JSON, so PostgreSQL compresses it on every INSERT.
The default (pglz) cost ~0.6 ms of the server's CPU per submission; lz4 costs a quarter of that
and the stored value is as small (~11.7 kB). Only new values are compressed the new way; old ones
stay readable. Skipped where the server has no lz4 (before PostgreSQL 14, or built without it);
SQLite does not compress.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_IF_LZ4 = """
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) THEN
    ALTER TABLE assessment ALTER COLUMN diagnoses SET COMPRESSION %s;
  END IF;
END $$
"""


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(_IF_LZ4 % "lz4")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(_IF_LZ4 % "DEFAULT")
