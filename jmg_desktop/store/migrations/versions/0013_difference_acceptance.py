"""Accepted differences: who accepted that a paper prints the lines' figure where a stated total differs

Revision ID: 0013
Revises: 0012
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('difference_acceptance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('paper_id', sa.Integer(), nullable=False),
    sa.Column('stated_total_id', sa.Integer(), nullable=False),
    sa.Column('stated_pence', sa.BigInteger(), nullable=False),
    sa.Column('computed_pence', sa.BigInteger(), nullable=False),
    sa.Column('accepted_by', sa.String(length=200), nullable=False),
    sa.Column('accepted_at', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['paper_id'], ['paper.id'], name=op.f('fk_difference_acceptance_paper_id_paper'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_difference_acceptance')),
    sa.UniqueConstraint('paper_id', 'stated_total_id', 'stated_pence', 'computed_pence', name='uq_difference_acceptance_figures')
    )


def downgrade() -> None:
    op.drop_table('difference_acceptance')
