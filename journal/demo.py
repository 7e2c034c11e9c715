"""Demo entries for ``flask --app journal demo-data``: an engineer's working life over
the past few years (two unless asked otherwise), composed at random from short
sentences so that no two entries read alike. Every page has something to show: wins
with the writer's part in them (an entry is a win exactly when it is tagged #win),
reframes of a doubt with the belief in the harsh reading before and after (easing over
the years), answers to built-in prompts, and starred entries.

Each entry falls on a day drawn at random from the span, so how many days have an entry
follows from how many entries there are per day: a thousand entries over two years
leave about a quarter of the days empty (gaps of a day or a few, short streaks), while
a hundred thousand over ten years leave none, and the streak runs the whole span.

The rows go in with SQLAlchemy Core bulk inserts (executemany in batches) inside the
caller's transaction, which is what makes a hundred thousand entries take seconds. What
the entries say is sealed here, row by row, as the models would seal it
(:mod:`journal.models.sealed`): each row gets its random ``uid`` and its fields sealed
under the owner's data key, which the caller must hold (:mod:`journal.crypto.keyring`),
and its plain columns stay empty. An account without keys keeps plain columns, as the
models do for it.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import insert

from journal.crypto import keyring
from journal.crypto.rows import JournalLocked, new_uid, seal_fields
from journal.demo_phrases import (
    CLOSINGS,
    CODENAME_SENTENCES,
    DONE_INTROS,
    DONE_ITEMS,
    EXTRA_TAGS,
    FEATURES,
    INLINE_TEMPLATES,
    PEOPLE,
    PLAN_INTROS,
    PLAN_ITEMS,
    PROMPT_THEMES,
    REFRAME_FIELDS,
    SERVICES,
    SYLLABLES,
    THEME_NAMES,
    THEME_TITLES,
    THEMES,
    TITLES,
    TOPICS,
    WIN_PARTS,
)
from journal.extensions import db
from journal.fulltext.index import index_entries
from journal.models import NOTE, REFRAME, Entry, EntryTag, Prompt, Reframe, Tag, utcnow
from journal.ownership import owned, visible_prompts
from journal.tags.names import canonical_tag
from journal.words import count_words

BATCH_SIZE = 5_000
DEFAULT_YEARS = 2
MAX_YEARS = 50
DAYS_PER_YEAR = 365.25

WIN_TAG = "win"  # an entry is a win exactly when it carries this tag

# Hours people tend to write at, weighted: mornings, lunch, and mostly evenings.
HOURS = list(range(24))
HOUR_WEIGHTS = [1, 0, 0, 0, 0, 1, 2, 4, 5, 3, 2, 2, 5, 4, 2, 2, 3, 5, 7, 8, 9, 8, 6, 3]


_canonical = cache(canonical_tag)


@dataclass
class DemoResult:
    entries: int = 0
    starred: int = 0
    wins: int = 0
    reframes: int = 0
    answers: int = 0
    links: int = 0
    tags: int = 0
    new_tags: int = 0


@dataclass
class DemoEntry:
    """One composed entry. ``reframe`` holds the guided fields of a reframe, ``prompt``
    the ``(id, text)`` of the built-in prompt it answers."""

    title: str | None
    body: str
    tags: list[str]
    starred: bool
    win_part: str | None = None
    reframe: dict | None = None
    prompt: tuple[int, str] | None = None

    @property
    def is_win(self) -> bool:
        return any(_canonical(tag) == WIN_TAG for tag in self.tags)


def _fill(rng: random.Random) -> dict:
    return {
        "person": rng.choice(PEOPLE), "feature": rng.choice(FEATURES),
        "service": rng.choice(SERVICES), "topic": rng.choice(TOPICS),
        "n": rng.randint(3, 60), "small": rng.randint(2, 9), "big": rng.randint(12, 40),
        "pct": rng.choice([5, 10, 25, 50]),
        "hour": f"{rng.choice([1, 2, 3, 4, 5, 23])}:{rng.randint(0, 59):02d}",
        "codename": "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize(),
    }


def _sentence(template: str, values: dict) -> str:
    text = template.format(**values)
    return text[0].upper() + text[1:]


def compose_entry(rng: random.Random, *, progress: float = 0.5,
                  prompts: dict[str, list[tuple[int, str]]] | None = None) -> DemoEntry:
    """One random entry. ``progress`` (0 for the oldest entry, 1 for the newest) eases
    the belief in a reframe's harsh reading over time; ``prompts`` are the built-in
    prompts by theme, as ``(id, text)``, that an entry may answer."""
    values = _fill(rng)
    themes = rng.sample(THEME_NAMES, rng.choice((1, 1, 2, 2, 3)))
    paragraphs = []
    for theme in themes:
        pool = THEMES[theme][1]
        picked = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        paragraphs.append(" ".join(_sentence(sentence, values) for sentence in picked))
    if rng.random() < 0.15:  # emphasis on the sentence that mattered most
        first, dot, rest = paragraphs[0].partition(". ")
        mark = rng.choice(("*", "**"))
        paragraphs[0] = f"{mark}{first}{dot.strip()}{mark} {rest}".rstrip()

    if rng.random() < 0.3:
        paragraphs.append(_sentence(rng.choice(CODENAME_SENTENCES), values))

    roll = rng.random()
    if roll < 0.15:
        items = rng.sample(DONE_ITEMS, rng.randint(2, 4))
        paragraphs.append(rng.choice(DONE_INTROS) + "\n\n" + "\n".join(
            f"- {item.format(**values)}" for item in items))
    elif roll < 0.25:
        steps = rng.sample(PLAN_ITEMS, rng.randint(2, 3))
        paragraphs.append(rng.choice(PLAN_INTROS) + "\n\n" + "\n".join(
            f"{number}. {_sentence(step, values)}" for number, step in enumerate(steps, 1)))
    elif roll < 0.5:
        paragraphs.append(_sentence(rng.choice(CLOSINGS), values))

    tags: list[str] = []
    if rng.random() > 0.1:
        suggested = [tag for theme in themes for tag in THEMES[theme][0]]
        for tag in rng.sample(suggested, min(len(suggested), rng.randint(1, 3))):
            if tag not in tags:
                tags.append(tag)
        if rng.random() < 0.2:
            extra = rng.choice(EXTRA_TAGS)
            if _canonical(extra) not in {_canonical(tag) for tag in tags}:
                tags.append(extra)
        tags = tags[:4]
    if tags and rng.random() < 0.2:  # an inline #tag, always one the entry has
        paragraphs.append(rng.choice(INLINE_TEMPLATES).format(tag=_canonical(rng.choice(tags))))

    title = None
    if rng.random() < 0.6:
        choices = THEME_TITLES[themes[0]] if rng.random() < 0.8 else TITLES
        title = _sentence(rng.choice(choices), values)
    entry = DemoEntry(title, "\n\n".join(paragraphs), tags, rng.random() < 0.1)
    if entry.is_win and rng.random() < 0.9:  # a few wins wait for their part
        entry.win_part = _sentence(rng.choice(WIN_PARTS), values)
    if "doubt" in themes and rng.random() < 0.5:
        entry.reframe = _compose_reframe(rng, values, progress)
        if rng.random() < 0.5:  # the text is "anything else", often left empty
            entry.body = ""
    answerable = [prompt for key in PROMPT_THEMES[themes[0]] for prompt in
                  (prompts or {}).get(key, [])]
    if answerable and rng.random() < 0.25:
        entry.prompt = rng.choice(answerable)
    return entry


def _compose_reframe(rng: random.Random, values: dict, progress: float) -> dict:
    """The guided fields, and a belief in the harsh reading (0 to 10) that starts near 8
    in the oldest entries and near 5 lately, and drops after writing it out."""
    fields = {name: _sentence(rng.choice(pool), values)
              for name, pool in REFRAME_FIELDS.items()}
    before = round(8 - 3 * progress + rng.gauss(0, 1.2))
    before = min(10, max(2, before))
    fields["belief_before"] = before
    fields["belief_after"] = max(0, before - rng.choice((0, 1, 2, 2, 3, 3, 4)))
    return fields


def span_days(years: int) -> int:
    """The number of days, today included, that ``years`` years of entries spread over:
    730 for two years, 3,652 for ten."""
    return int(years * DAYS_PER_YEAR)


def _timestamps(rng: random.Random, count: int, now: datetime, days: int) -> list[float]:
    """``count`` POSIX times on days drawn evenly from the ``days`` days up to ``now``, at
    plausible writing hours (a time later than ``now`` today moves to yesterday), oldest
    first."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    latest = now.timestamp()
    hours = rng.choices(HOURS, HOUR_WEIGHTS, k=count)
    stamps = []
    for hour in hours:
        stamp = (midnight - rng.randrange(days) * 86_400 + hour * 3_600
                 + rng.randrange(3_600))
        stamps.append(stamp if stamp <= latest else stamp - 86_400)
    stamps.sort()
    return stamps


