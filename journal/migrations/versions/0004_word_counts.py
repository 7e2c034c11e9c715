"""word counts on entries

Adds ``entries.word_count`` and fills it for existing entries, counting words the way
the entry services do (runs of letters and digits; "don't" is one word).

Revision ID: 0004
Revises: 0003
"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
GUIDED = ("happened", "critic", "evidence_for", "evidence_against", "salesperson",
          "in_control", "not_in_control", "next_step")


def upgrade():
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('word_count', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.create_index('ix_entries_owner_id_created_at_word_count_is_win',
                              ['owner_id', 'created_at', 'word_count', 'is_win'], unique=False)

    bind = op.get_bind()
    entries = sa.table('entries', sa.column('id', sa.Integer), sa.column('body', sa.Text),
                       sa.column('win_part', sa.Text), sa.column('word_count', sa.Integer))
    reframes = sa.table('reframes', sa.column('entry_id', sa.Integer),
                        *[sa.column(name, sa.Text) for name in GUIDED])
    query = (sa.select(entries.c.id, entries.c.body, entries.c.win_part,
                       *[reframes.c[name] for name in GUIDED])
             .outerjoin(reframes, reframes.c.entry_id == entries.c.id)
             .order_by(entries.c.id))
    update = (entries.update().where(entries.c.id == sa.bindparam('entry_id'))
              .values(word_count=sa.bindparam('words')))
    last = 0
    while True:
        rows = bind.execute(query.where(entries.c.id > last).limit(2000)).all()
        if not rows:
            break
        bind.execute(update, [
            {'entry_id': row[0],
             'words': sum(len(WORD.findall(text)) for text in row[1:] if text)}
            for row in rows])
        last = rows[-1][0]


def downgrade():
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_index('ix_entries_owner_id_created_at_word_count_is_win')
        batch_op.drop_column('word_count')
