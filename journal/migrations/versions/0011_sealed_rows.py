"""sealed fields: each row that holds what a person wrote gets a random uid and one
ciphertext column (belief sums leave the day totals); tags get their name's keyed digest, and their plain names may be empty

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 20:00:00.000000

Existing rows keep their plain columns until their owner's next sign-in seals them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

SEALED_TABLES = ('entries', 'reframes', 'prompts')


BELIEF_TOTALS = ('belief_before_sum', 'belief_before_count', 'belief_after_sum',
                 'belief_after_count')


def upgrade():
    # Belief ratings are feelings, sealed with their reframe: no sums of them stay.
    with op.batch_alter_table('day_totals', schema=None) as batch_op:
        for name in BELIEF_TOTALS:
            batch_op.drop_column(name)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('account_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked', sa.Text(), nullable=True))
    for table in SEALED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('uid', sa.LargeBinary(length=16), nullable=True))
            batch_op.add_column(sa.Column('sealed', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uid', sa.LargeBinary(length=16), nullable=True))
        batch_op.add_column(sa.Column('sealed', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('name_key', sa.String(length=20), nullable=True))
        batch_op.alter_column('name', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('display_name', existing_type=sa.String(length=64),
                              nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_tags_owner_id_name_key'),
                                          ['owner_id', 'name_key'])


def downgrade():
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_tags_owner_id_name_key'), type_='unique')
        batch_op.alter_column('display_name', existing_type=sa.String(length=64),
                              nullable=False)
        batch_op.alter_column('name', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('name_key')
        batch_op.drop_column('sealed')
        batch_op.drop_column('uid')
    for table in reversed(SEALED_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('sealed')
            batch_op.drop_column('uid')
    with op.batch_alter_table('account_keys', schema=None) as batch_op:
        batch_op.drop_column('locked')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('sealed_at')
    # The sums come back as zeros (a change of the account's time zone recounts them).
    with op.batch_alter_table('day_totals', schema=None) as batch_op:
        for name in BELIEF_TOTALS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False,
                                          server_default='0'))
