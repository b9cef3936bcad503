"""Add bank accounts, imported statement lines and their matches to receipts

Revision ID: a2bankrec001
Revises: e3f11bfab838
Create Date: 2026-11-23 00:52:46.544237

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a2bankrec001'
down_revision = 'e3f11bfab838'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bank_accounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('bank_bin', sa.String(length=8), nullable=True),
    sa.Column('account_number', sa.String(length=30), nullable=False),
    sa.Column('account_name', sa.String(length=120), nullable=False),
    sa.Column('default_fund_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('column_mapping', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['default_fund_id'], ['funds.id'], name=op.f('fk_bank_accounts_default_fund_id_funds')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_bank_accounts_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_accounts')),
    sa.UniqueConstraint('unit_id', 'account_number', name=op.f('uq_bank_accounts_unit_id_account_number'))
    )
    with op.batch_alter_table('bank_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_accounts_unit_id'), ['unit_id'], unique=False)

    op.create_table('bank_statements',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('bank_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('rows_read', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('lines_added', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['bank_account_id'], ['bank_accounts.id'], name=op.f('fk_bank_statements_bank_account_id_bank_accounts')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_bank_statements_imported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statements'))
    )
    with op.batch_alter_table('bank_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_statements_bank_account_id'), ['bank_account_id'], unique=False)

    op.create_table('bank_statement_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('statement_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('bank_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('row_number', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('dated_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('credit', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('debit', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.CheckConstraint("status IN ('unmatched','suggested','matched')", name=op.f('ck_bank_statement_lines_status')),
    sa.CheckConstraint('(credit > 0 AND debit = 0) OR (debit > 0 AND credit = 0)', name=op.f('ck_bank_statement_lines_one_side_positive')),
    sa.ForeignKeyConstraint(['bank_account_id'], ['bank_accounts.id'], name=op.f('fk_bank_statement_lines_bank_account_id_bank_accounts')),
    sa.ForeignKeyConstraint(['statement_id'], ['bank_statements.id'], name=op.f('fk_bank_statement_lines_statement_id_bank_statements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statement_lines')),
    sa.UniqueConstraint('bank_account_id', 'fingerprint', name=op.f('uq_bank_statement_lines_bank_account_id_fingerprint'))
    )
    with op.batch_alter_table('bank_statement_lines', schema=None) as batch_op:
        batch_op.create_index('ix_bank_statement_lines_account_status', ['bank_account_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_statement_lines_statement_id'), ['statement_id'], unique=False)

    op.create_table('bank_matches',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('receipt_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('method', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.CheckConstraint("method IN ('memo_code','amount_date','manual','created')", name=op.f('ck_bank_matches_method')),
    sa.CheckConstraint("status IN ('suggested','confirmed')", name=op.f('ck_bank_matches_status')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_bank_matches_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['line_id'], ['bank_statement_lines.id'], name=op.f('fk_bank_matches_line_id_bank_statement_lines')),
    sa.ForeignKeyConstraint(['receipt_id'], ['receipts.id'], name=op.f('fk_bank_matches_receipt_id_receipts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_matches')),
    sa.UniqueConstraint('line_id', name=op.f('uq_bank_matches_line_id')),
    sa.UniqueConstraint('receipt_id', name=op.f('uq_bank_matches_receipt_id'))
    )


def downgrade():
    op.drop_table('bank_matches')
    with op.batch_alter_table('bank_statement_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_statement_lines_statement_id'))
        batch_op.drop_index('ix_bank_statement_lines_account_status')

    op.drop_table('bank_statement_lines')
    with op.batch_alter_table('bank_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_statements_bank_account_id'))

    op.drop_table('bank_statements')
    with op.batch_alter_table('bank_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_accounts_unit_id'))

    op.drop_table('bank_accounts')
