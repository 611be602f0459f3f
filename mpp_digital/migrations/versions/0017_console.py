"""queue: why a ticket has priority (ticket.priority_reason, chosen at the kiosk), the note a
clerk gives with a transfer, for the next clerk (ticket_event.note), and an index to find a
counter's last event (ticket_event.counter_id)

Revision ID: 2c6e9a4b7d31
Revises: 8e3b5c7d9f10
Create Date: 2026-12-06 05:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2c6e9a4b7d31'
down_revision = '8e3b5c7d9f10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ticket') as batch:
        batch.add_column(sa.Column('priority_reason', sa.String(length=16), nullable=True))
    with op.batch_alter_table('ticket_event') as batch:
        batch.add_column(sa.Column('note', sa.String(length=200), nullable=True))
    op.create_index(op.f('ix_ticket_event_counter_id'), 'ticket_event', ['counter_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_ticket_event_counter_id'), table_name='ticket_event')
    with op.batch_alter_table('ticket_event') as batch:
        batch.drop_column('note')
    with op.batch_alter_table('ticket') as batch:
        batch.drop_column('priority_reason')
