"""Add approval policies: a payment threshold per unit above which only its chair approves

Revision ID: a1treasury01
Revises: e3f11bfab838
Create Date: 2026-11-23 00:55:29.501354

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a1treasury01'
down_revision = 'e3f11bfab838'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('approval_policies',
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('threshold', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('chair_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('threshold > 0 AND threshold <= 1000000000000000', name=op.f('ck_approval_policies_threshold_positive')),
    sa.ForeignKeyConstraint(['chair_user_id'], ['users.id'], name=op.f('fk_approval_policies_chair_user_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_approval_policies_unit_id_units')),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_approval_policies'))
    )


def downgrade():
    op.drop_table('approval_policies')
