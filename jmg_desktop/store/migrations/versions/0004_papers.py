"""Cabinet papers: one row per version, content as JSON, frozen snapshot when final

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('paper',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('snapshot', sa.Text(), nullable=False),
    sa.Column('created_at', sa.String(length=40), nullable=False),
    sa.Column('finalised_at', sa.String(length=40), nullable=False),
    sa.Column('finalised_by', sa.String(length=200), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'final')", name=op.f('ck_paper_status')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_paper_version')),
    sa.CheckConstraint("(status = 'final') = (snapshot <> '')", name=op.f('ck_paper_snapshot_when_final')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_paper_partner_id_partner'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['pool_id'], ['pool.id'], name=op.f('fk_paper_pool_id_pool'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper')),
    sa.UniqueConstraint('series_id', 'version', name='uq_paper_series_version')
    )
    with op.batch_alter_table('paper', schema=None) as batch_op:
        batch_op.create_index('ix_paper_pool_year', ['pool_id', 'financial_year'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('paper', schema=None) as batch_op:
        batch_op.drop_index('ix_paper_pool_year')

    op.drop_table('paper')
