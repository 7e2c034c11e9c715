"""Searching one's own entries: the query's words through the database's full-text
backend (:mod:`journal.fulltext.backends`), its filters on the entries.

Every statement starts from :func:`journal.ownership.owned`, and the index lookups
filter on the owner too, so another user's words can never be matched, ranked,
counted or quoted in a snippet.
"""

from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup
from sqlalchemy.orm import selectinload

from journal.extensions import db
from journal.fulltext.backends import backend_for
from journal.models import REFRAME, Entry, EntryTag, Reframe, Tag, User
from journal.ownership import owned, owned_columns
from journal.search.query import ParsedQuery, parse_query
from journal.search.snippets import highlight
from journal.tags.queries import subtree_condition
from journal.timezones import local_day_end, local_day_start, zone_for

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


def search(owner: User, query: str, filters: SearchFilters | None = None, *, page: int = 1,
           per_page: int = PER_PAGE) -> SearchResults:
    """The owner's entries matching ``query`` and ``filters``: by relevance when the
    query has words (newest first among equals), else newest first. Never raises for
    any query text."""
    filters = filters or SearchFilters()
    parsed = parse_query(query or "")
    page = min(max(page, 1), MAX_PAGE)
    statement = _filtered(owner, parsed, filters)
    backend = backend_for(db.session.get_bind())
    if parsed.has_text:
        ranked = backend.ranked(owner.id, parsed.groups, parsed.excluded)
        statement = (statement.join(ranked, ranked.c.entry_id == Entry.id)
                     .order_by(ranked.c.score.desc(), Entry.created_at.desc(), Entry.id.desc()))
    else:
        if parsed.excluded:
            statement = statement.where(
                Entry.id.not_in(backend.containing_any(parsed.excluded)))
        statement = statement.order_by(Entry.created_at.desc(), Entry.id.desc())
    entries = list(db.session.scalars(
        statement.options(selectinload(Entry.tags))
        .limit(per_page + 1).offset((page - 1) * per_page)))
    hits = [SearchHit(entry, _snippet(entry, parsed)) for entry in entries[:per_page]]
    return SearchResults(parsed=parsed, hits=hits, page=page, has_next=len(entries) > per_page)


def _filtered(owner: User, parsed: ParsedQuery, filters: SearchFilters):
    statement = owned(Entry, owner)
    zone = zone_for(owner)
    for tag in (*parsed.tags, *filters.tags):
        # The links' entry ids straight from the owner's tags: one list, read from the
        # (tag_id, entry_id) index, that the owner's entries are tested against.
        tagged = (owned_columns(Tag, owner, EntryTag.entry_id)
                  .join(EntryTag, EntryTag.tag_id == Tag.id).where(subtree_condition(tag)))
        statement = statement.where(Entry.id.in_(tagged))
    if parsed.before:
        statement = statement.where(Entry.created_at < local_day_start(parsed.before, zone))
    if parsed.after:
        statement = statement.where(
            Entry.created_at >= local_day_end(parsed.after, zone))
    if filters.start:
        statement = statement.where(Entry.created_at >= local_day_start(filters.start, zone))
    if filters.end:
        statement = statement.where(
            Entry.created_at < local_day_end(filters.end, zone))
    if parsed.is_win or filters.win:
        statement = statement.where(Entry.is_win)
    if parsed.is_starred or filters.starred:
        statement = statement.where(Entry.starred)
    if parsed.is_reframe or filters.kind == REFRAME:
        statement = statement.where(Entry.kind == REFRAME)
    elif filters.kind:
        statement = statement.where(Entry.kind == filters.kind)
    return statement


def _snippet(entry: Entry, parsed: ParsedQuery) -> Markup:
    texts = [entry.body]
    if entry.reframe is not None:
        texts += [getattr(entry.reframe, name) for name in Reframe.TEXT_FIELDS]
    texts += [entry.win_part or ""]
    return highlight(texts, parsed)
