"""reviews.recommendation: text, as long as the review form's field allows (it was VARCHAR(40))

Revision ID: 7601bee1b996
Revises: 90215012efbb
Create Date: 2026-12-01 12:50:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '7601bee1b996'
down_revision = '90215012efbb'
branch_labels = None
depends_on = None

# The review's recommendation is a free textarea; PostgreSQL refused any longer than 40 characters.


def upgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.alter_column('recommendation', existing_type=sa.String(length=40), type_=sa.Text(),
                              existing_nullable=True)


def downgrade():
    # Going back cuts longer recommendations to the old column's 40 characters (the history keeps them whole).
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.alter_column('recommendation', existing_type=sa.Text(), type_=sa.String(length=40),
                              existing_nullable=True, postgresql_using='left(recommendation, 40)')
