"""catalogue: which service needs the result of which (service_need), and life events with
their steps (life_event, life_event_step)

Revision ID: 8e3b5c7d9f10
Revises: 4d2f8b6a1e97
Create Date: 2026-12-06 03:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8e3b5c7d9f10'
down_revision = '4d2f8b6a1e97'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'service_need',
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('needs_id', sa.Integer(), nullable=False),
        sa.CheckConstraint('service_id <> needs_id', name=op.f('ck_service_need_not_itself')),
        sa.ForeignKeyConstraint(['needs_id'], ['service.id'],
                                name=op.f('fk_service_need_needs_id_service'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['service_id'], ['service.id'],
                                name=op.f('fk_service_need_service_id_service'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('service_id', 'needs_id', name=op.f('pk_service_need')),
    )
    op.create_table(
        'life_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=60), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('name_en', sa.String(length=120), nullable=True),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_life_event')),
        sa.UniqueConstraint('slug', name=op.f('uq_life_event_slug')),
    )
    op.create_table(
        'life_event_step',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['life_event.id'],
                                name=op.f('fk_life_event_step_event_id_life_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['service_id'], ['service.id'],
                                name=op.f('fk_life_event_step_service_id_service')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_life_event_step')),
        sa.UniqueConstraint('event_id', 'service_id',
                            name=op.f('uq_life_event_step_event_id_service_id')),
    )
    op.create_index(op.f('ix_life_event_step_service_id'), 'life_event_step', ['service_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_life_event_step_service_id'), table_name='life_event_step')
    op.drop_table('life_event_step')
    op.drop_table('life_event')
    op.drop_table('service_need')
