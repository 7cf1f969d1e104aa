"""Online tests: time limit, pages and review per test; deadline and page per attempt

Revision ID: 8eedb2666cea
Revises: 05700eb81fe2
Create Date: 2026-12-04 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8eedb2666cea'
down_revision = '05700eb81fe2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('instruments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_limit_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('questions_per_page', sa.Integer(), nullable=False, server_default='5')
        )
        batch_op.add_column(
            sa.Column('review', sa.String(length=40), nullable=False, server_default='score')
        )

    with op.batch_alter_table('test_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('page', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(
            sa.Column('timed_out', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table('test_attempts', schema=None) as batch_op:
        batch_op.drop_column('timed_out')
        batch_op.drop_column('page')
        batch_op.drop_column('deadline_at')

    with op.batch_alter_table('instruments', schema=None) as batch_op:
        batch_op.drop_column('review')
        batch_op.drop_column('questions_per_page')
        batch_op.drop_column('time_limit_minutes')
