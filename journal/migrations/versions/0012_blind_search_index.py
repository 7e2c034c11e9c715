"""blind search index: keyed digests of an encrypted journal's words and beginnings

An encrypted journal's documents hold keyed digests of its words, with the digests of
the words' beginnings in a column of their own (prefixes).

SQLite: entries_fts is made again with the column prefixes and without FTS5's own
prefix indexes (they would list every two and three leading hex characters of every
digest); the trigger that drops an entry's document with its entry is made again too.
It is refilled from the plain columns of the rows that are not sealed (accounts
without keys); the old table, whose documents of sealed rows held their words, is
dropped with secure_delete on, so its pages are overwritten.
PostgreSQL: search_documents gets the tsvector column prefixes (GIN-indexed); the
documents of sealed rows, which held their words, are deleted (VACUUM frees their
space for reuse).

An encrypted journal is searchable again once its documents are written with its key:
`flask --app journal reindex --user NAME` (its password is asked), or as it is written.

Revision ID: 0012
Revises: 0011
"""
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TRIGGER = ("CREATE TRIGGER entries_fts_after_delete AFTER DELETE ON entries BEGIN "
           "DELETE FROM entries_fts WHERE rowid = old.id; END")

REFRAME_FIELDS = ('happened', 'critic', 'evidence_for', 'evidence_against', 'salesperson',
                  'in_control', 'not_in_control', 'next_step')

# The document fields of a row that is not sealed, from this revision's plain columns,
# as the application writes them: the tags' shown and canonical names with each level a
# word, and a reframe's fields, the part in a win and the prompt answered as the rest.
TAGS = ("coalesce((SELECT group_concat(replace(coalesce(tags.display_name, '') || ' ' || "
        "coalesce(tags.name, ''), '/', ' '), ' ') FROM entry_tags JOIN tags "
        "ON tags.id = entry_tags.tag_id WHERE entry_tags.entry_id = entries.id), '')")
EXTRA = ("coalesce((SELECT " + " || char(10) || ".join(
    f"coalesce(reframes.{name}, '')" for name in REFRAME_FIELDS)
    + " FROM reframes WHERE reframes.entry_id = entries.id), '') || char(10) || "
    "coalesce(entries.win_part, '') || char(10) || coalesce(entries.prompt_text, '')")


def _fill_sqlite(columns: str, values: str) -> None:
    op.execute(
        f"INSERT INTO entries_fts (rowid, title, body, tags, extra, {columns}owner_id) "
        f"SELECT id, coalesce(title, ''), coalesce(body, ''), {TAGS}, {EXTRA}, {values}"
        "owner_id FROM entries WHERE sealed IS NULL")


def _remake_sqlite(definition: str) -> None:
    op.execute("PRAGMA secure_delete = ON")
    op.execute("DROP TRIGGER IF EXISTS entries_fts_after_delete")
    op.execute("DROP TABLE IF EXISTS entries_fts")
    op.execute(f"CREATE VIRTUAL TABLE entries_fts USING fts5({definition})")
    op.execute(TRIGGER)


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        _remake_sqlite("title, body, tags, extra, prefixes, owner_id UNINDEXED, "
                       "tokenize = 'unicode61 remove_diacritics 2'")
        _fill_sqlite("prefixes, ", "'', ")
    else:
        op.execute("ALTER TABLE search_documents "
                   "ADD COLUMN prefixes tsvector NOT NULL DEFAULT ''::tsvector")
        op.execute("CREATE INDEX ix_search_documents_prefixes ON search_documents "
                   "USING gin (prefixes)")
        op.execute("DELETE FROM search_documents WHERE entry_id IN "
                   "(SELECT id FROM entries WHERE sealed IS NOT NULL)")


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        _remake_sqlite("title, body, tags, extra, owner_id UNINDEXED, "
                       "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'")
        _fill_sqlite("", "")
    else:
        op.execute("DROP INDEX IF EXISTS ix_search_documents_prefixes")
        op.execute("ALTER TABLE search_documents DROP COLUMN prefixes")
        op.execute("DELETE FROM search_documents WHERE entry_id IN "
                   "(SELECT id FROM entries WHERE sealed IS NOT NULL)")
