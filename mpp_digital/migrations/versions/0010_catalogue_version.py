"""catalogue: one version number for the public catalogue's ETags and page cache

Revision ID: 3f6a9c1d2b57
Revises: 7d0c2b4e91a3
Create Date: 2026-12-05 19:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f6a9c1d2b57'
down_revision = '7d0c2b4e91a3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('catalogue_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_version'))
    )


def downgrade():
    op.drop_table('catalogue_version')
