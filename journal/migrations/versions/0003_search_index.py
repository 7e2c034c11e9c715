"""full-text search index

SQLite: an FTS5 table (unicode61 tokenizer without diacritics, prefix indexes) whose
rowid is the entry id, with a trigger that drops an entry's row when the entry goes,
however it goes (including cascades from a deleted account).
PostgreSQL: a table of tsvector documents with a GIN index, removed with its entry by
a foreign key.

Both are filled from the existing entries by the upgrade.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        op.execute(
            "CREATE VIRTUAL TABLE entries_fts USING fts5("
            "title, body, tags, extra, owner_id UNINDEXED, "
            "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
        )
        op.execute(
            "CREATE TRIGGER entries_fts_after_delete AFTER DELETE ON entries BEGIN "
            "DELETE FROM entries_fts WHERE rowid = old.id; END"
        )
    else:
        op.create_table(
            'search_documents',
            sa.Column('entry_id', sa.Integer(), nullable=False),
            sa.Column('owner_id', sa.Integer(), nullable=False),
            sa.Column('document', postgresql.TSVECTOR(), nullable=False),
            sa.ForeignKeyConstraint(['entry_id'], ['entries.id'],
                                    name=op.f('fk_search_documents_entry_id_entries'),
                                    ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_search_documents')),
        )
        op.create_index('ix_search_documents_owner_id', 'search_documents', ['owner_id'])
        op.create_index('ix_search_documents_document', 'search_documents', ['document'],
                        postgresql_using='gin')

    # The documents of the entries there are, from the columns of this revision (the
    # application's own indexing reads later ones): title, body, and the tags' names.
    tags = ("(SELECT {agg} FROM entry_tags JOIN tags ON tags.id = entry_tags.tag_id "
            "WHERE entry_tags.entry_id = entries.id)")
    if bind.dialect.name == 'sqlite':
        op.execute(
            "INSERT INTO entries_fts (rowid, title, body, tags, extra, owner_id) "
            "SELECT id, coalesce(title, ''), body, coalesce("
            + tags.format(agg="group_concat(replace(tags.name, '/', ' '), ' ')")
            + ", ''), '', owner_id FROM entries")
    else:
        op.execute(
            "INSERT INTO search_documents (entry_id, owner_id, document) "
            "SELECT id, owner_id, setweight(to_tsvector('simple', lower(coalesce(title, ''))), "
            "'A') || setweight(to_tsvector('simple', lower(coalesce("
            + tags.format(agg="string_agg(replace(tags.name, '/', ' '), ' ')")
            + ", ''))), 'B') || to_tsvector('simple', lower(body)) FROM entries")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        op.execute("DROP TRIGGER IF EXISTS entries_fts_after_delete")
        op.execute("DROP TABLE IF EXISTS entries_fts")
    else:
        op.drop_index('ix_search_documents_document', table_name='search_documents')
        op.drop_index('ix_search_documents_owner_id', table_name='search_documents')
        op.drop_table('search_documents')
