"""Inspections: plans, findings and answers; the home page's to-do (issue 14).

Revision ID: c6insp00001
Revises: c6schol00001
Create Date: 2026-12-03 12:04:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c6insp00001'
down_revision = 'c6schol00001'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('inspections',
    sa.Column('id', ID, nullable=False),
    sa.Column('unit_id', ID, nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('scheduled_on', sa.Date(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('members', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', ID, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('period_start <= period_end', name=op.f('ck_inspections_period_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_inspections_created_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_inspections_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections'))
    )
    op.create_index(op.f('ix_inspections_unit_id'), 'inspections', ['unit_id'], unique=False)
    op.create_table('inspection_findings',
    sa.Column('id', ID, nullable=False),
    sa.Column('inspection_id', ID, nullable=False),
    sa.Column('unit_id', ID, nullable=False),
    sa.Column('entry_id', ID, nullable=True),
    sa.Column('receipt_id', ID, nullable=True),
    sa.Column('disbursement_id', ID, nullable=True),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('follow_up', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by_id', ID, nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closing_note', sa.Text(), nullable=True),
    sa.Column('closed_by_id', ID, nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', ID, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("severity IN ('low','medium','high')", name=op.f('ck_inspection_findings_severity')),
    sa.CheckConstraint("status IN ('open','answered','closed')", name=op.f('ck_inspection_findings_status')),
    sa.CheckConstraint("(status = 'open') = (answer IS NULL)", name=op.f('ck_inspection_findings_answered_has_answer')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'],
                            name=op.f('fk_inspection_findings_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_inspection_findings_unit_id_units')),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], name=op.f('fk_inspection_findings_entry_id_entries')),
    sa.ForeignKeyConstraint(['receipt_id'], ['receipts.id'], name=op.f('fk_inspection_findings_receipt_id_receipts')),
    sa.ForeignKeyConstraint(['disbursement_id'], ['disbursements.id'],
                            name=op.f('fk_inspection_findings_disbursement_id_disbursements')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_inspection_findings_answered_by_id_users')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_inspection_findings_closed_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_inspection_findings_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_findings'))
    )
    op.create_index(op.f('ix_inspection_findings_inspection_id'), 'inspection_findings', ['inspection_id'])
    op.create_index('ix_inspection_findings_unit_status', 'inspection_findings', ['unit_id', 'status'])


def downgrade():
    op.drop_index('ix_inspection_findings_unit_status', table_name='inspection_findings')
    op.drop_index(op.f('ix_inspection_findings_inspection_id'), table_name='inspection_findings')
    op.drop_table('inspection_findings')
    op.drop_index(op.f('ix_inspections_unit_id'), table_name='inspections')
    op.drop_table('inspections')
