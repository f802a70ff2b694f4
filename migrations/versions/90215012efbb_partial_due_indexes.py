"""cases: partial indexes for the date sweeps, notices, queue and dashboard instead of four (state, date) ones

Revision ID: 90215012efbb
Revises: a7d3c1e9b2f4
Create Date: 2026-11-24 13:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '90215012efbb'
down_revision = 'a7d3c1e9b2f4'
branch_labels = None
depends_on = None

# Every state change moved a case's entry in all four (state, date) indexes, each a random leaf
# page, and SQLite's commit writes every page it dirtied. A partial index holds only the cases its
# queries can act on, so a transition now touches at most two of these (the state it leaves, the
# state it enters). `state` still leads each key: SQLite without ANALYZE figures otherwise
# prefers ix_cases_state (kept: counts by state, the list's state filter) to a range on the date.
PARTIAL = (
    ('ix_cases_active_next_review_due', 'next_review_due', "state = 'active'"),
    ('ix_cases_under_review_next_review_due', 'next_review_due', "state = 'under_review'"),
    ('ix_cases_running_exit_deadline', 'exit_deadline', "state IN ('active', 'under_review')"),
    ('ix_cases_agreed_proposed_start', 'proposed_start', "state = 'agreed'"),
    ('ix_cases_exiting_exit_completion_due', 'exit_completion_due', "state = 'exiting'"),
)
COMPOSITE = ('next_review_due', 'exit_deadline', 'proposed_start', 'exit_completion_due')


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for column in COMPOSITE:
            batch_op.drop_index(f'ix_cases_state_{column}')
        for name, column, where in PARTIAL:
            batch_op.create_index(name, ['state', column], unique=False,
                                  sqlite_where=sa.text(where), postgresql_where=sa.text(where))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for name, _column, _where in reversed(PARTIAL):
            batch_op.drop_index(name)
        for column in COMPOSITE:
            batch_op.create_index(f'ix_cases_state_{column}', ['state', column], unique=False)
