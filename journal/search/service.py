"""Searching one's own entries: the query's words through the database's full-text
backend (:mod:`journal.fulltext.backends`), its filters on the entries.

Results come in one of two orders, and the page says which. Best matches first, when
the words are in at most :data:`RANK_LIMIT` of the owner's entries: every match is
ranked, which costs little for that many. Newest first, when the words are in more:
ranking tens of thousands of entries takes longer than the order is worth (a word in
that many entries says little about any one of them), while the newest matches are
found by walking the owner's entries from the newest and stopping at the page (SQLite
lists the matching ids from its index first, which is quick even for tens of
thousands). The choice counts the owner's matches only, never anyone else's.

The words are looked up as the owner's index holds them (:mod:`journal.fulltext.tokens`):
an encrypted journal's as keyed digests, made with the key this request holds; without
it, no word can be looked up, and a search by words finds nothing.

Every statement starts from :func:`journal.ownership.owned`; the index lookups that
rank or count filter on the owner too, and the conditions on matching documents only
ever narrow the owner's own entries. So another user's words can never be matched,
ranked, counted or quoted in a snippet.
"""

from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup
from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from journal.extensions import db
from journal.fulltext.backends import backend_for
from journal.fulltext.terms import words_of
from journal.fulltext.tokens import vocabulary
from journal.models import REFRAME, Entry, Reframe, User
from journal.ownership import owned
from journal.search.query import ParsedQuery, parse_query
from journal.search.snippets import highlight
from journal.tags.lookup import subtree
from journal.tags.queries import carries_any
from journal.timezones import local_day_end, local_day_start, zone_for

PER_PAGE = 20
MAX_PAGE = 500
RANK_LIMIT = 5_000
"""Matches ranked at most: words in more of the owner's entries list them newest first."""
COUNT_LIMIT = 1_000
"""Matches counted at most: above it the page says "more than"."""

BEST = "best"  # best matches first
NEWEST = "newest"  # newest first


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
    order: str = NEWEST  # BEST or NEWEST
    too_common: bool = False  # newest first because the words are in too many entries
    matches: int | None = None  # counted up to count_limit + 1 when best first, else None
    rank_limit: int = RANK_LIMIT
    count_limit: int = COUNT_LIMIT

    @property
    def one_word(self) -> bool:
        """The query's words are a single word (for "this word" or "these words")."""
        terms = [term for group in self.parsed.groups for term in group]
        return len(terms) == 1 and len(words_of(terms[0].text)) == 1


def search(owner: User, query: str, filters: SearchFilters | None = None, *, page: int = 1,
           per_page: int = PER_PAGE) -> SearchResults:
    """The owner's entries matching ``query`` and ``filters``. Best matches first
    (newest first among equals) when the query has words that at most ``RANK_LIMIT`` of
    the owner's entries hold, with the matches counted up to ``COUNT_LIMIT``; else newest
    first. Never raises for any query text."""
    filters = filters or SearchFilters()
    parsed = parse_query(query or "")
    page = min(max(page, 1), MAX_PAGE)
    offset = (page - 1) * per_page
    statement = _filtered(owner, parsed, filters)
    backend = backend_for(db.session.get_bind())
    results = SearchResults(parsed=parsed, page=page, rank_limit=RANK_LIMIT,
                            count_limit=COUNT_LIMIT)
    words = vocabulary(owner.id)
    if statement is None or (words.locked and (parsed.has_text or parsed.excluded)):
        return results  # no entry can pass, or no word can be looked up without the key
    index_query = words.query(parsed.groups, parsed.excluded)
    if parsed.has_text:
        results.too_common = backend.more_than(db.session.connection(), owner.id,
                                               index_query, RANK_LIMIT)
    if parsed.has_text and not results.too_common:
        ranked = backend.ranked(owner.id, index_query)
        # The ids of every match are sorted anyway: reading up to COUNT_LIMIT of them
        # counts the matches for little more than the page costs.
        ids = db.session.connection().scalars(  # plain ids: no ORM work per row
            statement.with_only_columns(Entry.id).join(ranked, ranked.c.entry_id == Entry.id)
            .order_by(ranked.c.score.desc(), Entry.created_at.desc(), Entry.id.desc())
            .limit(max(COUNT_LIMIT, offset + per_page) + 1)).all()
        results.order, results.matches = BEST, len(ids)
        entries = _in_order(owner, ids[offset:offset + per_page + 1])
    else:
        if parsed.has_text:
            statement = statement.where(backend.matches(Entry.id, index_query))
        elif parsed.excluded:
            statement = statement.where(backend.lacks_all(Entry.id, index_query))
        entries = list(db.session.scalars(
            statement.options(selectinload(Entry.tags))
            .order_by(Entry.created_at.desc(), Entry.id.desc())
            .limit(per_page + 1).offset(offset)))
    results.hits = [SearchHit(entry, _snippet(entry, parsed)) for entry in entries[:per_page]]
    results.has_next = len(entries) > per_page
    return results


def _in_order(owner: User, ids: list[int]) -> list[Entry]:
    """The owner's entries with ``ids`` (read through the filters, which left out what
    an unfinished import wrote, so that is not asked again), in that order."""
    if not ids:
        return []
    found = {entry.id: entry for entry in db.session.scalars(
        owned(Entry, owner, with_hidden=True).where(Entry.id.in_(ids))
        .options(selectinload(Entry.tags)))}
    return [found[entry_id] for entry_id in ids if entry_id in found]


def _filtered(owner: User, parsed: ParsedQuery, filters: SearchFilters) -> Select | None:
    """The owner's entries that pass the filters, or None when none can (a tag the
    owner does not have)."""
    statement = owned(Entry, owner)
    zone = zone_for(owner)
    for tag in (*parsed.tags, *filters.tags):
        # The tag's ids are read first: with none, nothing can match and no entry is
        # read; with some, the planner knows from them how many links to expect
        # (PostgreSQL walks every entry for a tag it cannot size).
        # The plan follows the tags' stored counts (see carries_any): a common tag is
        # tested entry by entry from the newest, a rare one read as its list of links.
        tags = [(found.id, found.entry_count) for found in subtree(owner, tag)]
        if not tags:
            return None
        statement = statement.where(carries_any(tags))
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
