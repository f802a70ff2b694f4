"""partner_changes: chained per partner (prev_hash, hash), and append-only on PostgreSQL

Revision ID: e7a2c9d4b1f6
Revises: e7b2c9d4a1f6
Create Date: 2026-12-01 23:40:00

"""
import datetime as dt
import hashlib
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e7a2c9d4b1f6'
down_revision = 'e7b2c9d4a1f6'
branch_labels = None
depends_on = None

APPEND_ONLY = """
CREATE FUNCTION caseflow_partner_changes_are_kept() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'partner_changes is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER partner_changes_append_only
    BEFORE UPDATE OR DELETE ON partner_changes
    FOR EACH ROW EXECUTE FUNCTION caseflow_partner_changes_are_kept();
CREATE TRIGGER partner_changes_no_truncate
    BEFORE TRUNCATE ON partner_changes
    FOR EACH STATEMENT EXECUTE FUNCTION caseflow_partner_changes_are_kept();
"""
APPEND_ONLY_DROP = """
DROP TRIGGER IF EXISTS partner_changes_no_truncate ON partner_changes;
DROP TRIGGER IF EXISTS partner_changes_append_only ON partner_changes;
DROP FUNCTION IF EXISTS caseflow_partner_changes_are_kept();
"""


# The hash as the application states it (caseflow.partners.chain), copied so that this migration keeps
# meaning what it meant if the application's changes later.
def _at(at):
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at)
    if at.tzinfo is not None:
        at = at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds") + "Z"


def _hash(row, prev):
    payload = {"partner_id": row.partner_id, "kind": row.kind, "changes": row.changes, "reason": row.reason,
               "by": row.by_user_id, "at": _at(row.at), "prev": prev}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upgrade():
    with op.batch_alter_table('partner_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, partner_id, kind, changes, reason, by_user_id, at FROM partner_changes "
                                "ORDER BY partner_id, id")).all()
    heads = {}
    for row in rows:
        prev = heads.get(row.partner_id)
        heads[row.partner_id] = digest = _hash(row, prev)
        bind.execute(sa.text("UPDATE partner_changes SET prev_hash = :prev, hash = :hash WHERE id = :id"),
                     {"prev": prev, "hash": digest, "id": row.id})
    with op.batch_alter_table('partner_changes', schema=None) as batch_op:
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
    if bind.dialect.name == "postgresql":
        op.execute(APPEND_ONLY)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_DROP)
    with op.batch_alter_table('partner_changes', schema=None) as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
