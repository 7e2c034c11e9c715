"""Figures about one's own writing, scoped to the owner.

Per-day figures, beliefs and tags come from the running totals kept with every write
(:mod:`journal.totals`), so the work grows with the number of days in the range, not
with the number of entries written in them.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select

from journal.crypto.rows import Unreadable, open_fields
from journal.extensions import db
from journal.insights.months import month_text
from journal.models import REFRAME, DayTagTotal, DayTotal, Entry, Prompt, Reframe, Tag, User
from journal.ownership import owned, owned_columns
from journal.tags.lookup import all_tags
from journal.timezones import in_zone, local_day_end, local_day_start, local_today, zone_for
from journal.totals import ensure_counted

RANGES = {"30": 30, "90": 90, "365": 365, "all": None}
TOP_TAGS = 8
TREND_TAGS = 3  # the tags whose months are charted
EARLIEST_DAY = date(1900, 1, 1)  # the earliest day the all-time range shows, as the calendar


@dataclass
class DayFigures:
    entries: int = 0
    words: int = 0
    wins: int = 0


@dataclass
class Insights:
    start: date
    end: date
    days: dict[date, DayFigures] = field(default_factory=dict)
    belief: dict[date, tuple[float | None, float | None, int]] = field(default_factory=dict)
    tags_by_month: dict[str, Counter] = field(default_factory=dict)  # the leading tags only
    tag_totals: Counter = field(default_factory=Counter)
    themes: Counter = field(default_factory=Counter)

    @property
    def entry_count(self) -> int:
        return sum(day.entries for day in self.days.values())

    @property
    def word_count(self) -> int:
        return sum(day.words for day in self.days.values())

    @property
    def win_count(self) -> int:
        return sum(day.wins for day in self.days.values())

    def current_streak(self, today: date, *, whole_history: bool = False) -> int | None:
        """Days in a row with entries ending today (or yesterday), from the days in the
        range; ``None`` when the run reaches the start of the range and may go further
        (never when the range is the whole history)."""
        day = today if today in self.days else today - timedelta(days=1)
        count = 0
        while day in self.days:
            count += 1
            day -= timedelta(days=1)
        return None if day < self.start and not whole_history else count

    def longest_streak(self) -> tuple[int, date | None]:
        """Longest run of consecutive days with entries in the range, and its last day."""
        best, best_end, run, previous = 0, None, 0, None
        for day in sorted(self.days):
            run = run + 1 if previous and day - previous == timedelta(days=1) else 1
            if run > best:
                best, best_end = run, day
            previous = day
        return best, best_end


def range_bounds(user: User, key: str) -> tuple[date, date]:
    """First and last local date of the range ``key`` (30, 90, 365 days or all). All
    time begins at the first entry, but not before :data:`EARLIEST_DAY` (an imported
    entry dated year 1 would otherwise ask for two thousand years of charts)."""
    today = local_today(user)
    days = RANGES.get(key, 90)
    if days is not None:
        return today - timedelta(days=days - 1), today
    first = db.session.scalar(owned(Entry, user).with_only_columns(func.min(Entry.created_at)))
    if first is None:
        return today, today
    return min(max(in_zone(first, zone_for(user)).date(), EARLIEST_DAY), today), today


def insights_for(user: User, start: date, end: date) -> Insights:
    """The figures of ``user``'s local days ``start`` to ``end``, from the running totals
    (:mod:`journal.totals`): days and beliefs, tags by month; and the themes of the
    prompts answered, counted per prompt."""
    ensure_counted(user)
    result = Insights(start=start, end=end)
    _days(user, result)
    _tags(user, result)
    _themes(user, result)
    return result


def _days(user: User, result: Insights) -> None:
    rows = db.session.connection().execute(
        owned_columns(DayTotal, user, DayTotal.day, DayTotal.entries, DayTotal.words,
                      DayTotal.wins, DayTotal.reframes)
        .where(DayTotal.day >= result.start, DayTotal.day <= result.end))
    reframe_days = {}
    for day, entries, words, wins, reframes in rows:
        result.days[day] = DayFigures(entries=entries, words=words, wins=wins)
        if reframes:
            reframe_days[day] = reframes
    if reframe_days:
        _beliefs(user, result, reframe_days)


def _beliefs(user: User, result: Insights, reframe_days: dict[date, int]) -> None:
    """Average belief ratings per day, from the range's reframes, opened: ratings are
    sealed with the rest of what the person wrote."""
    zone = zone_for(user)
    ratings: dict[date, tuple[list[int], list[int]]] = {}
    # Read as plain rows, each reframe's sealed fields opened by themselves: the entries
    # (and their much longer texts) are not loaded at all.
    rows = db.session.execute(
        owned_columns(Entry, user, Entry.created_at, Reframe.uid, Reframe.sealed,
                      Reframe.plain_belief_before, Reframe.plain_belief_after)
        .join(Reframe, Reframe.entry_id == Entry.id)
        .where(Entry.kind == REFRAME,
               Entry.created_at >= local_day_start(result.start, zone),
               Entry.created_at < local_day_end(result.end, zone))
        .execution_options(yield_per=2_000))
    for created_at, uid, sealed, plain_before, plain_after in rows:
        if sealed is None:
            belief_before, belief_after = plain_before, plain_after
        else:
            try:
                fields = open_fields(Reframe.__tablename__, user.id, uid, sealed)
            except Unreadable:
                continue
            belief_before, belief_after = fields.get("belief_before"), fields.get("belief_after")
        before, after = ratings.setdefault(in_zone(created_at, zone).date(), ([], []))
        if isinstance(belief_before, int):
            before.append(belief_before)
        if isinstance(belief_after, int):
            after.append(belief_after)
    for day, count in reframe_days.items():
        before, after = ratings.get(day, ([], []))
        result.belief[day] = (sum(before) / len(before) if before else None,
                              sum(after) / len(after) if after else None, count)


def _tags(user: User, result: Insights) -> None:
    """Entries per tag in the range, and per local month for the tags that come up most,
    summed from the day tag totals (each tag's days are one range of an index)."""
    in_range = (DayTagTotal.day >= result.start, DayTagTotal.day <= result.end)
    tag_names = {tag.id: tag.name for tag in all_tags(user)}  # names are sealed
    if _covers_every_day(user, result):  # the stored counts are the range's totals
        counts = db.session.execute(
            owned_columns(Tag, user, Tag.id, Tag.entry_count).where(Tag.entry_count > 0)).all()
    else:
        counts = db.session.execute(
            owned_columns(Tag, user, Tag.id, func.sum(DayTagTotal.entries))
            .join(DayTagTotal, (DayTagTotal.tag_id == Tag.id)
                  & (DayTagTotal.owner_id == Tag.owner_id))  # the index's whole prefix
            .where(*in_range).group_by(Tag.id)).all()
    totals = [(tag_id, tag_names[tag_id], count) for tag_id, count in counts
              if tag_id in tag_names]
    names = {tag_id: name for tag_id, name, _ in totals}
    for _, name, count in totals:
        result.tag_totals[name] += int(count)
    leaders = {name for name, _ in result.tag_totals.most_common(TREND_TAGS)}
    if not leaders:
        return
    month = month_text(DayTagTotal.day)
    rows = db.session.execute(
        owned_columns(DayTagTotal, user, month, DayTagTotal.tag_id, func.sum(DayTagTotal.entries))
        .where(*in_range, DayTagTotal.tag_id.in_(
            [tag_id for tag_id, name in names.items() if name in leaders]))
        .group_by(month, DayTagTotal.tag_id)).all()
    for month_key, tag_id, count in rows:
        result.tags_by_month.setdefault(month_key, Counter())[names[tag_id]] += int(count)


def _covers_every_day(user: User, result: Insights) -> bool:
    """Whether every day with entries lies in the range (all time, and no entry dated
    after today)."""
    outside = db.session.scalar(
        owned_columns(DayTotal, user, DayTotal.day)
        .where(or_(DayTotal.day < result.start, DayTotal.day > result.end)).limit(1))
    return outside is None


def _themes(user: User, result: Insights) -> None:
    """Answers per prompt theme: one count per prompt the user could have answered, each
    a range of the (owner, prompt, time) index, so the work follows the answers in the
    range, not the journal."""
    zone = zone_for(user)
    answers = (
        owned_columns(Entry, user, func.count())
        .where(Entry.prompt_id == Prompt.id,
               Entry.created_at >= local_day_start(result.start, zone),
               Entry.created_at < local_day_end(result.end, zone))
        .correlate(Prompt).scalar_subquery())
    rows = db.session.execute(
        select(Prompt.theme, answers)
        .where(or_(Prompt.owner_id.is_(None), Prompt.owner_id == user.id)))
    for theme, count in rows:
        if count:
            result.themes[theme] += count


def weekly(values: dict[date, tuple], start: date, end: date) -> list[tuple[date, list]]:
    """Group per-day values into weeks starting on Monday: ``(monday, [values...])``."""
    weeks: dict[date, list] = defaultdict(list)
    for day, value in values.items():
        if start <= day <= end:
            weeks[day - timedelta(days=day.weekday())].append(value)
    return sorted(weeks.items())


def months_between(start: date, end: date) -> list[str]:
    months, current = [], date(start.year, start.month, 1)
    while current <= end:
        months.append(f"{current:%Y-%m}")
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months
