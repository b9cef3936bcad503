"""Units move on an effective date; their parent history is kept (issue 14 item 13).

Revision ID: c7tree000001
Revises: c7cache00001
Create Date: 2026-12-03 13:01:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'c7tree000001'
down_revision = 'c7cache00001'
branch_labels = None
depends_on = None


def upgrade():
    pass  # SKELETON: filled by the helper that owns it


def downgrade():
    pass
