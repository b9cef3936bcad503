"""Scholarships beyond grade 12: levels and fields (issue 14).

Students get a level (pupil, college or university student, studying abroad, adult learner, teacher, worker), a
field of study and no grade unless pupils; programs say which levels they serve (pupils for those already made).

Revision ID: c6schol00001
Revises: c6camp00001
Create Date: 2026-12-03 12:03:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c6schol00001'
down_revision = 'c6camp00001'
branch_labels = None
depends_on = None

LEVELS = "('school','college','university','abroad','adult','teacher','worker')"
GRADE = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    with op.batch_alter_table('scholarship_students', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level', sa.String(length=12), server_default='school', nullable=False))
        batch_op.add_column(sa.Column('field_of_study', sa.String(length=200), nullable=True))
        batch_op.alter_column('grade', existing_type=GRADE, nullable=True)
        batch_op.create_check_constraint(op.f('ck_scholarship_students_level'), f"level IN {LEVELS}")
        batch_op.create_check_constraint(op.f('ck_scholarship_students_pupil_has_grade'),
                                         "level <> 'school' OR grade IS NOT NULL")
    with op.batch_alter_table('scholarship_student_results', schema=None) as batch_op:
        batch_op.alter_column('grade', existing_type=GRADE, nullable=True)
    with op.batch_alter_table('scholarship_programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('levels', sa.JSON(), nullable=True))
    op.execute("UPDATE scholarship_programs SET levels = '[\"school\"]'")
    with op.batch_alter_table('scholarship_programs', schema=None) as batch_op:
        batch_op.alter_column('levels', existing_type=sa.JSON(), nullable=False)


def downgrade():
    # Only pupils fit the old tables: the others' results and nominations must go first, by hand.
    with op.batch_alter_table('scholarship_programs', schema=None) as batch_op:
        batch_op.drop_column('levels')
    with op.batch_alter_table('scholarship_student_results', schema=None) as batch_op:
        batch_op.alter_column('grade', existing_type=GRADE, nullable=False)
    with op.batch_alter_table('scholarship_students', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_scholarship_students_pupil_has_grade'), type_='check')
        batch_op.drop_constraint(op.f('ck_scholarship_students_level'), type_='check')
        batch_op.alter_column('grade', existing_type=GRADE, nullable=False)
        batch_op.drop_column('field_of_study')
        batch_op.drop_column('level')
