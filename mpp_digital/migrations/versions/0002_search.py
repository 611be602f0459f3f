"""search: change feed, synonyms, tally

Revision ID: 0b107710ff97
Revises: 425dd54e54bc
Create Date: 2026-11-29 09:17:46.201267

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0b107710ff97'
down_revision = '425dd54e54bc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('catalogue_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_change'))
    )
    with op.batch_alter_table('catalogue_change', schema=None) as batch_op:
        batch_op.create_index('ix_catalogue_change_changed_at', ['changed_at'], unique=False)

    op.create_table('search_synonym',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('terms', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("terms <> ''", name=op.f('ck_search_synonym_terms_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_synonym'))
    )
    op.create_table('search_tally',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.CheckConstraint('hits >= 0', name=op.f('ck_search_tally_hits_not_negative')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_search_tally_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', name=op.f('pk_search_tally'))
    )


def downgrade():
    op.drop_table('search_tally')
    op.drop_table('search_synonym')
    with op.batch_alter_table('catalogue_change', schema=None) as batch_op:
        batch_op.drop_index('ix_catalogue_change_changed_at')

    op.drop_table('catalogue_change')
