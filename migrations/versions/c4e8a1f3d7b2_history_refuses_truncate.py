"""history_records: PostgreSQL refuses TRUNCATE as it refuses UPDATE and DELETE

Revision ID: c4e8a1f3d7b2
Revises: c4e8a1f06d2b
Create Date: 2026-12-01 12:55:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4e8a1f3d7b2'
down_revision = 'c4e8a1f06d2b'
branch_labels = None
depends_on = None

# A row trigger never sees TRUNCATE, which empties the table without deleting rows one by one: it
# takes a statement-level trigger. The function is the one the UPDATE/DELETE trigger calls (TG_OP
# then says TRUNCATE).
NO_TRUNCATE = """
CREATE TRIGGER history_records_no_truncate
    BEFORE TRUNCATE ON history_records
    FOR EACH STATEMENT EXECUTE FUNCTION caseflow_history_is_append_only();
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NO_TRUNCATE)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS history_records_no_truncate ON history_records")
