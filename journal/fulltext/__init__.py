"""The full-text index of entries: one document per entry, carrying its owner, kept in
SQLite's FTS5 or in PostgreSQL's ``tsvector`` by one backend class each.

An encrypted journal's documents hold keyed digests of its words, never the words
(:mod:`journal.fulltext.tokens`); queries are turned into the same digests.

Whatever changes an entry's searchable text updates the index in the same transaction
(:mod:`journal.fulltext.index`); the search feature reads it through the same backend
(:mod:`journal.fulltext.backends`). Nothing here knows about requests, tags as a
feature, or the search page.
"""
