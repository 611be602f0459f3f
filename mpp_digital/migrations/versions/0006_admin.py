"""admin: the hall's message on a booking it moved or cancelled

Revision ID: b1978f4f9b44
Revises: a5773176d392
Create Date: 2026-11-29 11:57:10.982750

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b1978f4f9b44'
down_revision = 'a5773176d392'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_message', sa.String(length=300), nullable=False,
                                      server_default=''))



def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_column('staff_message')

