"""Indexes for national scale: name search, certificates expiring soon

Revision ID: 3e5b1c9d2a47
Revises: 77b151efbf96
Create Date: 2026-11-24 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e5b1c9d2a47'
down_revision = '77b151efbf96'
branch_labels = None
depends_on = None

CURRENT = "revoked_at IS NULL AND superseded_at IS NULL"


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(
            'ix_users_names',
            ['family_name_en', 'given_name_en', 'family_name_km', 'given_name_km'],
            unique=False,
        )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(
            'ix_certificates_current_expiry',
            ['expires_on'],
            unique=False,
            sqlite_where=sa.text(CURRENT),
            postgresql_where=sa.text(CURRENT),
        )


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index('ix_certificates_current_expiry')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_names')
