"""booking: the waitlist (waitlist_entry) and the freed seats offered to it (seat_offer)

Revision ID: 2e8b5a9d4c31
Revises: 9c3d7e1f2a68
Create Date: 2026-12-06 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2e8b5a9d4c31'
down_revision = '9c3d7e1f2a68'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def upgrade():
    op.create_table(
        'waitlist_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('offering_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('first_day', sa.Date(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.Column('status', _enum('wait_status', 'waiting', 'offered', 'booked', 'left',
                                  'lapsed'), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('nik_hmac', sa.String(length=64), nullable=False),
        sa.Column('nik_last4', sa.String(length=4), nullable=False),
        sa.Column('phone', sa.String(length=16), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('joined_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('last_day >= first_day',
                           name=op.f('ck_waitlist_entry_window_in_order')),
        sa.ForeignKeyConstraint(['offering_id'], ['offering.id'],
                                name=op.f('fk_waitlist_entry_offering_id_offering')),
        sa.ForeignKeyConstraint(['service_id'], ['service.id'],
                                name=op.f('fk_waitlist_entry_service_id_service')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_entry')))
    op.create_index('ix_waitlist_offering_status', 'waitlist_entry',
                    ['offering_id', 'status', 'joined_at'], unique=False)
    op.create_index('uq_waitlist_nik_service_day', 'waitlist_entry',
                    ['nik_hmac', 'service_id', 'first_day'], unique=True,
                    sqlite_where=sa.text("status IN ('waiting', 'offered')"),
                    postgresql_where=sa.text("status IN ('waiting', 'offered')"))
    op.create_table(
        'seat_offer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('slot_id', sa.Integer(), nullable=False),
        sa.Column('status', _enum('offer_status', 'open', 'accepted', 'lapsed', 'withdrawn'),
                  nullable=False),
        sa.Column('offered_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('appointment_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'],
                                name=op.f('fk_seat_offer_appointment_id_appointment')),
        sa.ForeignKeyConstraint(['entry_id'], ['waitlist_entry.id'],
                                name=op.f('fk_seat_offer_entry_id_waitlist_entry')),
        sa.ForeignKeyConstraint(['slot_id'], ['slot.id'], name=op.f('fk_seat_offer_slot_id_slot')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_seat_offer')))
    op.create_index(op.f('ix_seat_offer_slot_id'), 'seat_offer', ['slot_id'], unique=False)
    op.create_index('ix_seat_offer_open_expiry', 'seat_offer', ['status', 'expires_at'],
                    unique=False)
    op.create_index('uq_seat_offer_open_entry', 'seat_offer', ['entry_id'], unique=True,
                    sqlite_where=sa.text("status = 'open'"),
                    postgresql_where=sa.text("status = 'open'"))


def downgrade():
    op.drop_table('seat_offer')
    op.drop_table('waitlist_entry')
