"""Projection scenarios: assumptions, rate overrides and adjustments

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('projection_scenario',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('inflation_ppm', sa.Integer(), nullable=False),
    sa.Column('growth_ppm', sa.Integer(), nullable=False),
    sa.Column('savings_ppm', sa.Integer(), nullable=False),
    sa.Column('additions_approved', sa.Boolean(), nullable=False),
    sa.Column('removals_approved', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('inflation_ppm BETWEEN -999999 AND 1000000', name=op.f('ck_projection_scenario_inflation')),
    sa.CheckConstraint('growth_ppm BETWEEN -999999 AND 1000000', name=op.f('ck_projection_scenario_growth')),
    sa.CheckConstraint('savings_ppm BETWEEN -999999 AND 1000000', name=op.f('ck_projection_scenario_savings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projection_scenario')),
    sa.UniqueConstraint('name', name=op.f('uq_projection_scenario_name'))
    )
    op.create_table('scenario_rate_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scenario_id', sa.Integer(), nullable=False),
    sa.Column('rate', sa.String(length=20), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('financial_year', sa.Integer(), nullable=True),
    sa.Column('value_ppm', sa.Integer(), nullable=False),
    sa.CheckConstraint("rate IN ('inflation', 'growth', 'savings')", name=op.f('ck_scenario_rate_override_rate')),
    sa.CheckConstraint('category_id IS NOT NULL OR financial_year IS NOT NULL', name=op.f('ck_scenario_rate_override_target')),
    sa.CheckConstraint('value_ppm BETWEEN -999999 AND 1000000', name=op.f('ck_scenario_rate_override_value')),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_scenario_rate_override_category_id_category'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scenario_id'], ['projection_scenario.id'], name=op.f('fk_scenario_rate_override_scenario_id_projection_scenario'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario_rate_override'))
    )
    with op.batch_alter_table('scenario_rate_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scenario_rate_override_scenario_id'), ['scenario_id'], unique=False)

    op.create_table('scenario_adjustment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scenario_id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=True),
    sa.Column('service', sa.String(length=300), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('from_year', sa.Integer(), nullable=False),
    sa.Column('recurrent', sa.Boolean(), nullable=False),
    sa.Column('amount_pence', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),  # BIGINT pence; INTEGER (64-bit) in SQLite files
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('(service IS NULL) <> (category_id IS NULL)', name=op.f('ck_scenario_adjustment_target')),
    sa.CheckConstraint('from_year BETWEEN 1900 AND 2998', name=op.f('ck_scenario_adjustment_year')),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_scenario_adjustment_category_id_category'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_scenario_adjustment_partner_id_partner'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['pool_id'], ['pool.id'], name=op.f('fk_scenario_adjustment_pool_id_pool'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scenario_id'], ['projection_scenario.id'], name=op.f('fk_scenario_adjustment_scenario_id_projection_scenario'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario_adjustment'))
    )
    with op.batch_alter_table('scenario_adjustment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scenario_adjustment_scenario_id'), ['scenario_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('scenario_adjustment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scenario_adjustment_scenario_id'))

    op.drop_table('scenario_adjustment')
    with op.batch_alter_table('scenario_rate_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scenario_rate_override_scenario_id'))

    op.drop_table('scenario_rate_override')
    op.drop_table('projection_scenario')
