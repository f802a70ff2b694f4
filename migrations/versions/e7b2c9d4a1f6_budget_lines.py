"""budget_lines and instalments: an agreement's contribution lines and planned disbursements; the case's
shared risks, national alignment, organisation cash total and released total in USD

Revision ID: e7b2c9d4a1f6
Revises: d5f1b7c3a9e2
Create Date: 2026-12-01 23:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e7b2c9d4a1f6'
down_revision = 'd5f1b7c3a9e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'budget_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('party', sa.String(length=20), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_budget_lines_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_lines')),
        sa.UniqueConstraint('case_id', 'position', name='uq_budget_lines_case_id_position'),
    )
    op.create_table(
        'instalments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('released_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_instalments_case_id_cases')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_instalments_requested_by_id_users')),
        sa.ForeignKeyConstraint(['released_by_id'], ['users.id'], name=op.f('fk_instalments_released_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_instalments')),
        sa.UniqueConstraint('case_id', 'position', name='uq_instalments_case_id_position'),
    )
    # Plain ALTER TABLE ... ADD/DROP COLUMN on both databases: a batch copy of `cases` would rebuild its indexes.
    op.add_column('cases', sa.Column('shared_risks_benefits', sa.Text(), nullable=True))
    op.add_column('cases', sa.Column('national_alignment', sa.Text(), nullable=True))
    op.add_column('cases', sa.Column('organisation_cash_usd', sa.Numeric(precision=14, scale=2), nullable=True))
    op.add_column('cases', sa.Column('released_usd', sa.Numeric(precision=14, scale=2), nullable=True))


def downgrade():
    for column in ('released_usd', 'organisation_cash_usd', 'national_alignment', 'shared_risks_benefits'):
        op.drop_column('cases', column)
    op.drop_table('instalments')
    op.drop_table('budget_lines')
