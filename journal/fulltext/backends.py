"""The two kinds of full-text index, one class each with everything that differs between
them: writing documents, finding the owner's matches, and counting for the health check.

SQLite keeps the documents in the FTS5 table ``entries_fts`` (rowid = entry id);
PostgreSQL in ``search_documents`` as a ``tsvector``. A document holds an encrypted
journal's words as keyed digests, with the digests of their beginnings in a column of
their own (``prefixes``), or an unencrypted journal's plain words
(:mod:`journal.fulltext.tokens`). Match expressions are rebuilt from each term's
tokens (letters and digits only), so nothing a user types reaches the match syntax:
quotes, brackets, operators and SQL are gone before the expression is assembled.
Every lookup that ranks or counts filters on the owner too, so another user's words can
never be ranked or counted. The conditions on entries (:meth:`matches`,
:meth:`lacks_all`) only ever narrow a statement limited to one owner's entries, where
anyone else's document can match nothing: they read the documents without their owner,
which FTS5 keeps outside its index (one more read per document).
"""

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import (
    Float,
    Integer,
    and_,
    bindparam,
    cast,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement, TextClause
from sqlalchemy.sql.selectable import Subquery, TextualSelect

from journal.fulltext.terms import searchable
from journal.fulltext.tokens import IndexQuery, Lookup

BATCH = 2000


@dataclass(frozen=True)
class Document:
    """One entry's document: plain text, or (``blinded``) each field's tokens joined by
    spaces, with the prefix tokens in ``prefixes``."""

    entry_id: int
    owner_id: int
    title: str
    body: str
    tags: str
    extra: str
    prefixes: str = ""
    blinded: bool = False


@dataclass(frozen=True)
class IndexHealth:
    """How the documents line up with the entries."""

    entries: int
    documents: int
    missing: int  # entries without a document
    orphans: int  # documents without an entry
    misfiled: int  # documents under another owner than their entry's

    @property
    def in_step(self) -> bool:
        return not (self.missing or self.orphans or self.misfiled) and (
            self.documents == self.entries)


class SearchBackend(ABC):
    """What both kinds share: the table the documents live in, the column holding the
    entry id, and the health check written against those two names."""

    documents: ClassVar[str]
    key: ClassVar[str]

    @abstractmethod
    def delete(self, connection: Connection, entry_ids: list[int]) -> None:
        """Write side: drop the documents of ``entry_ids``."""

    @abstractmethod
    def insert(self, connection: Connection, documents: Iterable[Document]) -> None:
        """Write side: add ``documents`` (replacing none: delete first)."""

    def clear(self, connection: Connection) -> None:
        connection.execute(text(f"DELETE FROM {self.documents}"))  # noqa: S608 - fixed name

    def remove_orphans(self, connection: Connection) -> None:
        """Drop the documents whose entry no longer exists."""
        connection.execute(text(f"DELETE FROM {self.documents} WHERE {self.key} "  # noqa: S608
                                "NOT IN (SELECT id FROM entries)"))

    @abstractmethod
    def ranked(self, owner_id: int, query: IndexQuery) -> Subquery:
        """``(entry_id, score)`` of the owner's documents matching ``query``; higher
        scores are better matches. ``query.groups`` is not empty."""

    @abstractmethod
    def more_than(self, connection: Connection, owner_id: int, query: IndexQuery,
                  limit: int) -> bool:
        """Whether more than ``limit`` of the owner's documents match ``query``; reads
        no more than ``limit + 1`` of them. ``query.groups`` is not empty."""

    @abstractmethod
    def matches(self, entry_id: ColumnElement[int], query: IndexQuery) -> ColumnElement[bool]:
        """A condition for a statement on one owner's entries: the document of
        ``entry_id`` matches ``query``. ``query.groups`` is not empty."""

    @abstractmethod
    def lacks_all(self, entry_id: ColumnElement[int], query: IndexQuery) -> ColumnElement[bool]:
        """A condition for a statement on one owner's entries: the document of
        ``entry_id`` contains none of ``query.excluded`` (not empty)."""

    def health(self, query: Callable[[str], Sequence]) -> IndexHealth:
        """Count documents against entries. ``query`` runs one SQL statement and returns
        its rows: on SQLite the check reads through a plain ``sqlite3`` connection."""
        documents, key = self.documents, self.key

        def count(sql: str) -> int:
            return query(sql)[0][0]

        return IndexHealth(
            entries=count("SELECT count(*) FROM entries"),
            documents=count(f"SELECT count(*) FROM {documents}"),  # noqa: S608 - fixed names
            # NOT EXISTS, not NOT IN: PostgreSQL turns it into an anti-join at any size.
            missing=count(f"SELECT count(*) FROM entries e WHERE NOT EXISTS "  # noqa: S608
                          f"(SELECT 1 FROM {documents} d WHERE d.{key} = e.id)"),
            orphans=count(f"SELECT count(*) FROM {documents} d WHERE NOT EXISTS "  # noqa: S608
                          f"(SELECT 1 FROM entries e WHERE e.id = d.{key})"),
            misfiled=count(f"SELECT count(*) FROM {documents} d JOIN entries e "  # noqa: S608
                           f"ON e.id = d.{key} WHERE d.owner_id <> e.owner_id"),
        )


class SQLiteIndex(SearchBackend):
    """FTS5 with the unicode61 tokenizer (diacritics removed); ranked by bm25.

    Plain words are matched in the four text columns, a prefix by FTS5's own prefix
    search. Digests need no column filter: a word's digest is never in ``prefixes``
    and a beginning's never elsewhere, and bm25 gives ``prefixes`` no weight."""

    documents = "entries_fts"
    key = "rowid"
    COLUMNS = "{title body tags extra}"

    def delete(self, connection: Connection, entry_ids: list[int]) -> None:
        for start in range(0, len(entry_ids), BATCH):
            connection.execute(text("DELETE FROM entries_fts WHERE rowid IN :ids")
                               .bindparams(bindparam("ids", expanding=True)),
                               {"ids": entry_ids[start:start + BATCH]})

    def insert(self, connection: Connection, documents: Iterable[Document]) -> None:
        statement = text("INSERT INTO entries_fts "
                         "(rowid, title, body, tags, extra, prefixes, owner_id) VALUES "
                         "(:entry_id, :title, :body, :tags, :extra, :prefixes, :owner_id)")
        _in_batches(connection, statement, (_row(document) for document in documents))

    # The owner of a document is read from its entry, which the search reads anyway,
    # not from the FTS5 table, which keeps it in a table of its own (one more lookup for
    # every match). CROSS JOIN keeps the index first: the other way round, SQLite would
    # run a full-text query for every entry.
    OWN_MATCHES = ("FROM entries_fts CROSS JOIN entries AS owning ON owning.id = entries_fts.rowid "
              "WHERE entries_fts MATCH :match AND owning.owner_id = :owner")

    def ranked(self, owner_id: int, query: IndexQuery) -> Subquery:
        # bm25 weighs title, body, tags, extra: a word in the title counts most. The
        # beginnings of words count for nothing (whole words rank a prefix's matches).
        sql = text("SELECT entries_fts.rowid AS entry_id, "
                   f"-bm25(entries_fts, 10.0, 1.0, 4.0, 1.0, 0.0) AS score {self.OWN_MATCHES}")
        return _scored(sql.bindparams(match=self._match(query), owner=owner_id))

    def more_than(self, connection: Connection, owner_id: int, query: IndexQuery,
                  limit: int) -> bool:
        # Counting everyone's matches reads the index alone. When everyone's are few,
        # the owner's are too (and digests match no one else's words).
        rows = {"match": self._match(query), "rows": limit + 1}
        everyone = text("SELECT count(*) FROM (SELECT 1 FROM entries_fts "
                        "WHERE entries_fts MATCH :match LIMIT :rows)")
        if connection.scalar(everyone, rows) <= limit:
            return False
        owners = text(f"SELECT count(*) FROM (SELECT 1 {self.OWN_MATCHES} LIMIT :rows)")  # noqa: S608
        return connection.scalar(owners, {**rows, "owner": owner_id}) > limit

    # One list of matching ids, built once per statement: FTS5 finds each word's
    # documents quickly in bulk, while a lookup per entry costs as much as a whole query.
    def matches(self, entry_id: ColumnElement[int], query: IndexQuery) -> ColumnElement[bool]:
        return entry_id.in_(self._ids(self._match(query)))

    def lacks_all(self, entry_id: ColumnElement[int], query: IndexQuery) -> ColumnElement[bool]:
        return entry_id.not_in(self._ids(self._scoped(self._any(query.excluded), query)))

    _DIGESTS = re.compile(r"(?:[0-9a-f]{12}(?:[0-9a-f]{8})? ?)*")

    def digest_documents(self, connection: Connection, entry_ids: list[int]) -> list[Document]:
        """The stored documents of ``entry_ids`` that hold digests (an encrypted
        journal's), as they were written, for copying into another database: FTS5 keeps
        the text it was given."""
        found = []
        for start in range(0, len(entry_ids), BATCH):
            rows = connection.execute(
                text("SELECT rowid, owner_id, title, body, tags, extra, prefixes "
                     "FROM entries_fts WHERE rowid IN :ids")
                .bindparams(bindparam("ids", expanding=True)),
                {"ids": entry_ids[start:start + BATCH]})
            for entry_id, owner_id, *fields in rows:
                if any(fields) and all(self._DIGESTS.fullmatch(value) for value in fields):
                    found.append(Document(entry_id, int(owner_id), *fields, blinded=True))
        return found

    @staticmethod
    def _ids(match: str) -> TextualSelect:
        sql = text("SELECT rowid FROM entries_fts WHERE entries_fts MATCH :match")
        return sql.bindparams(match=match).columns(column("entry_id", Integer))

    def _match(self, query: IndexQuery) -> str:
        expression = " AND ".join(self._any(group) for group in query.groups)
        if query.excluded:
            expression = f"({expression}) NOT {self._any(query.excluded)}"
        return self._scoped(f"({expression})", query)

    def _scoped(self, expression: str, query: IndexQuery) -> str:
        return expression if query.blinded else f"{self.COLUMNS} : {expression}"

    @staticmethod
    def _term(lookup: Lookup) -> str:
        phrase = '"' + " ".join(lookup.words) + '"'
        if lookup.stem:
            return f'({phrase} OR "{lookup.stem}")'
        return phrase + "*" if lookup.prefix else phrase

    def _any(self, lookups: Iterable[Lookup]) -> str:
        return "(" + " OR ".join(self._term(lookup) for lookup in lookups) + ")"


class PostgresIndex(SearchBackend):
    """A ``tsvector`` per entry (title weighted A, tags B), ranked by ``ts_rank_cd``,
    and a second one of prefix tokens, never ranked. Plain words go through the
    ``simple`` configuration; digests are written and looked up as they are (the text
    parser would split some of them at an ``e`` between digits)."""

    documents = "search_documents"
    key = "entry_id"

    def delete(self, connection: Connection, entry_ids: list[int]) -> None:
        connection.execute(text("DELETE FROM search_documents WHERE entry_id = ANY(:ids)"),
                           {"ids": list(entry_ids)})

    PLAIN = text(
        "INSERT INTO search_documents (entry_id, owner_id, document, prefixes) VALUES "
        "(:entry_id, :owner_id, setweight(to_tsvector('simple', :title), 'A') || "
        "setweight(to_tsvector('simple', :tags), 'B') || "
        "to_tsvector('simple', :body) || to_tsvector('simple', :extra), ''::tsvector) "
        "ON CONFLICT (entry_id) DO UPDATE SET owner_id = excluded.owner_id, "
        "document = excluded.document, prefixes = excluded.prefixes")
    BLINDED = text(
        "INSERT INTO search_documents (entry_id, owner_id, document, prefixes) VALUES "
        "(:entry_id, :owner_id, CAST(:document AS tsvector), CAST(:prefixes AS tsvector)) "
        "ON CONFLICT (entry_id) DO UPDATE SET owner_id = excluded.owner_id, "
        "document = excluded.document, prefixes = excluded.prefixes")

    def insert(self, connection: Connection, documents: Iterable[Document]) -> None:
        plain, blinded = self.PLAIN, self.BLINDED
        batches: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
        for document in documents:
            batch = batches[document.blinded]
            batch.append(_tsvectors(document) if document.blinded else {
                "entry_id": document.entry_id, "owner_id": document.owner_id,
                "title": searchable(document.title), "body": searchable(document.body),
                "tags": searchable(document.tags), "extra": searchable(document.extra)})
            if len(batch) >= BATCH:
                connection.execute(blinded if document.blinded else plain, batch)
                batch.clear()
        for is_blinded, batch in batches.items():
            if batch:
                connection.execute(blinded if is_blinded else plain, batch)

    def ranked(self, owner_id: int, query: IndexQuery) -> Subquery:
        score = func.ts_rank_cd(_DOCUMENTS.c.document,
                                self._tsquery(self._ranking(query), query), type_=Float)
        return (select(_DOCUMENTS.c.entry_id, score.label("score"))
                .where(_DOCUMENTS.c.owner_id == owner_id, self._condition(query))
                .subquery("ranked"))

    def more_than(self, connection: Connection, owner_id: int, query: IndexQuery,
                  limit: int) -> bool:
        bounded = (select(literal_column("1"))
                   .where(_DOCUMENTS.c.owner_id == owner_id, self._condition(query))
                   .limit(limit + 1).subquery("bounded"))
        return connection.scalar(select(func.count()).select_from(bounded)) > limit

    # Correlated on the entry: the planner may then walk the owner's entries in order and
    # look up each one's document by its key, stopping at the page (NOT IN would read
    # every matching document first).
    def matches(self, entry_id: ColumnElement[int], query: IndexQuery) -> ColumnElement[bool]:
        return exists().where(_DOCUMENTS.c.entry_id == entry_id, self._condition(query))

    def lacks_all(self, entry_id: ColumnElement[int], query: IndexQuery) -> ColumnElement[bool]:
        return ~exists().where(_DOCUMENTS.c.entry_id == entry_id,
                               self._any_condition(query.excluded, query))

    def _condition(self, query: IndexQuery) -> ColumnElement[bool]:
        """The documents matching ``query``: one ``@@`` on the words as before, unless
        a prefix of an encrypted journal asks the prefix tokens too."""
        if not query.has_stems:
            expression = " & ".join(self._any(group, query) for group in query.groups)
            if query.excluded:
                expression += " & !" + self._any(query.excluded, query)
            return _DOCUMENTS.c.document.bool_op("@@")(self._tsquery(expression, query))
        conditions = [self._any_condition(group, query) for group in query.groups]
        if query.excluded:
            conditions.append(~self._any_condition(query.excluded, query))
        return and_(*conditions)

    def _any_condition(self, lookups: Sequence[Lookup],
                       query: IndexQuery) -> ColumnElement[bool]:
        condition = _DOCUMENTS.c.document.bool_op("@@")(
            self._tsquery(self._any(lookups, query), query))
        stems = [f"'{lookup.stem}'" for lookup in lookups if lookup.stem]
        if not stems:
            return condition
        in_prefixes = _DOCUMENTS.c.prefixes.bool_op("@@")(
            self._tsquery(" | ".join(stems), query))
        return or_(condition, in_prefixes)

    def _ranking(self, query: IndexQuery) -> str:
        """The words that rank a match: the query itself, or with prefix tokens every
        whole word it asks for (the prefix tokens are not in ``document``)."""
        if not query.has_stems:
            expression = " & ".join(self._any(group, query) for group in query.groups)
            if query.excluded:
                expression += " & !" + self._any(query.excluded, query)
            return expression
        return self._any([lookup for group in query.groups for lookup in group], query)

    @staticmethod
    def _tsquery(expression: str, query: IndexQuery) -> ColumnElement:
        if query.blinded:
            return cast(expression, TSQUERY)
        return func.to_tsquery(literal_column("'simple'"), expression)

    @staticmethod
    def _term(lookup: Lookup, query: IndexQuery) -> str:
        words = [f"'{word}'" for word in lookup.words] if query.blinded else list(lookup.words)
        if lookup.prefix:
            words[-1] += ":*"
        return words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")"

    def _any(self, lookups: Iterable[Lookup], query: IndexQuery) -> str:
        return "(" + " | ".join(self._term(lookup, query) for lookup in lookups) + ")"


_DOCUMENTS = table("search_documents", column("entry_id", Integer), column("owner_id", Integer),
                   column("document"), column("prefixes"))

MAX_POSITION = 16383  # PostgreSQL keeps positions up to this; later words share it
MAX_POSITIONS = 256  # and this many positions of one lexeme


def _tsvectors(document: Document) -> dict[str, Any]:
    """The row of a document of digests: ``tsvector`` literals numbered as
    ``to_tsvector`` numbers the fields joined with ``||`` (title A, tags B, body, extra)."""
    spots: dict[str, list[str]] = {}
    last: dict[str, int] = {}
    at = 0
    for tokens, weight in ((document.title, "A"), (document.tags, "B"),
                           (document.body, ""), (document.extra, "")):
        for token in tokens.split():
            at += 1
            position = min(at, MAX_POSITION)
            held = spots.setdefault(token, [])
            if last.get(token) != position and len(held) < MAX_POSITIONS:
                held.append(f"{position}{weight}")
                last[token] = position
    return {"entry_id": document.entry_id, "owner_id": document.owner_id,
            "document": " ".join(f"{token}:{','.join(held)}" for token, held in spots.items()),
            "prefixes": document.prefixes}


BACKENDS: dict[str, type[SearchBackend]] = {"sqlite": SQLiteIndex, "postgresql": PostgresIndex}
INDEX_TABLES = tuple(backend.documents for backend in BACKENDS.values())
"""The index's tables (FTS5 adds shadow tables named after its own); they have no model."""


def backend_for(bind: Connection | Engine) -> SearchBackend:
    """The backend for the database behind ``bind``: the one place that asks which."""
    return BACKENDS[bind.dialect.name]()


def _scored(sql: TextClause) -> Subquery:
    return sql.columns(column("entry_id", Integer), column("score", Float)).subquery("ranked")


def _row(document: Document) -> dict[str, Any]:
    return {"entry_id": document.entry_id, "owner_id": document.owner_id,
            "title": document.title, "body": document.body, "tags": document.tags,
            "extra": document.extra, "prefixes": document.prefixes}


def _in_batches(connection: Connection, statement: TextClause,
                rows: Iterable[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            connection.execute(statement, batch)
            batch = []
    if batch:
        connection.execute(statement, batch)
