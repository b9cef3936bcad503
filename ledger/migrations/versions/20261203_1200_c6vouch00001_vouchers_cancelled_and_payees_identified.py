"""Vouchers: the payee's ID number (CCCD) and address on payments, for the C41-BB voucher (issue 14).

A cancelled voucher needs no column: it is cancelled when the books hold the reversal of its entry,
however the reversal was made. Existing payments take the ID number and address they were given in
their `payee` details.

Revision ID: c6vouch00001
Revises: c5learn00001
Create Date: 2026-12-03 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c6vouch00001'
down_revision = 'c5learn00001'
branch_labels = None
depends_on = None

COLUMNS = {"payee_id_number": ("id_number", 20), "payee_address": ("address", 300)}


def upgrade():
    with op.batch_alter_table("disbursements") as batch_op:
        for column, (_key, length) in COLUMNS.items():
            batch_op.add_column(sa.Column(column, sa.String(length=length), nullable=True))
    copy_from_payee_details()


def copy_from_payee_details():
    table = sa.table("disbursements", sa.column("id", sa.Integer), sa.column("payee", sa.JSON),
                     *(sa.column(column, sa.String) for column in COLUMNS))
    bind = op.get_bind()
    for row in bind.execute(sa.select(table.c.id, table.c.payee)).all():
        payee = row.payee or {}
        values = {column: str(payee[key])[:length] for column, (key, length) in COLUMNS.items() if payee.get(key)}
        if values:
            bind.execute(table.update().where(table.c.id == row.id).values(**values))


def downgrade():
    with op.batch_alter_table("disbursements") as batch_op:
        for column in reversed(list(COLUMNS)):
            batch_op.drop_column(column)
