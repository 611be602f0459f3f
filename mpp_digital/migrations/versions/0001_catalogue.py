"""catalogue: regions, MPPs, agencies, services, offerings, queues, hours

Revision ID: 425dd54e54bc
Revises: 
Create Date: 2026-11-29 09:00:50.593183

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '425dd54e54bc'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('short_name', sa.String(length=40), nullable=False),
    sa.Column('website', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency')),
    sa.UniqueConstraint('slug', name=op.f('uq_agency_slug'))
    )
    op.create_table('province',
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('timezone', sa.String(length=20), nullable=False),
    sa.CheckConstraint("timezone IN ('Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura')", name=op.f('ck_province_timezone')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_province')),
    sa.UniqueConstraint('name', name=op.f('uq_province_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_province_slug'))
    )
    op.create_table('region',
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.Enum('kabupaten', 'kota', name='region_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.ForeignKeyConstraint(['province_code'], ['province.code'], name=op.f('fk_region_province_code_province')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_region')),
    sa.UniqueConstraint('name', name=op.f('uq_region_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_region_slug'))
    )
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_province_code'), ['province_code'], unique=False)

    op.create_table('service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('name_en', sa.String(length=160), nullable=True),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('requirements', sa.JSON(), nullable=False),
    sa.Column('procedure', sa.JSON(), nullable=False),
    sa.Column('duration_value', sa.Integer(), nullable=False),
    sa.Column('duration_unit', sa.Enum('minutes', 'hours', 'days', 'working_days', name='duration_unit', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('fee', sa.Integer(), nullable=False),
    sa.Column('fee_note', sa.Text(), nullable=False),
    sa.Column('product', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.JSON(), nullable=False),
    sa.Column('online_mode', sa.Enum('online', 'book_then_visit', 'visit_only', name='online_mode', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('online_url', sa.String(length=300), nullable=True),
    sa.Column('keywords', sa.Text(), nullable=False),
    sa.CheckConstraint("category IN ('kependudukan', 'keimigrasian', 'kepolisian', 'kendaraan', 'jaminan-sosial', 'perpajakan', 'pertanahan', 'keagamaan', 'perizinan', 'utilitas', 'pembayaran', 'umum')", name=op.f('ck_service_category')),
    sa.CheckConstraint("online_mode <> 'online' OR online_url IS NOT NULL", name=op.f('ck_service_online_has_url')),
    sa.CheckConstraint('duration_value > 0', name=op.f('ck_service_duration_positive')),
    sa.CheckConstraint('fee >= 0', name=op.f('ck_service_fee_not_negative')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_service_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service')),
    sa.UniqueConstraint('slug', name=op.f('uq_service_slug'))
    )
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_agency_id'), ['agency_id'], unique=False)

    op.create_table('mpp',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=5), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=120), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_mpp_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mpp')),
    sa.UniqueConstraint('region_code', name=op.f('uq_mpp_region_code')),
    sa.UniqueConstraint('slug', name=op.f('uq_mpp_slug'))
    )
    op.create_table('closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_closure_ends_after_starts')),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_closure_mpp_id_mpp')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closure'))
    )
    with op.batch_alter_table('closure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closure_mpp_id'), ['mpp_id'], unique=False)

    op.create_table('counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.CheckConstraint('number > 0', name=op.f('ck_counter_number_positive')),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_counter_mpp_id_mpp')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counter')),
    sa.UniqueConstraint('mpp_id', 'number', name=op.f('uq_counter_mpp_id_number'))
    )
    op.create_table('queue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('letter', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.CheckConstraint("letter <> ''", name=op.f('ck_queue_letter_not_empty')),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_queue_mpp_id_mpp')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_queue')),
    sa.UniqueConstraint('mpp_id', 'letter', name=op.f('uq_queue_mpp_id_letter'))
    )
    op.create_table('counter_queue',
    sa.Column('counter_id', sa.Integer(), nullable=False),
    sa.Column('queue_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['counter.id'], name=op.f('fk_counter_queue_counter_id_counter'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_counter_queue_queue_id_queue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('counter_id', 'queue_id', name=op.f('pk_counter_queue'))
    )
    op.create_table('offering',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('queue_id', sa.Integer(), nullable=True),
    sa.Column('bookable', sa.Boolean(), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('seats_per_slot', sa.Integer(), nullable=False),
    sa.Column('daily_quota', sa.Integer(), nullable=True),
    sa.Column('walkin_share', sa.Integer(), nullable=False),
    sa.Column('horizon_days', sa.Integer(), nullable=False),
    sa.Column('cutoff_minutes', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.CheckConstraint('cutoff_minutes >= 0', name=op.f('ck_offering_cutoff_not_negative')),
    sa.CheckConstraint('daily_quota IS NULL OR daily_quota >= 0', name=op.f('ck_offering_quota_not_negative')),
    sa.CheckConstraint('horizon_days BETWEEN 1 AND 180', name=op.f('ck_offering_horizon_range')),
    sa.CheckConstraint('seats_per_slot > 0', name=op.f('ck_offering_seats_positive')),
    sa.CheckConstraint('slot_minutes > 0', name=op.f('ck_offering_slot_minutes_positive')),
    sa.CheckConstraint('walkin_share BETWEEN 0 AND 100', name=op.f('ck_offering_walkin_share_percent')),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_offering_mpp_id_mpp')),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_offering_queue_id_queue')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_offering_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offering')),
    sa.UniqueConstraint('mpp_id', 'service_id', name=op.f('uq_offering_mpp_id_service_id'))
    )
    with op.batch_alter_table('offering', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offering_mpp_id'), ['mpp_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offering_service_id'), ['service_id'], unique=False)

    op.create_table('opening_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=True),
    sa.Column('offering_id', sa.Integer(), nullable=True),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('opens_at', sa.Time(), nullable=False),
    sa.Column('closes_at', sa.Time(), nullable=False),
    sa.CheckConstraint('(mpp_id IS NULL) <> (offering_id IS NULL)', name=op.f('ck_opening_hours_one_owner')),
    sa.CheckConstraint('opens_at < closes_at', name=op.f('ck_opening_hours_opens_before_closes')),
    sa.CheckConstraint('weekday BETWEEN 1 AND 7', name=op.f('ck_opening_hours_iso_weekday')),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_opening_hours_mpp_id_mpp')),
    sa.ForeignKeyConstraint(['offering_id'], ['offering.id'], name=op.f('fk_opening_hours_offering_id_offering')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opening_hours'))
    )
    with op.batch_alter_table('opening_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opening_hours_mpp_id'), ['mpp_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opening_hours_offering_id'), ['offering_id'], unique=False)



def downgrade():
    with op.batch_alter_table('opening_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opening_hours_offering_id'))
        batch_op.drop_index(batch_op.f('ix_opening_hours_mpp_id'))

    op.drop_table('opening_hours')
    with op.batch_alter_table('offering', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offering_service_id'))
        batch_op.drop_index(batch_op.f('ix_offering_mpp_id'))

    op.drop_table('offering')
    op.drop_table('counter_queue')
    op.drop_table('queue')
    op.drop_table('counter')
    with op.batch_alter_table('closure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_closure_mpp_id'))

    op.drop_table('closure')
    op.drop_table('mpp')
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_agency_id'))

    op.drop_table('service')
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_province_code'))

    op.drop_table('region')
    op.drop_table('province')
    op.drop_table('agency')
