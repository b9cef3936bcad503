"""Campaigns: a target can be a floor and a growth together, and citizens find campaigns by name (issue 14).

Revision ID: c6camp00001
Revises: c6donor00001
Create Date: 2026-12-03 12:02:00

"""
import sqlalchemy as sa
from alembic import op

from ledger.core.text import fold

revision = 'c6camp00001'
down_revision = 'c6donor00001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.add_column(sa.Column("target_floor", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                                      nullable=True))
        batch_op.add_column(sa.Column("growth_target", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                                      nullable=True))
        batch_op.add_column(sa.Column("search_key", sa.String(300), nullable=False, server_default=""))
        batch_op.create_check_constraint(op.f("ck_campaigns_floor_positive"),
                                         "target_floor IS NULL OR target_floor >= 0")
        batch_op.create_check_constraint(op.f("ck_campaigns_growth_target_positive"),
                                         "growth_target IS NULL OR growth_target >= 0")
    # A campaign launched as a growth alone had its grown amount as its target.
    op.execute("UPDATE campaigns SET growth_target = target_amount WHERE growth_over_id IS NOT NULL")
    campaigns = sa.table("campaigns", sa.column("id"), sa.column("name"), sa.column("code"), sa.column("search_key"))
    connection = op.get_bind()
    for row in connection.execute(sa.select(campaigns.c.id, campaigns.c.name, campaigns.c.code)).all():
        connection.execute(campaigns.update().where(campaigns.c.id == row.id)
                           .values(search_key=f"{fold(row.name)} {row.code.casefold()}"))


def downgrade():
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.drop_constraint(op.f("ck_campaigns_growth_target_positive"), type_="check")
        batch_op.drop_constraint(op.f("ck_campaigns_floor_positive"), type_="check")
        batch_op.drop_column("search_key")
        batch_op.drop_column("growth_target")
        batch_op.drop_column("target_floor")
