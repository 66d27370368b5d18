"""Closed monitoring periods keep the pool's latest budget and forecast outturn as frozen

Revision ID: 0009
Revises: 0008

The chart of forecast against budget over the periods then reads a closed period's two totals
without rebuilding its whole frozen report. Periods closed before this version have none (NULL)
and are read from their frozen report as before.
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('monitoring_period', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latest_pence', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('forecast_pence', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('monitoring_period', schema=None) as batch_op:
        batch_op.drop_column('forecast_pence')
        batch_op.drop_column('latest_pence')
