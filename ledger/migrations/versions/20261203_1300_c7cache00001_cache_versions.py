"""Per-process caches checked against version numbers (issue 13).

Revision ID: c7cache00001
Revises: c6insp00001
Create Date: 2026-12-03 13:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = 'c7cache00001'
down_revision = 'c6insp00001'
branch_labels = None
depends_on = None


NAMES = ("units", "chart", "auth")  # ledger.core.cache.NAMES when this revision was written


def upgrade():
    table = op.create_table(
        "cache_versions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_cache_versions")),
    )
    op.bulk_insert(table, [{"name": name, "version": secrets.randbits(62)} for name in NAMES])


def downgrade():
    op.drop_table("cache_versions")
