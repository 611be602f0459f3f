"""queue: staff accounts, audit log, tickets, numbers, events; counters open; appointments checked in

Revision ID: 4677c023e57d
Revises: cbe71104edc4
Create Date: 2026-11-29 10:15:20.672037

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4677c023e57d'
down_revision = 'cbe71104edc4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.Enum('national_admin', 'mpp_manager', 'clerk', name='role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role <> 'clerk' OR agency_id IS NOT NULL", name=op.f('ck_user_clerk_has_agency')),
    sa.CheckConstraint("role <> 'national_admin' OR mpp_id IS NULL", name=op.f('ck_user_admin_national')),
    sa.CheckConstraint("role = 'national_admin' OR mpp_id IS NOT NULL", name=op.f('ck_user_staff_have_mpp')),
    sa.CheckConstraint('session_version >= 1', name=op.f('ck_user_session_version_positive')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_user_agency_id_agency')),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_user_mpp_id_mpp')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_mpp_id'), ['mpp_id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('mpp_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('target', sa.String(length=120), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_audit_log_mpp_id_mpp')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_audit_log_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_mpp_id'), ['mpp_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_user_id'), ['user_id'], unique=False)

    op.create_table('ticket_number',
    sa.Column('queue_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_ticket_number_queue_id_queue')),
    sa.PrimaryKeyConstraint('queue_id', 'day', name=op.f('pk_ticket_number'))
    )
    op.create_table('user_counter',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('counter_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['counter.id'], name=op.f('fk_user_counter_counter_id_counter'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_counter_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'counter_id', name=op.f('pk_user_counter'))
    )
    op.create_table('ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issued_queue_id', sa.Integer(), nullable=False),
    sa.Column('queue_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'called', 'serving', 'done', 'no_show', name='ticket_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('priority', sa.Boolean(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('arrived_at', sa.DateTime(), nullable=False),
    sa.Column('counter_id', sa.Integer(), nullable=True),
    sa.Column('recalls', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.CheckConstraint("status = 'waiting' OR counter_id IS NOT NULL OR status = 'no_show'", name=op.f('ck_ticket_called_at_a_counter')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_ticket_number_positive')),
    sa.CheckConstraint('recalls >= 0', name=op.f('ck_ticket_recalls_not_negative')),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'], name=op.f('fk_ticket_appointment_id_appointment')),
    sa.ForeignKeyConstraint(['counter_id'], ['counter.id'], name=op.f('fk_ticket_counter_id_counter')),
    sa.ForeignKeyConstraint(['issued_queue_id'], ['queue.id'], name=op.f('fk_ticket_issued_queue_id_queue')),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_ticket_queue_id_queue')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket')),
    sa.UniqueConstraint('appointment_id', name=op.f('uq_ticket_appointment_id')),
    sa.UniqueConstraint('issued_queue_id', 'day', 'number', name=op.f('uq_ticket_issued_queue_id_day_number')),
    sa.UniqueConstraint('token', name=op.f('uq_ticket_token'))
    )
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_queue_id'), ['queue_id'], unique=False)
        batch_op.create_index('ix_ticket_queue_waiting', ['queue_id', 'day', 'status'], unique=False)
        batch_op.create_index('ix_ticket_counter_status', ['counter_id', 'status'], unique=False)
        batch_op.create_index('uq_ticket_counter_busy', ['counter_id'], unique=True, sqlite_where=sa.text("status IN ('called', 'serving')"), postgresql_where=sa.text("status IN ('called', 'serving')"))

    op.create_table('ticket_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('issued', 'called', 'recalled', 'started', 'finished', 'no_show', 'transferred', name='event_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('counter_id', sa.Integer(), nullable=True),
    sa.Column('queue_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['counter_id'], ['counter.id'], name=op.f('fk_ticket_event_counter_id_counter')),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_ticket_event_queue_id_queue')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_ticket_event_ticket_id_ticket')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_ticket_event_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_event'))
    )
    with op.batch_alter_table('ticket_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_event_ticket_id'), ['ticket_id'], unique=False)

    with op.batch_alter_table('counter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_open', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    # A booking can now be checked in: widen the status CHECK constraint.
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_appointment_appointment_status'), type_='check')
        batch_op.create_check_constraint(
            'appointment_status',
            "status IN ('active', 'checked_in', 'cancelled', 'expired')")



def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_appointment_appointment_status'), type_='check')
        batch_op.create_check_constraint(
            'appointment_status', "status IN ('active', 'cancelled', 'expired')")
    with op.batch_alter_table('counter', schema=None) as batch_op:
        batch_op.drop_column('is_open')

    with op.batch_alter_table('ticket_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_event_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_event_at'))

    op.drop_table('ticket_event')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('uq_ticket_counter_busy', sqlite_where=sa.text("status IN ('called', 'serving')"), postgresql_where=sa.text("status IN ('called', 'serving')"))
        batch_op.drop_index('ix_ticket_counter_status')
        batch_op.drop_index('ix_ticket_queue_waiting')
        batch_op.drop_index(batch_op.f('ix_ticket_queue_id'))

    op.drop_table('ticket')
    op.drop_table('user_counter')
    op.drop_table('ticket_number')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_mpp_id'))

    op.drop_table('audit_log')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_mpp_id'))

    op.drop_table('user')
