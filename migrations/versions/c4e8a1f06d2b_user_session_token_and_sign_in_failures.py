"""users: a session token that ends every session when it changes, and the account's failed sign-ins

Revision ID: c4e8a1f06d2b
Revises: 0eaaef2aed49
Create Date: 2026-12-01 12:50:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4e8a1f06d2b'
down_revision = '0eaaef2aed49'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows keep a NULL token: no session made before this revision is accepted, and the
    # next sign-in gives the user a token.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('failed_sign_ins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('sign_in_blocked_until', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('sign_in_blocked_until')
        batch_op.drop_column('failed_sign_ins')
        batch_op.drop_column('session_token')
