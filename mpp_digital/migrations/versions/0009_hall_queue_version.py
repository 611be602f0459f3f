"""queue: a per-hall version of what the board and ticket pages show

Revision ID: 7d0c2b4e91a3
Revises: 49a279654d0b
Create Date: 2026-12-05 19:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d0c2b4e91a3'
down_revision = '49a279654d0b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hall_queue_version',
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_hall_queue_version_mpp_id_mpp')),
    sa.PrimaryKeyConstraint('mpp_id', name=op.f('pk_hall_queue_version'))
    )


def downgrade():
    op.drop_table('hall_queue_version')
