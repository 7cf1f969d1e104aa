"""Receipts: each form post saved once, however often it is sent

Revision ID: d3f8a6b1c257
Revises: b7e2c41d9a30
Create Date: 2026-12-04 20:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3f8a6b1c257'
down_revision = 'b7e2c41d9a30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submission_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=36), nullable=False),
    sa.Column('endpoint', sa.String(length=500), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'key', name='uq_submission_receipts_key')
    )
    with op.batch_alter_table('submission_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_receipts_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('submission_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_receipts_created_at'))
    op.drop_table('submission_receipts')
