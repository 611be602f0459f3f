"""notify: messages by WhatsApp and SMS (a message's language; the phone channel a booking, a
waitlist place or a kiosk ticket chose); booking: an offering's hour for releasing
unconfirmed bookings the day before, and how a booking was cancelled

Revision ID: 7a1c4e9b3d52
Revises: 2e8b5a9d4c31
Create Date: 2026-12-06 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a1c4e9b3d52'
down_revision = '2e8b5a9d4c31'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('message') as batch:
        batch.add_column(sa.Column('language', sa.String(length=5), nullable=False,
                                   server_default='id'))
    with op.batch_alter_table('appointment') as batch:
        batch.add_column(sa.Column('phone_channel', sa.String(length=12), nullable=True))
        batch.add_column(sa.Column('cancelled_via', sa.String(length=12), nullable=True))
    with op.batch_alter_table('waitlist_entry') as batch:
        batch.add_column(sa.Column('phone_channel', sa.String(length=12), nullable=True))
    with op.batch_alter_table('ticket') as batch:
        batch.add_column(sa.Column('phone', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('phone_channel', sa.String(length=12), nullable=True))
        batch.add_column(sa.Column('nudged', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('language', sa.String(length=5), nullable=False,
                                   server_default='id'))
    with op.batch_alter_table('offering') as batch:
        batch.add_column(sa.Column('release_hour', sa.Integer(), nullable=True))
        batch.create_check_constraint(
            'ck_offering_release_hour_range',
            'release_hour IS NULL OR release_hour BETWEEN 0 AND 23')


def downgrade():
    with op.batch_alter_table('offering') as batch:
        batch.drop_constraint('ck_offering_release_hour_range', type_='check')
        batch.drop_column('release_hour')
    with op.batch_alter_table('ticket') as batch:
        batch.drop_column('language')
        batch.drop_column('nudged')
        batch.drop_column('phone_channel')
        batch.drop_column('phone')
    with op.batch_alter_table('waitlist_entry') as batch:
        batch.drop_column('phone_channel')
    with op.batch_alter_table('appointment') as batch:
        batch.drop_column('cancelled_via')
        batch.drop_column('phone_channel')
    with op.batch_alter_table('message') as batch:
        batch.drop_column('language')
