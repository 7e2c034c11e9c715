"""account keys, each session's wrapped copy of its account's data key, and a recovery key waiting to be shown

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 18:00:00.000000

Existing accounts get their keys at their next sign-in with a password.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_keys',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kdf', sa.Text(), nullable=False),
    sa.Column('by_password', sa.LargeBinary(), nullable=False),
    sa.Column('by_recovery', sa.LargeBinary(), nullable=True),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('private_key', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('recovery_saved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_keys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_account_keys'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wrapped_key', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('recovery_key', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_column('recovery_key')
        batch_op.drop_column('wrapped_key')
    op.drop_table('account_keys')
