"""security: enrolled devices (kiosks), API clients, Idempotency-Keys scoped per client

Revision ID: 49a279654d0b
Revises: 6cb15cd10959
Create Date: 2026-12-05 14:21:18.326610

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '49a279654d0b'
down_revision = '6cb15cd10959'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_client',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('key_prefix', sa.String(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('all_mpps', sa.Boolean(), nullable=False),
    sa.Column('rate_limit', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_api_client_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_client')),
    sa.UniqueConstraint('key_prefix', name=op.f('uq_api_client_key_prefix'))
    )
    op.create_table('device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('kiosk', name='device_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('enrol_code_hash', sa.String(length=64), nullable=True),
    sa.Column('enrol_expires_at', sa.DateTime(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('enrolled_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('enrol_code_hash IS NULL OR token_hash IS NULL', name=op.f('ck_device_enrolled_once')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_device_created_by_id_user')),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_device_mpp_id_mpp')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device')),
    sa.UniqueConstraint('enrol_code_hash', name=op.f('uq_device_enrol_code_hash')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_device_token_hash'))
    )
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_mpp_id'), ['mpp_id'], unique=False)

    op.create_table('api_client_mpp',
    sa.Column('api_client_id', sa.Integer(), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['api_client_id'], ['api_client.id'], name=op.f('fk_api_client_mpp_api_client_id_api_client'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_api_client_mpp_mpp_id_mpp'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('api_client_id', 'mpp_id', name=op.f('pk_api_client_mpp'))
    )
    # Keys sent before clients existed belonged to nobody: they cannot be replayed any more.
    op.execute("UPDATE appointment SET idempotency_key = NULL")
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_client_id', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            'idempotency_key_has_client', 'idempotency_key IS NULL OR api_client_id IS NOT NULL')
        batch_op.drop_constraint(batch_op.f('uq_appointment_idempotency_key'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_appointment_api_client_id_idempotency_key'), ['api_client_id', 'idempotency_key'])
        batch_op.create_foreign_key(batch_op.f('fk_appointment_api_client_id_api_client'), 'api_client', ['api_client_id'], ['id'])



def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appointment_api_client_id_api_client'), type_='foreignkey')
        batch_op.drop_constraint('idempotency_key_has_client', type_='check')
        batch_op.drop_constraint(batch_op.f('uq_appointment_api_client_id_idempotency_key'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_appointment_idempotency_key'), ['idempotency_key'])
        batch_op.drop_column('api_client_id')

    op.drop_table('api_client_mpp')
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_mpp_id'))

    op.drop_table('device')
    op.drop_table('api_client')
