"""day totals, day tag totals and tag counts: running figures kept up to date with every write

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 15:00:00.000000

Tag counts are filled here. Day totals depend on each account's time zone: an
account's are counted the first time they are read (``users.totals_zone`` is empty
until then), so the upgrade stays quick however large the journals are.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('day_totals',
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('words', sa.Integer(), nullable=False),
    sa.Column('wins', sa.Integer(), nullable=False),
    sa.Column('reframes', sa.Integer(), nullable=False),
    sa.Column('belief_before_sum', sa.Integer(), nullable=False),
    sa.Column('belief_before_count', sa.Integer(), nullable=False),
    sa.Column('belief_after_sum', sa.Integer(), nullable=False),
    sa.Column('belief_after_count', sa.Integer(), nullable=False),
    sa.Column('streak', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_day_totals_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('owner_id', 'day', name=op.f('pk_day_totals'))
    )
    op.create_table('day_tag_totals',
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_day_tag_totals_owner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_day_tag_totals_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('owner_id', 'day', 'tag_id', name=op.f('pk_day_tag_totals'))
    )
    with op.batch_alter_table('day_tag_totals', schema=None) as batch_op:
        batch_op.create_index('ix_day_tag_totals_tag_id_owner_id_day',
                              ['tag_id', 'owner_id', 'day', 'entries'], unique=False)
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entry_count', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totals_zone', sa.String(length=64), nullable=True))
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_index('ix_entries_owner_id_prompt_id')
        batch_op.create_index('ix_entries_owner_id_prompt_id_created_at',
                              ['owner_id', 'prompt_id', 'created_at'], unique=False)
    op.execute(
        "UPDATE tags SET entry_count = (SELECT count(*) FROM entry_tags"
        " WHERE entry_tags.tag_id = tags.id)"
    )


def downgrade():
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_index('ix_entries_owner_id_prompt_id_created_at')
        batch_op.create_index('ix_entries_owner_id_prompt_id', ['owner_id', 'prompt_id'],
                              unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totals_zone')
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.drop_column('entry_count')
    op.drop_table('day_tag_totals')
    op.drop_table('day_totals')
