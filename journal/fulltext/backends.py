"""The two kinds of full-text index, one class each with everything that differs between
them: writing documents, finding the owner's matches, and counting for the health check.

SQLite keeps the documents in the FTS5 table ``entries_fts`` (rowid = entry id);
PostgreSQL in ``search_documents`` as a ``tsvector``. Match expressions are rebuilt
from each term's words (letters and digits only), so nothing a user types reaches the
match syntax: quotes, brackets, operators and SQL are gone before the expression is
assembled. Every lookup that ranks or counts filters on the owner too, so another user's
words can never be ranked or counted. The conditions on entries (:meth:`matches`,
:meth:`lacks_all`) only ever narrow a statement limited to one owner's entries, where
anyone else's document can match nothing: they read the documents without their owner,
which FTS5 keeps outside its index (one more read per document).
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import (
    Float,
    Integer,
    bindparam,
    column,
    exists,
    func,
    literal_column,
    table,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement, TextClause
from sqlalchemy.sql.selectable import Subquery, TextualSelect

from journal.fulltext.terms import Term, searchable, words_of

BATCH = 2000

Groups = Sequence[Sequence[Term]]
"""Every group must match; any term of a group may."""


@dataclass(frozen=True)
class Document:
    entry_id: int
    owner_id: int
    title: str
    body: str
    tags: str
    extra: str


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
    def ranked(self, owner_id: int, groups: Groups, excluded: Sequence[Term]) -> Subquery:
        """``(entry_id, score)`` of the owner's documents matching every group and no
        excluded term; higher scores are better matches. ``groups`` is not empty."""

    @abstractmethod
    def more_than(self, connection: Connection, owner_id: int, groups: Groups,
                  excluded: Sequence[Term], limit: int) -> bool:
        """Whether more than ``limit`` of the owner's documents match every group and no
        excluded term; reads no more than ``limit + 1`` of them. ``groups`` is not empty."""

    @abstractmethod
    def matches(self, entry_id: ColumnElement[int], groups: Groups,
                excluded: Sequence[Term]) -> ColumnElement[bool]:
        """A condition for a statement on one owner's entries: the document of
        ``entry_id`` matches every group and no excluded term. ``groups`` is not empty."""

    @abstractmethod
    def lacks_all(self, entry_id: ColumnElement[int],
                  terms: Sequence[Term]) -> ColumnElement[bool]:
        """A condition for a statement on one owner's entries: the document of
        ``entry_id`` contains none of ``terms`` (not empty)."""

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
    """FTS5 with the unicode61 tokenizer (diacritics removed); ranked by bm25."""

    documents = "entries_fts"
    key = "rowid"
    COLUMNS = "{title body tags extra}"

    def delete(self, connection: Connection, entry_ids: list[int]) -> None:
        for start in range(0, len(entry_ids), BATCH):
            connection.execute(text("DELETE FROM entries_fts WHERE rowid IN :ids")
                               .bindparams(bindparam("ids", expanding=True)),
                               {"ids": entry_ids[start:start + BATCH]})

    def insert(self, connection: Connection, documents: Iterable[Document]) -> None:
        statement = text("INSERT INTO entries_fts (rowid, title, body, tags, extra, owner_id) "
                         "VALUES (:entry_id, :title, :body, :tags, :extra, :owner_id)")
        _in_batches(connection, statement, documents)

    # The owner of a document is read from its entry, which the search reads anyway,
    # not from the FTS5 table, which keeps it in a table of its own (one more lookup for
    # every match). CROSS JOIN keeps the index first: the other way round, SQLite would
    # run a full-text query for every entry.
    OWN_MATCHES = ("FROM entries_fts CROSS JOIN entries AS owning ON owning.id = entries_fts.rowid "
              "WHERE entries_fts MATCH :match AND owning.owner_id = :owner")

    def ranked(self, owner_id: int, groups: Groups, excluded: Sequence[Term]) -> Subquery:
        # bm25 weighs title, body, tags, extra: a word in the title counts most.
        sql = text("SELECT entries_fts.rowid AS entry_id, "
                   f"-bm25(entries_fts, 10.0, 1.0, 4.0, 1.0) AS score {self.OWN_MATCHES}")
        return _scored(sql.bindparams(match=self._match(groups, excluded), owner=owner_id))

    def more_than(self, connection: Connection, owner_id: int, groups: Groups,
                  excluded: Sequence[Term], limit: int) -> bool:
        # Counting everyone's matches reads the index alone. When everyone's are few,
        # the owner's are too.
        rows = {"match": self._match(groups, excluded), "rows": limit + 1}
        everyone = text("SELECT count(*) FROM (SELECT 1 FROM entries_fts "
                        "WHERE entries_fts MATCH :match LIMIT :rows)")
        if connection.scalar(everyone, rows) <= limit:
            return False
        owners = text(f"SELECT count(*) FROM (SELECT 1 {self.OWN_MATCHES} LIMIT :rows)")  # noqa: S608
        return connection.scalar(owners, {**rows, "owner": owner_id}) > limit

    # One list of matching ids, built once per statement: FTS5 finds each word's
    # documents quickly in bulk, while a lookup per entry costs as much as a whole query.
    def matches(self, entry_id: ColumnElement[int], groups: Groups,
                excluded: Sequence[Term]) -> ColumnElement[bool]:
        return entry_id.in_(self._ids(self._match(groups, excluded)))

    def lacks_all(self, entry_id: ColumnElement[int],
                  terms: Sequence[Term]) -> ColumnElement[bool]:
        return entry_id.not_in(self._ids(f"{self.COLUMNS} : {self._any(terms)}"))

    @staticmethod
    def _ids(match: str) -> TextualSelect:
        sql = text("SELECT rowid FROM entries_fts WHERE entries_fts MATCH :match")
        return sql.bindparams(match=match).columns(column("entry_id", Integer))

    def _match(self, groups: Groups, excluded: Sequence[Term]) -> str:
        expression = " AND ".join(self._any(group) for group in groups)
        if excluded:
            expression = f"({expression}) NOT {self._any(excluded)}"
        return f"{self.COLUMNS} : ({expression})"

    @staticmethod
    def _term(term: Term) -> str:
        phrase = '"' + " ".join(words_of(term.text)) + '"'
        return phrase + "*" if term.prefix else phrase

    def _any(self, terms: Iterable[Term]) -> str:
        return "(" + " OR ".join(self._term(term) for term in terms) + ")"


class PostgresIndex(SearchBackend):
    """A ``tsvector`` per entry in the ``simple`` configuration over searchable text
    (title weighted A, tags B); ranked by ``ts_rank_cd``."""

    documents = "search_documents"
    key = "entry_id"

    def delete(self, connection: Connection, entry_ids: list[int]) -> None:
        connection.execute(text("DELETE FROM search_documents WHERE entry_id = ANY(:ids)"),
                           {"ids": list(entry_ids)})

    def insert(self, connection: Connection, documents: Iterable[Document]) -> None:
        statement = text(
            "INSERT INTO search_documents (entry_id, owner_id, document) VALUES (:entry_id, "
            ":owner_id, setweight(to_tsvector('simple', :title), 'A') || "
            "setweight(to_tsvector('simple', :tags), 'B') || "
            "to_tsvector('simple', :body) || to_tsvector('simple', :extra)) "
            "ON CONFLICT (entry_id) DO UPDATE SET owner_id = excluded.owner_id, "
            "document = excluded.document")
        normalized = (Document(d.entry_id, d.owner_id, searchable(d.title), searchable(d.body),
                               searchable(d.tags), searchable(d.extra)) for d in documents)
        _in_batches(connection, statement, normalized)

    def ranked(self, owner_id: int, groups: Groups, excluded: Sequence[Term]) -> Subquery:
        sql = text(
            "SELECT entry_id, ts_rank_cd(document, query) AS score "
            "FROM search_documents, to_tsquery('simple', :match) AS query "
            "WHERE owner_id = :owner AND document @@ query")
        return _scored(sql.bindparams(match=self._match(groups, excluded), owner=owner_id))

    def more_than(self, connection: Connection, owner_id: int, groups: Groups,
                  excluded: Sequence[Term], limit: int) -> bool:
        sql = text("SELECT count(*) FROM (SELECT 1 FROM search_documents "
                   "WHERE owner_id = :owner AND document @@ to_tsquery('simple', :match) "
                   "LIMIT :rows) AS bounded")
        return connection.scalar(sql, {"owner": owner_id, "rows": limit + 1,
                                       "match": self._match(groups, excluded)}) > limit

    # Correlated on the entry: the planner may then walk the owner's entries in order and
    # look up each one's document by its key, stopping at the page (NOT IN would read
    # every matching document first).
    def matches(self, entry_id: ColumnElement[int], groups: Groups,
                excluded: Sequence[Term]) -> ColumnElement[bool]:
        return self._holding(entry_id, self._match(groups, excluded))

    def lacks_all(self, entry_id: ColumnElement[int],
                  terms: Sequence[Term]) -> ColumnElement[bool]:
        return ~self._holding(entry_id, self._any(terms))

    @staticmethod
    def _holding(entry_id: ColumnElement[int], match: str) -> ColumnElement[bool]:
        query = func.to_tsquery(literal_column("'simple'"), match)
        return exists().where(_DOCUMENTS.c.entry_id == entry_id,
                              _DOCUMENTS.c.document.bool_op("@@")(query))

    def _match(self, groups: Groups, excluded: Sequence[Term]) -> str:
        expression = " & ".join(self._any(group) for group in groups)
        if excluded:
            expression += " & !" + self._any(excluded)
        return expression

    @staticmethod
    def _term(term: Term) -> str:
        words = words_of(term.text)
        if term.prefix:
            words[-1] += ":*"
        return words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")"

    def _any(self, terms: Iterable[Term]) -> str:
        return "(" + " | ".join(self._term(term) for term in terms) + ")"


_DOCUMENTS = table("search_documents", column("entry_id", Integer), column("document"))

BACKENDS: dict[str, type[SearchBackend]] = {"sqlite": SQLiteIndex, "postgresql": PostgresIndex}
INDEX_TABLES = tuple(backend.documents for backend in BACKENDS.values())
"""The index's tables (FTS5 adds shadow tables named after its own); they have no model."""


def backend_for(bind: Connection | Engine) -> SearchBackend:
    """The backend for the database behind ``bind``: the one place that asks which."""
    return BACKENDS[bind.dialect.name]()


def _scored(sql: TextClause) -> Subquery:
    return sql.columns(column("entry_id", Integer), column("score", Float)).subquery("ranked")


def _in_batches(connection: Connection, statement: TextClause,
                documents: Iterable[Document]) -> None:
    batch: list[dict[str, Any]] = []
    for document in documents:
        batch.append(document.__dict__)
        if len(batch) >= BATCH:
            connection.execute(statement, batch)
            batch = []
    if batch:
        connection.execute(statement, batch)
