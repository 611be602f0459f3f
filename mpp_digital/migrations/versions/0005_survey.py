"""survey: SKM responses; tickets remember they were rated

Revision ID: a5773176d392
Revises: 4677c023e57d
Create Date: 2026-11-29 11:46:59.914999

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a5773176d392'
down_revision = '4677c023e57d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.Column('queue_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('u1', sa.SmallInteger(), nullable=False),
    sa.Column('u2', sa.SmallInteger(), nullable=False),
    sa.Column('u3', sa.SmallInteger(), nullable=False),
    sa.Column('u4', sa.SmallInteger(), nullable=False),
    sa.Column('u5', sa.SmallInteger(), nullable=False),
    sa.Column('u6', sa.SmallInteger(), nullable=False),
    sa.Column('u7', sa.SmallInteger(), nullable=False),
    sa.Column('u8', sa.SmallInteger(), nullable=False),
    sa.Column('u9', sa.SmallInteger(), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.CheckConstraint('u1 BETWEEN 1 AND 4', name=op.f('ck_survey_response_u1_scale')),
    sa.CheckConstraint('u2 BETWEEN 1 AND 4', name=op.f('ck_survey_response_u2_scale')),
    sa.CheckConstraint('u3 BETWEEN 1 AND 4', name=op.f('ck_survey_response_u3_scale')),
    sa.CheckConstraint('u4 BETWEEN 1 AND 4', name=op.f('ck_survey_response_u4_scale')),
    sa.CheckConstraint('u5 BETWEEN 1 AND 4', name=op.f('ck_survey_response_u5_scale')),
    sa.CheckConstraint('u6 BETWEEN 1 AND 4', name=op.f('ck_survey_response_u6_scale')),
    sa.CheckConstraint('u7 BETWEEN 1 AND 4', name=op.f('ck_survey_response_u7_scale')),
    sa.CheckConstraint('u8 BETWEEN 1 AND 4', name=op.f('ck_survey_response_u8_scale')),
    sa.CheckConstraint('u9 BETWEEN 1 AND 4', name=op.f('ck_survey_response_u9_scale')),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_survey_response_mpp_id_mpp')),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_survey_response_queue_id_queue')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_survey_response_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response'))
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index('ix_survey_response_mpp_day', ['mpp_id', 'day'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_response_service_id'), ['service_id'], unique=False)

    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('surveyed', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_column('surveyed')

    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_response_service_id'))
        batch_op.drop_index('ix_survey_response_mpp_day')

    op.drop_table('survey_response')
