"""Add allowance rules and payments and the staff lists of day's-pay pledges

Revision ID: a3dues000001
Revises: e3f11bfab838
Create Date: 2026-11-23 00:52:48.718536

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a3dues000001'
down_revision = 'e3f11bfab838'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('allowance_rules',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.String(length=80), nullable=False),
    sa.Column('payee_name', sa.String(length=200), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('basis', sa.String(length=6), nullable=False),
    sa.Column('percent', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('amount', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('fund_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(basis = 'share' AND percent > 0 AND percent <= 100 AND amount IS NULL) OR (basis = 'fixed' AND amount > 0 AND percent IS NULL)", name=op.f('ck_allowance_rules_basis_value')),
    sa.CheckConstraint("basis IN ('share','fixed')", name=op.f('ck_allowance_rules_basis')),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_allowance_rules_fund_id_funds')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_allowance_rules_member_id_members')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_allowance_rules_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_rules'))
    )
    with op.batch_alter_table('allowance_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_rules_unit_id'), ['unit_id'], unique=False)

    op.create_table('allowance_payments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('rule_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('year', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('disbursement_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.CheckConstraint('year >= 2000 AND year <= 2200', name=op.f('ck_allowance_payments_year_range')),
    sa.ForeignKeyConstraint(['disbursement_id'], ['disbursements.id'], name=op.f('fk_allowance_payments_disbursement_id_disbursements')),
    sa.ForeignKeyConstraint(['rule_id'], ['allowance_rules.id'], name=op.f('fk_allowance_payments_rule_id_allowance_rules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_payments')),
    sa.UniqueConstraint('disbursement_id', name=op.f('uq_allowance_payments_disbursement_id'))
    )
    with op.batch_alter_table('allowance_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_payments_rule_id'), ['rule_id'], unique=False)

    op.create_table('pledge_staff',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('pledge_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position_no', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('monthly_salary', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('day_pay', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.CheckConstraint('day_pay > 0', name=op.f('ck_pledge_staff_day_pay_positive')),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], name=op.f('fk_pledge_staff_pledge_id_pledges')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge_staff')),
    sa.UniqueConstraint('pledge_id', 'position_no', name=op.f('uq_pledge_staff_pledge_id_position_no'))
    )
    with op.batch_alter_table('pledge_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledge_staff_pledge_id'), ['pledge_id'], unique=False)



def downgrade():
    with op.batch_alter_table('pledge_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledge_staff_pledge_id'))

    op.drop_table('pledge_staff')
    with op.batch_alter_table('allowance_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_payments_rule_id'))

    op.drop_table('allowance_payments')
    with op.batch_alter_table('allowance_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_rules_unit_id'))

    op.drop_table('allowance_rules')
