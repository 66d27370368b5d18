"""Pool lines: a kind — a service budget, or a change to budgets already in the pool

Revision ID: 0008
Revises: 0007

Every existing line becomes a service budget, except lines whose service names a change to the
base budget (an uplift for inflation or demographic growth, or efficiency savings, as the demo's
"2009/10 base budget changes – inflation, growth and savings"): those become budget changes. The
officer can change any line's kind in the lines editor afterwards.
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

#: Services matching one of these (lower-cased) are changes to budgets already in the pool.
CHANGE_PATTERNS = (
    '%base budget change%',
    '%inflation%',
    '%uplift%',
    '%demographic growth%',
    '%efficiency saving%',
)


def upgrade() -> None:
    with op.batch_alter_table('pool_line', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('kind', sa.String(length=20), nullable=False, server_default='service_budget')
        )
        batch_op.create_check_constraint('kind', "kind IN ('service_budget', 'budget_change')")
    line = sa.table('pool_line', sa.column('service', sa.String), sa.column('kind', sa.String))
    op.execute(
        line.update()
        .where(sa.or_(*(sa.func.lower(line.c.service).like(pattern) for pattern in CHANGE_PATTERNS)))
        .values(kind='budget_change')
    )


def downgrade() -> None:
    with op.batch_alter_table('pool_line', schema=None) as batch_op:
        batch_op.drop_constraint('kind', type_='check')
        batch_op.drop_column('kind')
