"""Searching one's own entries: one interface over SQLite FTS5 and PostgreSQL.

Every statement starts from :func:`journal.ownership.owned`, and the index lookups
filter on the owner too, so another user's words can never be matched, ranked,
counted or quoted in a snippet.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from markupsafe import Markup
from sqlalchemy import Float, Integer, column, text
from sqlalchemy.orm import selectinload

from journal.extensions import db
from journal.models import REFRAME, Entry, Reframe
from journal.ownership import owned
from journal.search import matching
from journal.search.query import ParsedQuery, parse_query
from journal.tags.queries import entries_under
from journal.timezones import local_day_start, zone_for

PER_PAGE = 20
MAX_PAGE = 500


@dataclass(frozen=True)
class SearchFilters:
    """Filters chosen in the page, on top of those written in the query."""

    tags: tuple[str, ...] = ()
    start: date | None = None  # inclusive, local date
    end: date | None = None  # inclusive, local date
    starred: bool = False
    win: bool = False
    kind: str | None = None


@dataclass(frozen=True)
class SearchHit:
    entry: Entry
    snippet: Markup


@dataclass
class SearchResults:
    parsed: ParsedQuery
    hits: list[SearchHit] = field(default_factory=list)
    page: int = 1
    has_next: bool = False


def search(owner, query: str, filters: SearchFilters | None = None, *, page: int = 1,
           per_page: int = PER_PAGE) -> SearchResults:
    """The owner's entries matching ``query`` and ``filters``: by relevance when the
    query has words (newest first among equals), else newest first. Never raises for
    any query text."""
    filters = filters or SearchFilters()
    parsed = parse_query(query or "")
    page = min(max(page, 1), MAX_PAGE)
    statement = _filtered(owner, parsed, filters)
    dialect = db.session.get_bind().dialect.name
    if parsed.has_text:
        ranked = _ranked_ids(dialect, owner.id, parsed)
        statement = (statement.join(ranked, ranked.c.entry_id == Entry.id)
                     .order_by(ranked.c.score.desc(), Entry.created_at.desc(), Entry.id.desc()))
    else:
        if parsed.excluded:
            statement = statement.where(Entry.id.not_in(_excluded_ids(dialect, owner.id, parsed)))
        statement = statement.order_by(Entry.created_at.desc(), Entry.id.desc())
    entries = list(db.session.scalars(
        statement.options(selectinload(Entry.tags))
        .limit(per_page + 1).offset((page - 1) * per_page)))
    hits = [SearchHit(entry, _snippet(entry, parsed)) for entry in entries[:per_page]]
    return SearchResults(parsed=parsed, hits=hits, page=page, has_next=len(entries) > per_page)


def _filtered(owner, parsed: ParsedQuery, filters: SearchFilters):
    statement = owned(Entry, owner)
    zone = zone_for(owner)
    for tag in (*parsed.tags, *filters.tags):
        statement = statement.where(
            Entry.id.in_(entries_under(owner, tag).with_only_columns(Entry.id)))
    if parsed.before:
        statement = statement.where(Entry.created_at < local_day_start(parsed.before, zone))
    if parsed.after:
        statement = statement.where(
            Entry.created_at >= local_day_start(parsed.after + timedelta(days=1), zone))
    if filters.start:
        statement = statement.where(Entry.created_at >= local_day_start(filters.start, zone))
    if filters.end:
        statement = statement.where(
            Entry.created_at < local_day_start(filters.end + timedelta(days=1), zone))
    if parsed.is_win or filters.win:
        statement = statement.where(Entry.is_win)
    if parsed.is_starred or filters.starred:
        statement = statement.where(Entry.starred)
    if parsed.is_reframe or filters.kind == REFRAME:
        statement = statement.where(Entry.kind == REFRAME)
    elif filters.kind:
        statement = statement.where(Entry.kind == filters.kind)
    return statement


def _ranked_ids(dialect: str, owner_id: int, parsed: ParsedQuery):
    """``(entry_id, score)`` of the owner's documents matching the query; higher
    scores are better matches."""
    if dialect == "sqlite":
        # bm25 weighs title, body, tags, extra: a word in the title counts most.
        sql = text(
            "SELECT rowid AS entry_id, -bm25(entries_fts, 10.0, 1.0, 4.0, 1.0) AS score "
            "FROM entries_fts WHERE entries_fts MATCH :match AND owner_id = :owner")
        params = {"match": matching.fts5_expression(parsed), "owner": owner_id}
    else:
        sql = text(
            "SELECT entry_id, ts_rank_cd(document, query) AS score "
            "FROM search_documents, to_tsquery('simple', :match) AS query "
            "WHERE owner_id = :owner AND document @@ query")
        params = {"match": matching.tsquery_expression(parsed), "owner": owner_id}
    return (sql.bindparams(**params)
            .columns(column("entry_id", Integer), column("score", Float)).subquery("ranked"))


def _excluded_ids(dialect: str, owner_id: int, parsed: ParsedQuery):
    """The owner's entry ids that contain any excluded term."""
    if dialect == "sqlite":
        sql = text("SELECT rowid FROM entries_fts WHERE entries_fts MATCH :match "
                   "AND owner_id = :owner")
        params = {"match": matching.fts5_excluded_expression(parsed), "owner": owner_id}
    else:
        sql = text("SELECT entry_id FROM search_documents WHERE owner_id = :owner "
                   "AND document @@ to_tsquery('simple', :match)")
        params = {"match": matching.tsquery_excluded_expression(parsed), "owner": owner_id}
    return sql.bindparams(**params).columns(column("entry_id", Integer))


def _snippet(entry: Entry, parsed: ParsedQuery) -> Markup:
    texts = [entry.body]
    if entry.reframe is not None:
        texts += [getattr(entry.reframe, name) for name in Reframe.TEXT_FIELDS]
    texts += [entry.win_part or ""]
    return matching.highlight(texts, parsed)
