"""Join the feature migrations (treasury, bank, dues, scholarships, reports, unit search) into one head.

Revision ID: b0merge00001
Revises: a1treasury01, a2bankrec001, a3dues000001, a4schol00001, a5report0001, a6units00001
Create Date: 2026-11-23 02:45:00

"""
revision = 'b0merge00001'
down_revision = ('a1treasury01', 'a2bankrec001', 'a3dues000001', 'a4schol00001', 'a5report0001', 'a6units00001')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
