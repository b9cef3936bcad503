"""Units move on an effective date; their parent history is kept (issue 14 item 13).

Revision ID: c7tree000001
Revises: c7cache00001
Create Date: 2026-12-03 13:01:00

"""
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = 'c7tree000001'
down_revision = 'c7cache00001'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
BEGINNING = date(1900, 1, 1)  # ledger.units.models.BEGINNING: every unit's first period opens here
OPEN = sa.text("valid_to IS NULL")


def upgrade():
    op.create_table('unit_parents',
    sa.Column('id', ID, nullable=False),
    sa.Column('unit_id', ID, nullable=False),
    sa.Column('parent_id', ID, nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.CheckConstraint('valid_to IS NULL OR valid_from < valid_to', name=op.f('ck_unit_parents_period')),
    sa.ForeignKeyConstraint(['parent_id'], ['units.id'], name=op.f('fk_unit_parents_parent_id_units')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_parents_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_parents')),
    sa.UniqueConstraint('unit_id', 'valid_from', name=op.f('uq_unit_parents_unit_id_valid_from'))
    )
    op.create_index('ix_unit_parents_open', 'unit_parents', ['unit_id'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_index('ix_unit_parents_parent', 'unit_parents', ['parent_id', 'valid_from'], unique=False)
    op.create_index('ix_unit_parents_valid_from', 'unit_parents', ['valid_from'], unique=False)
    # Today's tree is every unit's one open period, since the beginning (no earlier moves were dated).
    units = sa.table('units', sa.column('id', ID), sa.column('parent_id', ID))
    parents = sa.table('unit_parents', sa.column('unit_id', ID), sa.column('parent_id', ID),
                       sa.column('valid_from', sa.Date()))
    op.execute(parents.insert().from_select(
        ['unit_id', 'parent_id', 'valid_from'],
        sa.select(units.c.id, units.c.parent_id, sa.literal(BEGINNING, sa.Date()))))


def downgrade():
    op.drop_index('ix_unit_parents_valid_from', table_name='unit_parents')
    op.drop_index('ix_unit_parents_parent', table_name='unit_parents')
    op.drop_index('ix_unit_parents_open', table_name='unit_parents', sqlite_where=OPEN, postgresql_where=OPEN)
    op.drop_table('unit_parents')