def insert_demo_entries(owner_id: int, count: int, *, seed: int | None = None,
                        years: int = DEFAULT_YEARS, now: datetime | None = None,
                        batch_size: int = BATCH_SIZE) -> DemoResult:
    """Insert ``count`` demo entries for ``owner_id``, spread over the ``years`` years up
    to ``now``, in the session's transaction (the caller commits), sealed under the
    owner's data key, which this context must hold (:class:`JournalLocked` otherwise,
    for an account with keys). Tags the owner already has are reused; a new tag is
    created when first used, dated like the oldest entry that uses it. The same
    ``seed``, ``years`` and ``now`` give the same entries."""
    if not 1 <= years <= MAX_YEARS:
        raise ValueError(f"years must be 1 to {MAX_YEARS}, not {years}")
    if not keyring.holds(owner_id) and keyring.public_key(owner_id) is not None:
        raise JournalLocked("demo entries for an encrypted journal need its data key")
    rng = random.Random(seed)
    now = now or utcnow()
    connection = db.session.connection()
    entries, tags, links = Entry.__table__, Tag.__table__, EntryTag.__table__
    tag_ids = _tag_ids(owner_id)
    blinded = keyring.blinder(owner_id, keyring.TAG_NAMES)
    result = DemoResult()
    insert_entries = insert(entries).returning(entries.c.id, sort_by_parameter_order=True)

    stamps = _timestamps(rng, count, now, span_days(years))
    prompts = _builtin_prompts(owner_id)
    for start in range(0, count, batch_size):
        rows, entry_tags, guided = [], [], []
        for offset, stamp in enumerate(stamps[start:start + batch_size], start):
            entry = compose_entry(rng, progress=offset / max(1, count - 1), prompts=prompts)
            created = datetime.fromtimestamp(stamp, UTC)
            updated = created
            if rng.random() < 0.15:  # edited later the same day or a few days on
                updated = min(now, created + timedelta(minutes=rng.randint(5, 60 * 24 * 5)))
            rows.append(_entry_row(owner_id, entry, created, updated))
            entry_tags.append((entry.tags, created))
            guided.append(entry.reframe)
            result.starred += entry.starred
            result.wins += entry.is_win
            result.reframes += entry.reframe is not None
            result.answers += entry.prompt is not None

        for tag_names, created in entry_tags:
            for shown in tag_names:
                name = _canonical(shown)
                if name not in tag_ids:
                    tag_ids[name] = connection.execute(
                        insert(tags).returning(tags.c.id),
                        _tag_row(owner_id, name, shown, created, blinded),
                    ).scalar_one()
                    result.new_tags += 1

        ids = connection.execute(insert_entries, rows).scalars().all()
        pairs = [{"entry_id": entry_id, "tag_id": tag_ids[_canonical(shown)]}
                 for entry_id, (tag_names, _) in zip(ids, entry_tags, strict=True)
                 for shown in tag_names]
        if pairs:
            connection.execute(insert(links), pairs)
        reframes = [_reframe_row(owner_id, entry_id, fields)
                    for entry_id, fields in zip(ids, guided, strict=True) if fields]
        if reframes:
            connection.execute(insert(Reframe.__table__), reframes)
        index_entries(connection, ids)
        result.entries += len(rows)
        result.links += len(pairs)
    result.tags = len(tag_ids)
    return result


