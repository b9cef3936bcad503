"""Tokens can be listed and revoked; the first admin is admin over everything.

api_tokens gains kind (an API token or a browser's session), last_used_at and revoked_at;
role_grants.unit_id may be NULL: a grant on every unit, roots created later included. Admins of
the first root (what `ledger init` granted before) get that grant, as API.md promises them.

Revision ID: c1auth00001
Revises: b0merge00001
Create Date: 2026-12-02 16:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c1auth00001'
down_revision = 'b0merge00001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), server_default='api', nullable=False))
        batch_op.add_column(sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(op.f('ck_api_tokens_kind'), "kind IN ('api','web')")
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.alter_column('unit_id', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                              nullable=True)
    op.execute("""
        INSERT INTO role_grants (user_id, role)
        SELECT DISTINCT g.user_id, 'admin' FROM role_grants g
        WHERE g.role = 'admin'
          AND g.unit_id = (SELECT MIN(id) FROM units WHERE parent_id IS NULL)
    """)


def downgrade():
    op.execute("DELETE FROM role_grants WHERE unit_id IS NULL")
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.alter_column('unit_id', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                              nullable=False)
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_api_tokens_kind'), type_='check')
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('kind')
