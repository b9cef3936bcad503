"""Boolean columns read as questions: every flag is named is_… (issue 11, names).

A plain column rename on both engines (PostgreSQL, and SQLite since 3.25): CHECK constraints and
triggers that mention a column follow it, and no table is rebuilt. The API keeps its field names.

Revision ID: c4names0001
Revises: c3money00001
Create Date: 2026-12-02 23:10:00

"""
from alembic import op

revision = 'c4names0001'
down_revision = 'c3money00001'
branch_labels = None
depends_on = None

RENAMES = [  # (table, old name, new name)
    ("accounts", "no_negative", "is_no_negative"),
    ("scholarship_students", "ethnic_minority", "is_ethnic_minority"),
    ("scholarship_students", "disability", "is_disabled"),
    ("scholarship_students", "publish_consent", "is_publish_consented"),
    ("scholarship_programs", "allow_multiple_awards", "is_multiple_awards_allowed"),
    ("scholarship_rounds", "blind_review", "is_review_blind"),
    ("scholarship_candidates", "eligible", "is_eligible"),
    ("scholarship_reviews", "recommend", "is_recommended"),
    ("scholarship_reviews", "conflict_of_interest", "is_conflicted"),
]


def upgrade():
    for table, old, new in RENAMES:
        op.execute(f"ALTER TABLE {table} RENAME COLUMN {old} TO {new}")


def downgrade():
    for table, old, new in reversed(RENAMES):
        op.execute(f"ALTER TABLE {table} RENAME COLUMN {new} TO {old}")
