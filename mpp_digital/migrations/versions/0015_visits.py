"""booking: visits, one trip for several services (visit); an appointment's visit, and
whether it holds the NIK's seat in the limit's unique index (a visit's steps share one)

Revision ID: 4d2f8b6a1e97
Revises: 7a1c4e9b3d52
Create Date: 2026-12-06 03:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d2f8b6a1e97'
down_revision = '7a1c4e9b3d52'
branch_labels = None
depends_on = None

ACTIVE = "status = 'active'"
HOLDING = "status = 'active' AND holds_seat"


def upgrade():
    op.create_table(
        'visit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=12), nullable=False),
        sa.Column('mpp_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('active', 'cancelled', name='visit_status',
                                    native_enum=False, create_constraint=True, length=20),
                  nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('nik_hmac', sa.String(length=64), nullable=False),
        sa.Column('nik_last4', sa.String(length=4), nullable=False),
        sa.Column('phone', sa.String(length=16), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('phone_channel', sa.String(length=12), nullable=True),
        sa.Column('api_client_id', sa.Integer(), nullable=True),
        sa.Column('idempotency_key', sa.String(length=80), nullable=True),
        sa.Column('request_hash', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('cancelled_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('length(nik_last4) = 4', name=op.f('ck_visit_nik_last4_length')),
        sa.ForeignKeyConstraint(['api_client_id'], ['api_client.id'],
                                name=op.f('fk_visit_api_client_id_api_client')),
        sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_visit_mpp_id_mpp')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_visit')),
        sa.UniqueConstraint('api_client_id', 'idempotency_key',
                            name=op.f('uq_visit_api_client_id_idempotency_key')),
        sa.UniqueConstraint('code', name=op.f('uq_visit_code')),
    )
    op.create_index(op.f('ix_visit_mpp_id'), 'visit', ['mpp_id'], unique=False)
    op.create_index(op.f('ix_visit_nik_hmac'), 'visit', ['nik_hmac'], unique=False)
    with op.batch_alter_table('appointment') as batch:
        batch.add_column(sa.Column('visit_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('holds_seat', sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
        batch.create_foreign_key(op.f('fk_appointment_visit_id_visit'), 'visit',
                                 ['visit_id'], ['id'])
        batch.create_index(op.f('ix_appointment_visit_id'), ['visit_id'], unique=False)
        batch.drop_index('uq_appointment_active_nik_seat', sqlite_where=sa.text(ACTIVE),
                         postgresql_where=sa.text(ACTIVE))
        batch.create_index('uq_appointment_active_nik_seat', ['nik_hmac', 'nik_seat'],
                           unique=True, sqlite_where=sa.text(HOLDING),
                           postgresql_where=sa.text(HOLDING))


def downgrade():
    with op.batch_alter_table('appointment') as batch:
        batch.drop_index('uq_appointment_active_nik_seat', sqlite_where=sa.text(HOLDING),
                         postgresql_where=sa.text(HOLDING))
        batch.create_index('uq_appointment_active_nik_seat', ['nik_hmac', 'nik_seat'],
                           unique=True, sqlite_where=sa.text(ACTIVE),
                           postgresql_where=sa.text(ACTIVE))
        batch.drop_index(op.f('ix_appointment_visit_id'))
        batch.drop_constraint(op.f('fk_appointment_visit_id_visit'), type_='foreignkey')
        batch.drop_column('holds_seat')
        batch.drop_column('visit_id')
    op.drop_index(op.f('ix_visit_nik_hmac'), table_name='visit')
    op.drop_index(op.f('ix_visit_mpp_id'), table_name='visit')
    op.drop_table('visit')
