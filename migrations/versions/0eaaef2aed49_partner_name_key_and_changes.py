"""organisations.name_key: partner names unique whatever their case and spacing; partner_changes: corrections and flags kept

Revision ID: 0eaaef2aed49
Revises: 7601bee1b996
Create Date: 2026-12-01 12:50:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0eaaef2aed49'
down_revision = '7601bee1b996'
branch_labels = None
depends_on = None


# The rule as the application states it (caseflow.models.partner), copied so that this migration
# keeps meaning what it meant when the rule changes later.
def _tidy(name):
    return " ".join(str(name).split())


def _key(name):
    return _tidy(name).casefold()


def _refuse_duplicates(rows):
    """Stop before changing anything when two stored partners are one under the new rule."""
    groups = {}
    for row in rows:
        groups.setdefault(_key(row.name), []).append(row)
    clashes = [g for g in groups.values() if len(g) > 1]
    if clashes:
        listing = "; ".join(" = ".join(f"#{r.id} '{r.name}'" for r in g) for g in clashes)
        raise RuntimeError(
            f"{len(clashes)} group(s) of partners differ only in case or spacing: {listing}. Partner names must be "
            "unique whatever their case and spacing. Rename or merge them (move their cases to one), then upgrade "
            "again; nothing was changed.")


def upgrade():
    organisations = sa.table('organisations', sa.column('id', sa.Integer), sa.column('name', sa.String),
                             sa.column('name_key', sa.String))
    conn = op.get_bind()
    rows = conn.execute(sa.select(organisations.c.id, organisations.c.name).order_by(organisations.c.id)).all()
    _refuse_duplicates(rows)
    op.add_column('organisations', sa.Column('name_key', sa.String(length=600), nullable=True))
    for row in rows:
        conn.execute(organisations.update().where(organisations.c.id == row.id)
                     .values(name=_tidy(row.name), name_key=_key(row.name)))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.alter_column('name_key', existing_type=sa.String(length=600), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_organisations_name_key'), ['name_key'])

    op.create_table('partner_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_user_id'], ['users.id'], name=op.f('fk_partner_changes_by_user_id_users')),
    sa.ForeignKeyConstraint(['partner_id'], ['organisations.id'], name=op.f('fk_partner_changes_partner_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_changes'))
    )
    with op.batch_alter_table('partner_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_changes_partner_id'), ['partner_id'], unique=False)


def downgrade():
    with op.batch_alter_table('partner_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_changes_partner_id'))
    op.drop_table('partner_changes')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_organisations_name_key'), type_='unique')
        batch_op.drop_column('name_key')
