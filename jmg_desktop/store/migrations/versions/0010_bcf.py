"""Better Care Fund plans: funding streams, income, scheme lists, conditions and scheme columns

Revision ID: 0010
Revises: 0009
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bcf_stream',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bcf_stream')),
    sa.UniqueConstraint('name', name=op.f('uq_bcf_stream_name'))
    )
    op.create_table('bcf_list_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_name', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("list_name IN ('scheme_type', 'scheme_subtype', 'area_of_spend')", name=op.f('ck_bcf_list_item_list_name')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bcf_list_item')),
    sa.UniqueConstraint('list_name', 'parent', 'name', name='uq_bcf_list_item_entry')
    )
    op.create_table('bcf_income',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('stream_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_bcf_income_partner_id_partner'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['pool_id'], ['pool.id'], name=op.f('fk_bcf_income_pool_id_pool'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['stream_id'], ['bcf_stream.id'], name=op.f('fk_bcf_income_stream_id_bcf_stream'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bcf_income')),
    sa.UniqueConstraint('pool_id', 'financial_year', 'stream_id', 'partner_id', name='uq_bcf_income_entry')
    )
    with op.batch_alter_table('bcf_income', schema=None) as batch_op:
        batch_op.create_index('ix_bcf_income_pool_year', ['pool_id', 'financial_year'], unique=False)
    op.create_table('bcf_condition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('minimum_pence', sa.BigInteger(), nullable=False),
    sa.Column('stream_id', sa.Integer(), nullable=True),
    sa.Column('area_of_spend', sa.String(length=200), nullable=False),
    sa.Column('commissioner', sa.String(length=10), nullable=False),
    sa.Column('scheme_type', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("commissioner IN ('', 'council', 'nhs')", name=op.f('ck_bcf_condition_commissioner')),
    sa.ForeignKeyConstraint(['pool_id'], ['pool.id'], name=op.f('fk_bcf_condition_pool_id_pool'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['stream_id'], ['bcf_stream.id'], name=op.f('fk_bcf_condition_stream_id_bcf_stream'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bcf_condition'))
    )
    with op.batch_alter_table('bcf_condition', schema=None) as batch_op:
        batch_op.create_index('ix_bcf_condition_pool_year', ['pool_id', 'financial_year'], unique=False)

    with op.batch_alter_table('pool_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scheme_ref', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('scheme_type', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('scheme_subtype', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('area_of_spend', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('commissioner', sa.String(length=10), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('nhs_share_bp', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('council_share_bp', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('provider', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('funding_stream_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('new_or_existing', sa.String(length=10), nullable=False, server_default=''))
        batch_op.create_foreign_key('fk_pool_line_funding_stream_id_bcf_stream', 'bcf_stream', ['funding_stream_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_check_constraint('commissioner', "commissioner IN ('', 'council', 'nhs', 'joint')")
        batch_op.create_check_constraint('new_or_existing', "new_or_existing IN ('', 'new', 'existing')")


def downgrade() -> None:
    with op.batch_alter_table('pool_line', schema=None) as batch_op:
        batch_op.drop_constraint('fk_pool_line_funding_stream_id_bcf_stream', type_='foreignkey')
        batch_op.drop_constraint(op.f('ck_pool_line_commissioner'), type_='check')
        batch_op.drop_constraint(op.f('ck_pool_line_new_or_existing'), type_='check')
        for column in ('new_or_existing', 'funding_stream_id', 'provider', 'council_share_bp', 'nhs_share_bp',
                       'commissioner', 'area_of_spend', 'scheme_subtype', 'scheme_type', 'scheme_ref'):
            batch_op.drop_column(column)
    op.drop_table('bcf_condition')
    op.drop_table('bcf_income')
    op.drop_table('bcf_list_item')
    op.drop_table('bcf_stream')
