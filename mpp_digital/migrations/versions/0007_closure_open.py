"""catalogue: halls that stay open on a national closure

Revision ID: 6cb15cd10959
Revises: b1978f4f9b44
Create Date: 2026-11-29 12:56:31.002025

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6cb15cd10959'
down_revision = 'b1978f4f9b44'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('closure_open_mpp',
    sa.Column('closure_id', sa.Integer(), nullable=False),
    sa.Column('mpp_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['closure_id'], ['closure.id'], name=op.f('fk_closure_open_mpp_closure_id_closure'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mpp_id'], ['mpp.id'], name=op.f('fk_closure_open_mpp_mpp_id_mpp'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('closure_id', 'mpp_id', name=op.f('pk_closure_open_mpp'))
    )


def downgrade():
    op.drop_table('closure_open_mpp')
