"""reports: the daily rollup of each line's visits (line_day), how far each hall is rolled up,
and each hall's day of survey answers summed (survey_day)

Revision ID: 5b8e2f0a7c14
Revises: 3f6a9c1d2b57
Create Date: 2026-12-05 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b8e2f0a7c14'
down_revision = '3f6a9c1d2b57'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('line_day',
    sa.Column('queue_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.Column('no_shows', sa.Integer(), nullable=False),
    sa.Column('waits', sa.JSON(), nullable=False),
    sa.Column('services', sa.JSON(), nullable=False),
    sa.Column('hours', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_line_day_mpp_id_mpp')),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_line_day_queue_id_queue')),
    sa.PrimaryKeyConstraint('queue_id', 'day', name=op.f('pk_line_day'))
    )
    op.create_index('ix_line_day_mpp_day', 'line_day', ['mpp_id', 'day'], unique=False)
    op.create_table('rolled_up',
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('through', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_rolled_up_mpp_id_mpp')),
    sa.PrimaryKeyConstraint('mpp_id', name=op.f('pk_rolled_up'))
    )
    op.create_table('survey_day',
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('service_key', sa.Integer(), nullable=False),
    sa.Column('respondents', sa.Integer(), nullable=False),
    *(sa.Column(f'u{i}', sa.Integer(), nullable=False) for i in range(1, 10)),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_survey_day_mpp_id_mpp')),
    sa.PrimaryKeyConstraint('mpp_id', 'day', 'service_key', name=op.f('pk_survey_day'))
    )
    # The responses already given, summed.
    op.execute(
        "INSERT INTO survey_day (mpp_id, day, service_key, respondents, "
        + ", ".join(f"u{i}" for i in range(1, 10)) + ") "
        "SELECT mpp_id, day, COALESCE(service_id, 0), COUNT(*), "
        + ", ".join(f"SUM(u{i})" for i in range(1, 10))
        + " FROM survey_response GROUP BY mpp_id, day, COALESCE(service_id, 0)")


def downgrade():
    op.drop_table('survey_day')
    op.drop_table('rolled_up')
    op.drop_index('ix_line_day_mpp_day', table_name='line_day')
    op.drop_table('line_day')
