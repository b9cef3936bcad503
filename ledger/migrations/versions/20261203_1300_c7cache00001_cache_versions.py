"""Per-process caches checked against version numbers (issue 13).

Revision ID: c7cache00001
Revises: c6insp00001
Create Date: 2026-12-03 13:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'c7cache00001'
down_revision = 'c6insp00001'
branch_labels = None
depends_on = None


def upgrade():
    pass  # SKELETON: filled by the helper that owns it, or deleted by the lead


def downgrade():
    pass
