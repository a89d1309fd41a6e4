"""site settings: the report's branding and the site's contact, set by an admin on the web

Revision ID: 0011_site_settings
Revises: 0010_round_pages
Create Date: 2026-12-01 15:40:00

One row (id 1). Every column is nullable: None keeps the environment's value, so a site
configured by its environment alone reads as before. Downgrade drops the row and the table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_site_settings"
down_revision = "0010_round_pages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=True),
        sa.Column("color", sa.String(7), nullable=True),
        sa.Column("contact_url", sa.String(500), nullable=True),
        sa.Column("booking_url", sa.String(500), nullable=True),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("privacy_url", sa.String(500), nullable=True),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(20), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_by_id",
            sa.Integer(),
            sa.ForeignKey("account.id", name="fk_site_settings_updated_by", ondelete="SET NULL"),
            nullable=True,
        ),
    )


def downgrade() -> None:
    op.drop_table("site_settings")
