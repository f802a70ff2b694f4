"""audit log: indexes on (to_state, at) and (from_state, at) for the log's state filters

Revision ID: a7d3c1e9b2f4
Revises: 459c2724fd1b
Create Date: 2026-11-24 10:55:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7d3c1e9b2f4'
down_revision = '459c2724fd1b'
branch_labels = None
depends_on = None


# Without them a filter on a rare state walks the whole history newest first (seconds at a
# million rows); with them the log reads the matching records in time order straight away.
def upgrade():
    with op.batch_alter_table('history_records', schema=None) as batch_op:
        batch_op.create_index('ix_history_records_to_state_at', ['to_state', 'at'], unique=False)
        batch_op.create_index('ix_history_records_from_state_at', ['from_state', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('history_records', schema=None) as batch_op:
        batch_op.drop_index('ix_history_records_from_state_at')
        batch_op.drop_index('ix_history_records_to_state_at')
