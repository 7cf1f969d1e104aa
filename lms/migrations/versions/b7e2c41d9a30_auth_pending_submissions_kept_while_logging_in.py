"""Auth: form posts kept while their author logs in again

Revision ID: b7e2c41d9a30
Revises: 6a15475f7f09
Create Date: 2026-12-04 20:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2c41d9a30'
down_revision = '6a15475f7f09'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_submissions',
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token')
    )
    with op.batch_alter_table('pending_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_submissions_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_submissions_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('pending_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_submissions_user_id'))
        batch_op.drop_index(batch_op.f('ix_pending_submissions_expires_at'))
    op.drop_table('pending_submissions')
