"""Donors: merging two donors keeps a history (issue 14).

The merged twin keeps its row, pointing at the donor that took its gifts, and the time of the merge.

Revision ID: c6donor00001
Revises: c6vouch00001
Create Date: 2026-12-03 12:01:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c6donor00001'
down_revision = 'c6vouch00001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("donors") as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                                      nullable=True))
        batch_op.add_column(sa.Column("merged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(op.f("fk_donors_merged_into_id_donors"), "donors", ["merged_into_id"], ["id"])
        batch_op.create_index(op.f("ix_donors_merged_into_id"), ["merged_into_id"], unique=False)


def downgrade():
    with op.batch_alter_table("donors") as batch_op:
        batch_op.drop_index(op.f("ix_donors_merged_into_id"))
        batch_op.drop_constraint(op.f("fk_donors_merged_into_id_donors"), type_="foreignkey")
        batch_op.drop_column("merged_at")
        batch_op.drop_column("merged_into_id")