def _tag_ids(owner_id: int) -> dict[str, int]:
    """The owner's tags by canonical name (those that open; their names are sealed)."""
    return {tag.name: tag.id for tag in db.session.scalars(owned(Tag, owner_id, with_hidden=True))
            if not tag.unreadable}


def _builtin_prompts(owner_id: int) -> dict[str, list[tuple[int, str]]]:
    """The built-in prompts still in the library, as ``(id, text)`` by theme, in a fixed
    order so that a seed always picks the same ones."""
    by_theme: dict[str, list[tuple[int, str]]] = {}
    for prompt in db.session.scalars(visible_prompts(owner_id).where(Prompt.key.is_not(None))
                                     .order_by(Prompt.key)):
        by_theme.setdefault(prompt.theme, []).append((prompt.id, prompt.text))
    return by_theme


def _sealed(model: type, owner_id: int, fields: dict) -> dict:
    """The ``uid``, ``sealed`` and plain columns of a ``model`` row holding ``fields``
    (exactly the model's sealed fields): sealed, with the plain columns blank, or for an
    account without keys, plain."""
    uid = new_uid()
    sealed = seal_fields(model.__tablename__, owner_id, uid, fields)
    row = {"uid": uid, "sealed": sealed}
    for name, (column, blank) in _plain_columns(model).items():
        row[column] = fields[name] if sealed is None else blank
    return row


