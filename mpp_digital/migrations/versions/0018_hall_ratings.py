"""queue: how many ratings a hall has received (hall_queue_version.ratings), which its IKM
page's ETag follows instead of every ticket event

Revision ID: 5b8d1f3a6c27
Revises: 2c6e9a4b7d31
Create Date: 2026-12-07 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b8d1f3a6c27'
down_revision = '2c6e9a4b7d31'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('hall_queue_version') as batch:
        batch.add_column(sa.Column('ratings', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('hall_queue_version') as batch:
        batch.drop_column('ratings')
