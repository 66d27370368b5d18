"""Budget monitoring: set-up, closed periods, forecasts, movements and risk-share rules

Revision ID: 0007
Revises: 0006
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('monitoring_forecast',
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('forecast_pence', sa.BigInteger(), nullable=False),
    sa.Column('actual_pence', sa.BigInteger(), nullable=True),
    sa.Column('commentary', sa.Text(), nullable=False),
    sa.CheckConstraint('financial_year BETWEEN 1900 AND 2998', name=op.f('ck_monitoring_forecast_year')),
    sa.CheckConstraint('period BETWEEN 1 AND 12', name=op.f('ck_monitoring_forecast_period')),
    sa.ForeignKeyConstraint(['pool_id'], ['pool.id'], name=op.f('fk_monitoring_forecast_pool_id_pool'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('line_id', 'period', name=op.f('pk_monitoring_forecast'))
    )
    with op.batch_alter_table('monitoring_forecast', schema=None) as batch_op:
        batch_op.create_index('ix_monitoring_forecast_pool_year_period', ['pool_id', 'financial_year', 'period'], unique=False)

    op.create_table('monitoring_period',
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.String(length=40), nullable=False),
    sa.Column('closed_by', sa.String(length=200), nullable=False),
    sa.Column('snapshot', sa.Text(), nullable=False),
    sa.Column('snapshot_sha256', sa.String(length=64), nullable=False),
    sa.CheckConstraint('financial_year BETWEEN 1900 AND 2998', name=op.f('ck_monitoring_period_year')),
    sa.CheckConstraint('number BETWEEN 1 AND 12', name=op.f('ck_monitoring_period_number')),
    sa.ForeignKeyConstraint(['pool_id'], ['pool.id'], name=op.f('fk_monitoring_period_pool_id_pool'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('pool_id', 'financial_year', 'number', name=op.f('pk_monitoring_period'))
    )
    op.create_table('monitoring_setup',
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('period_kind', sa.String(length=20), nullable=False),
    sa.Column('green_ppm', sa.Integer(), nullable=False),
    sa.Column('amber_ppm', sa.Integer(), nullable=False),
    sa.Column('red_amount_pence', sa.BigInteger(), nullable=True),
    sa.Column('virement_limit_pence', sa.BigInteger(), nullable=True),
    sa.Column('higher_approval', sa.String(length=200), nullable=False),
    sa.CheckConstraint("period_kind IN ('month', 'quarter')", name=op.f('ck_monitoring_setup_period_kind')),
    sa.CheckConstraint('financial_year BETWEEN 1900 AND 2998', name=op.f('ck_monitoring_setup_year')),
    sa.CheckConstraint('green_ppm >= 0 AND amber_ppm >= green_ppm', name=op.f('ck_monitoring_setup_rag')),
    sa.ForeignKeyConstraint(['pool_id'], ['pool.id'], name=op.f('fk_monitoring_setup_pool_id_pool'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('pool_id', 'financial_year', name=op.f('pk_monitoring_setup'))
    )
    op.create_table('risk_share_partner',
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('applies_to', sa.String(length=20), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('share_ppm', sa.Integer(), nullable=True),
    sa.Column('cap_pence', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('cap_pence IS NULL OR cap_pence >= 0', name=op.f('ck_risk_share_partner_cap')),
    sa.CheckConstraint('share_ppm IS NULL OR share_ppm BETWEEN 0 AND 1000000', name=op.f('ck_risk_share_partner_share')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_risk_share_partner_partner_id_partner'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['pool_id'], ['pool.id'], name=op.f('fk_risk_share_partner_pool_id_pool'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('pool_id', 'financial_year', 'applies_to', 'partner_id', name=op.f('pk_risk_share_partner'))
    )
    op.create_table('risk_share_rule',
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('applies_to', sa.String(length=20), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('host_first_pence', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("applies_to IN ('overspend', 'underspend')", name=op.f('ck_risk_share_rule_applies_to')),
    sa.CheckConstraint("method IN ('contributions', 'fixed')", name=op.f('ck_risk_share_rule_method')),
    sa.CheckConstraint('financial_year BETWEEN 1900 AND 2998', name=op.f('ck_risk_share_rule_year')),
    sa.CheckConstraint('host_first_pence >= 0', name=op.f('ck_risk_share_rule_host_first')),
    sa.ForeignKeyConstraint(['pool_id'], ['pool.id'], name=op.f('fk_risk_share_rule_pool_id_pool'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('pool_id', 'financial_year', 'applies_to', name=op.f('pk_risk_share_rule'))
    )
    op.create_table('monitoring_movement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('approval_level', sa.String(length=200), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.String(length=40), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.CheckConstraint("kind IN ('virement', 'supplementary')", name=op.f('ck_monitoring_movement_kind')),
    sa.CheckConstraint('financial_year BETWEEN 1900 AND 2998', name=op.f('ck_monitoring_movement_year')),
    sa.CheckConstraint('period BETWEEN 1 AND 12', name=op.f('ck_monitoring_movement_period')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_monitoring_movement_agreement_id_agreement'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['pool_id'], ['pool.id'], name=op.f('fk_monitoring_movement_pool_id_pool'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_movement'))
    )
    with op.batch_alter_table('monitoring_movement', schema=None) as batch_op:
        batch_op.create_index('ix_monitoring_movement_pool_year', ['pool_id', 'financial_year'], unique=False)

    op.create_table('monitoring_movement_leg',
    sa.Column('movement_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['movement_id'], ['monitoring_movement.id'], name=op.f('fk_monitoring_movement_leg_movement_id_monitoring_movement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pool_id'], ['pool.id'], name=op.f('fk_monitoring_movement_leg_pool_id_pool'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('movement_id', 'line_id', name=op.f('pk_monitoring_movement_leg'))
    )
    with op.batch_alter_table('monitoring_movement_leg', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_movement_leg_pool_id'), ['pool_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('monitoring_movement_leg', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_movement_leg_pool_id'))

    op.drop_table('monitoring_movement_leg')
    with op.batch_alter_table('monitoring_movement', schema=None) as batch_op:
        batch_op.drop_index('ix_monitoring_movement_pool_year')

    op.drop_table('monitoring_movement')
    op.drop_table('risk_share_rule')
    op.drop_table('risk_share_partner')
    op.drop_table('monitoring_setup')
    op.drop_table('monitoring_period')
    with op.batch_alter_table('monitoring_forecast', schema=None) as batch_op:
        batch_op.drop_index('ix_monitoring_forecast_pool_year_period')

    op.drop_table('monitoring_forecast')
