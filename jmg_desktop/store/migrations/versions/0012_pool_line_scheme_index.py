"""A partial index of the lines that carry scheme columns, so the lines editor knows at once
whether a pool uses the Better Care Fund scheme columns (a 1,000,000-line pool without schemes
was read through in 0.65 s of CPU to find out)

Revision ID: 0012
Revises: 0011
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_SCHEME = "scheme_ref <> '' OR scheme_type <> '' OR commissioner <> '' OR funding_stream_id IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        'ix_pool_line_scheme',
        'pool_line',
        ['pool_id', 'financial_year'],
        unique=False,
        sqlite_where=sa.text(_SCHEME),
        postgresql_where=sa.text(_SCHEME),
    )


def downgrade() -> None:
    op.drop_index('ix_pool_line_scheme', table_name='pool_line')
