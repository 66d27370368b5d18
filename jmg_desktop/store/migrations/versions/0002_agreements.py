"""Meetings and agreements: the decision register, and the audit chain's head marker

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.String(length=10), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('alternatives', sa.Text(), nullable=False),
    sa.Column('conflicts', sa.Text(), nullable=False),
    sa.Column('assumptions', sa.Text(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=True),
    sa.Column('financial_year', sa.Integer(), nullable=True),
    sa.Column('covers_whole_pool', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.String(length=40), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.CheckConstraint("status IN ('proposed', 'agreed_in_principle', 'recommended', 'approved', 'implemented', 'deferred', 'rejected', 'superseded')", name=op.f('ck_agreement_status')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_agreement_meeting_id_meeting'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['pool_id'], ['pool.id'], name=op.f('fk_agreement_pool_id_pool'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['agreement.id'], name=op.f('fk_agreement_superseded_by_id_agreement'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement'))
    )
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index('ix_agreement_status', ['status'], unique=False)

    op.create_table('agreement_body',
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_body_agreement_id_agreement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_agreement_body_partner_id_partner'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('agreement_id', 'partner_id', name=op.f('pk_agreement_body'))
    )
    op.create_table('agreement_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=True),
    sa.Column('financial_year', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=300), nullable=False),
    sa.Column('partner_name', sa.String(length=200), nullable=False),
    sa.Column('category_name', sa.String(length=200), nullable=False),
    sa.Column('status_label', sa.String(length=100), nullable=False),
    sa.Column('amount_pence', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),  # BIGINT pence; INTEGER (64-bit) in SQLite files
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_line_agreement_id_agreement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pool_id'], ['pool.id'], name=op.f('fk_agreement_line_pool_id_pool'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_line'))
    )
    with op.batch_alter_table('agreement_line', schema=None) as batch_op:
        batch_op.create_index('ix_agreement_line_agreement_id', ['agreement_id', 'position'], unique=False)
        batch_op.create_index('ix_agreement_line_line_id', ['line_id'], unique=False)

    op.create_table('agreement_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('on_date', sa.String(length=10), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.String(length=40), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.CheckConstraint("status IN ('proposed', 'agreed_in_principle', 'recommended', 'approved', 'implemented', 'deferred', 'rejected', 'superseded')", name=op.f('ck_agreement_step_status')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_step_agreement_id_agreement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_agreement_step_partner_id_partner'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['agreement.id'], name=op.f('fk_agreement_step_superseded_by_id_agreement'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_step'))
    )
    with op.batch_alter_table('agreement_step', schema=None) as batch_op:
        batch_op.create_index('ix_agreement_step_agreement_id', ['agreement_id', 'ordinal'], unique=False)

    # The audit chain's head (last sequence and hash) is kept in workspace_setting from now on, so
    # that deleting the LAST event is detected too; seed it from the chain as it stands.
    connection = op.get_bind()
    head = connection.execute(
        sa.text("SELECT sequence, hash FROM audit_event ORDER BY sequence DESC LIMIT 1")
    ).first()
    if head is not None:
        # Delete then insert (not SQLite's INSERT OR REPLACE): the same SQL on every database.
        connection.execute(sa.text("DELETE FROM workspace_setting WHERE key = 'audit_head'"))
        connection.execute(
            sa.text("INSERT INTO workspace_setting (key, value) VALUES ('audit_head', :v)"),
            {"v": f"{head[0]}:{head[1]}"},
        )


def downgrade() -> None:
    op.execute("DELETE FROM workspace_setting WHERE key = 'audit_head'")
    with op.batch_alter_table('agreement_step', schema=None) as batch_op:
        batch_op.drop_index('ix_agreement_step_agreement_id')

    op.drop_table('agreement_step')
    with op.batch_alter_table('agreement_line', schema=None) as batch_op:
        batch_op.drop_index('ix_agreement_line_line_id')
        batch_op.drop_index('ix_agreement_line_agreement_id')

    op.drop_table('agreement_line')
    op.drop_table('agreement_body')
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index('ix_agreement_status')

    op.drop_table('agreement')
    op.drop_table('meeting')
