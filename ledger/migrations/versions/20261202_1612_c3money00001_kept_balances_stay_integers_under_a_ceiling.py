"""Kept balances stay integers under a ceiling.

Every kept balance column (balances.debit_total/credit_total, monthly_balances.debit/credit) is
checked to stay at or below 10^18 on both engines, well below BIGINT's 2^63 − 1: PostgreSQL no longer
answers "bigint out of range", and SQLite, which silently turns an overflowing integer sum into a
REAL, also checks that the stored value is of INTEGER storage class. SQLite cannot add a CHECK to a
table, so batch mode recreates the two tables (they carry no triggers; their keys come back with them).

Revision ID: c3money00001
Revises: c2anchor0001
Create Date: 2026-12-02 16:10:00

"""
from alembic import op

revision = 'c3money00001'
down_revision = 'c2anchor0001'
branch_labels = None
depends_on = None

CEILING = 10**18
KEPT = {"balances": ("debit_total", "credit_total"), "monthly_balances": ("debit", "credit")}


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, (debit, credit) in KEPT.items():
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_check_constraint(op.f(f"ck_{table}_under_ceiling"),
                                             f"{debit} <= {CEILING} AND {credit} <= {CEILING}")
            if sqlite:
                batch_op.create_check_constraint(op.f(f"ck_{table}_integers"),
                                                 f"typeof({debit}) = 'integer' AND typeof({credit}) = 'integer'")


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in KEPT:
        with op.batch_alter_table(table) as batch_op:
            if sqlite:
                batch_op.drop_constraint(op.f(f"ck_{table}_integers"), type_="check")
            batch_op.drop_constraint(op.f(f"ck_{table}_under_ceiling"), type_="check")
