"""Keep a folded search key on units, so finding "binh lu" among 100,000 units is one SQL scan.

Revision ID: a6units00001
Revises: e3f11bfab838
Create Date: 2026-11-23 01:45:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = 'a6units00001'
down_revision = 'e3f11bfab838'
branch_labels = None
depends_on = None


def fold(text: str) -> str:
    """Frozen copy of ledger.core.text.fold as of this revision."""
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(ch for ch in plain if unicodedata.category(ch) != "Mn")
    return " ".join(plain.casefold().split())


def upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_key', sa.String(length=300), server_default='', nullable=False))
    units = sa.table('units', sa.column('id', sa.Integer), sa.column('code', sa.String),
                     sa.column('name', sa.String), sa.column('search_key', sa.String))
    conn = op.get_bind()
    rows = conn.execute(sa.select(units.c.id, units.c.code, units.c.name)).all()
    for row in rows:
        conn.execute(units.update().where(units.c.id == row.id)
                     .values(search_key=f"{fold(row.name)} {row.code.casefold()}"))


def downgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('search_key')
