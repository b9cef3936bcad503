"""Published statements anchor each covered unit's chain head.

Revision ID: c2anchor0001
Revises: c1auth00001
Create Date: 2026-12-02 16:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c2anchor0001'
down_revision = 'c1auth00001'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('chain_anchors',
    sa.Column('id', ID, nullable=False),
    sa.Column('unit_id', ID, nullable=False),
    sa.Column('chain_index', ID, nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('statement_id', ID, nullable=True),
    sa.Column('entry_id', ID, nullable=True),
    sa.Column('report_id', ID, nullable=True),
    sa.CheckConstraint('(statement_id IS NULL) <> (entry_id IS NULL)', name=op.f('ck_chain_anchors_one_source')),
    sa.CheckConstraint('chain_index > 0', name=op.f('ck_chain_anchors_index_positive')),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], name=op.f('fk_chain_anchors_entry_id_entries')),
    sa.ForeignKeyConstraint(['report_id'], ['periodic_reports.id'],
                            name=op.f('fk_chain_anchors_report_id_periodic_reports')),
    sa.ForeignKeyConstraint(['statement_id'], ['statements.id'], name=op.f('fk_chain_anchors_statement_id_statements')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_chain_anchors_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_anchors')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_chain_anchors_entry_id')),
    sa.UniqueConstraint('statement_id', 'unit_id', name=op.f('uq_chain_anchors_statement_id_unit_id'))
    )
    with op.batch_alter_table('chain_anchors', schema=None) as batch_op:
        batch_op.create_index('ix_chain_anchors_unit_index', ['unit_id', 'chain_index'], unique=False)
    create_triggers()


def create_triggers():
    """Anchors are append-only like the entries they protect (ledger_refuse_change comes with the books)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER chain_anchors_immutable BEFORE UPDATE OR DELETE ON chain_anchors "
                   "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()")
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER chain_anchors_no_{event.lower()} BEFORE {event} ON chain_anchors "
                   "BEGIN SELECT RAISE(ABORT, 'chain_anchors are append-only: posted rows never change'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS chain_anchors_immutable ON chain_anchors")
    with op.batch_alter_table('chain_anchors', schema=None) as batch_op:
        batch_op.drop_index('ix_chain_anchors_unit_index')
    op.drop_table('chain_anchors')
