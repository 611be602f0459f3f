"""notify: the outbox of messages to citizens (message); a booking's language and the time the
citizen confirmed it from a reminder

Revision ID: 9c3d7e1f2a68
Revises: 5b8e2f0a7c14
Create Date: 2026-12-06 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c3d7e1f2a68'
down_revision = '5b8e2f0a7c14'
branch_labels = None
depends_on = None

STATUSES = ('pending', 'sending', 'sent', 'failed', 'void')


def upgrade():
    op.create_table(
        'message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('about', sa.String(length=60), nullable=True),
        sa.Column('channel', sa.String(length=12), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('attachment', sa.Text(), nullable=True),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=True),
        sa.Column('status', sa.Enum(*STATUSES, name='message_status', native_enum=False,
                                    create_constraint=True, length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('claim', sa.String(length=40), nullable=True),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message')))
    op.create_index(op.f('ix_message_about'), 'message', ['about'], unique=False)
    op.create_index('ix_message_status_due', 'message', ['status', 'due_at'], unique=False)
    with op.batch_alter_table('appointment') as batch:
        batch.add_column(sa.Column('language', sa.String(length=5), nullable=False,
                                   server_default='id'))
        batch.add_column(sa.Column('confirmed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('appointment') as batch:
        batch.drop_column('confirmed_at')
        batch.drop_column('language')
    op.drop_index('ix_message_status_due', table_name='message')
    op.drop_index(op.f('ix_message_about'), table_name='message')
    op.drop_table('message')