@cache
def _plain_columns(model: type) -> dict[str, tuple[str, object]]:
    """Each sealed field of ``model`` -> (its plain column's name in the table, the value
    that column keeps once sealed)."""
    attributes = model.__mapper__.attrs
    return {name: (attributes[attribute].columns[0].name, blank)
            for name, (attribute, blank) in model.PLAIN_COLUMNS.items()}


def _entry_row(owner_id: int, entry: DemoEntry, created: datetime,
               updated: datetime) -> dict:
    """The ``entries`` row for a composed entry: every column named, as executemany needs."""
    reframe = entry.reframe or {}
    guided = [reframe.get(name) for name in Reframe.TEXT_FIELDS]
    prompt_id, prompt_text = entry.prompt or (None, None)
    fields = {"title": entry.title, "body": entry.body, "prompt_text": prompt_text,
              "win_part": entry.win_part}
    return {"owner_id": owner_id, "created_at": created, "updated_at": updated,
            "starred": entry.starred, "version": 1,
            "kind": REFRAME if entry.reframe else NOTE, "is_win": entry.is_win,
            "prompt_id": prompt_id,
            "word_count": count_words(entry.body, entry.win_part, *guided),
            **_sealed(Entry, owner_id, fields)}


def _reframe_row(owner_id: int, entry_id: int, fields: dict) -> dict:
    return {"entry_id": entry_id, **_sealed(Reframe, owner_id, fields)}


def _tag_row(owner_id: int, name: str, shown: str, created: datetime, blinded) -> dict:
    fields = {"name": name, "display_name": shown}
    return {"owner_id": owner_id, "created_at": created,
            "name_key": blinded(name) if blinded is not None else None,
            **_sealed(Tag, owner_id, fields)}
