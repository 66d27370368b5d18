"""A covering index for pool totals (pool, year, partner, status, amount)

Revision ID: 0005
Revises: 0004
"""

from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pool_line', schema=None) as batch_op:
        batch_op.create_index(
            'ix_pool_line_totals',
            ['pool_id', 'financial_year', 'partner_id', 'status_id', 'amount_pence'],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('pool_line', schema=None) as batch_op:
        batch_op.drop_index('ix_pool_line_totals')
