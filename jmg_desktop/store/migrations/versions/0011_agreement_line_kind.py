"""Agreements: each covered line's kind is kept in the snapshot, so a change of kind is flagged

Revision ID: 0011
Revises: 0010

Snapshots taken before this revision hold "" (the kind then is not known), and the
changed-since-agreed rule does not compare kinds for them.
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('agreement_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('agreement_line', schema=None) as batch_op:
        batch_op.drop_column('kind')
