"""booking: slots, generated days, appointments

Revision ID: cbe71104edc4
Revises: 0b107710ff97
Create Date: 2026-11-29 09:43:14.130027

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cbe71104edc4'
down_revision = '0b107710ff97'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.CheckConstraint('booked >= 0 AND booked <= capacity', name=op.f('ck_slot_booked_within_capacity')),
    sa.CheckConstraint('capacity >= 0', name=op.f('ck_slot_capacity_not_negative')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_slot_ends_after_starts')),
    sa.ForeignKeyConstraint(['offering_id'], ['offering.id'], name=op.f('fk_slot_offering_id_offering')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slot')),
    sa.UniqueConstraint('offering_id', 'starts_at', name=op.f('uq_slot_offering_id_starts_at'))
    )
    with op.batch_alter_table('slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slot_offering_id'), ['offering_id'], unique=False)

    op.create_table('slot_day',
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['offering_id'], ['offering.id'], name=op.f('fk_slot_day_offering_id_offering')),
    sa.PrimaryKeyConstraint('offering_id', 'day', name=op.f('pk_slot_day'))
    )
    op.create_table('appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'cancelled', 'expired', name='appointment_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('nik_hmac', sa.String(length=64), nullable=False),
    sa.Column('nik_last4', sa.String(length=4), nullable=False),
    sa.Column('nik_seat', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('idempotency_key', sa.String(length=80), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=True),
    sa.Column('reschedules', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('length(nik_last4) = 4', name=op.f('ck_appointment_nik_last4_length')),
    sa.CheckConstraint('nik_seat >= 1', name=op.f('ck_appointment_nik_seat_positive')),
    sa.CheckConstraint('reschedules BETWEEN 0 AND 1', name=op.f('ck_appointment_reschedule_once')),
    sa.ForeignKeyConstraint(['offering_id'], ['offering.id'], name=op.f('fk_appointment_offering_id_offering')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_appointment_service_id_service')),
    sa.ForeignKeyConstraint(['slot_id'], ['slot.id'], name=op.f('fk_appointment_slot_id_slot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment')),
    sa.UniqueConstraint('code', name=op.f('uq_appointment_code')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_appointment_idempotency_key'))
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_slot_id'), ['slot_id'], unique=False)
        batch_op.create_index('uq_appointment_active_nik_seat', ['nik_hmac', 'nik_seat'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.create_index('uq_appointment_active_nik_service', ['nik_hmac', 'service_id'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))



def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index('uq_appointment_active_nik_service', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index('uq_appointment_active_nik_seat', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index(batch_op.f('ix_appointment_slot_id'))

    op.drop_table('appointment')
    op.drop_table('slot_day')
    with op.batch_alter_table('slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slot_offering_id'))

    op.drop_table('slot')
