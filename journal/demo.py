"""Demo entries for ``flask --app journal demo-data``: an engineer's working life over
two years, composed at random from short sentences so that no two entries read alike.

The rows go in with SQLAlchemy Core bulk inserts (executemany in batches) inside the
caller's transaction, which is what makes a hundred thousand entries take seconds.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import insert, select

from journal.entries.services import count_words
from journal.extensions import db
from journal.models import Entry, EntryTag, Tag, utcnow
from journal.search.index import index_entries
from journal.tags.names import canonical_tag

BATCH_SIZE = 5_000
SPAN_DAYS = 730

PEOPLE = ["Priya", "Tomás", "Mei", "Jonas", "Amara", "Kenji", "Sofia", "Ravi", "Lena",
          "Omar", "Grace", "Mateo", "Inès", "Yusuf", "Hana", "Felix"]
FEATURES = ["the CSV export", "search filters", "the billing retry job", "dark mode",
            "the onboarding checklist", "offline drafts", "the audit log", "rate limiting",
            "the new settings page", "single sign-on", "the importer", "webhook retries",
            "the mobile layout", "bulk edit", "the reporting dashboard", "saved searches"]
SERVICES = ["the payments service", "the queue workers", "the search index",
            "the auth gateway", "the nightly backup job", "the public API", "the mail relay"]
TOPICS = ["query planners", "CRDTs", "TLS certificates", "accessibility audits",
          "feature flags", "property-based testing", "load balancers", "database indexes"]

# Each theme: (the tags it suggests, its sentences). Placeholders are filled per entry.
THEMES: dict[str, tuple[list[str], list[str]]] = {
    "launch": (["work/launch", "win", "work"], [
        "We shipped {feature} today.",
        "{feature} went out to every customer this afternoon, behind a flag we never had "
        "to touch.",
        "The launch was quieter than I feared: {n} sign-ups in the first hour and no "
        "rollback.",
        "I kept finding small things to polish, and we shipped anyway. Nobody noticed the "
        "things I worried about.",
        "Support forwarded a note from a customer who said {feature} saves them an "
        "afternoon a week.",
        "It is not perfect, but it is in people's hands, which is where it can get better.",
        "Release notes are out. {person} wrote the customer-facing part better than I "
        "would have.",
        "Rolled out to {pct}% of accounts; error rates stayed flat.",
        "The first real user of {feature} found a use for it we never planned.",
    ]),
    "review": (["work/review", "team"], [
        "{person} left {n} comments on my pull request, and most of them were right.",
        "I reviewed {person}'s change to {feature} and learned a trick with the query "
        "planner.",
        "A review comment stung for about ten minutes, then it made the code better.",
        "I approved a change I would have written differently. Different is not wrong.",
        "My review queue is down to {small}. Small pull requests really are faster for "
        "everyone.",
        "I asked for tests on the edge cases and {person} found a real bug while writing "
        "them.",
        "Split my change into three smaller ones; each got reviewed within the hour.",
    ]),
    "bugs": (["work/bugs", "work"], [
        "Spent the morning on a bug in {service} that only showed up under load.",
        "The bug was an off-by-one in the pagination, hiding in plain sight for {small} "
        "months.",
        "Found the cause of the flaky test: two tests shared a temporary directory.",
        "I fixed a bug that no customer had reported and probably none ever would. Next "
        "time I will weigh that before spending a day on it.",
        "Wrote a failing test first, and then the fix was four lines.",
        "The time zone bug again. This time I wrote down how it works so the next person "
        "does not have to rediscover it.",
        "Bisected {n} commits in twenty minutes. Tools are good when you remember them.",
    ]),
    "oncall": (["work/oncall", "work"], [
        "Paged at {hour} for {service}. A full disk, cleared in twenty minutes.",
        "The incident review was calm and nobody went looking for someone to blame.",
        "Our runbook worked exactly as written, which is a small victory for the person "
        "who wrote it: me.",
        "Quiet on-call week: {small} alerts, all of them real, none of them urgent.",
        "Handed over on-call with a short list and no open incidents.",
    ]),
    "thanks": (["thanks", "team"], [
        "{person} paired with me for an hour and untangled the migration plan.",
        "Thanked {person} for the careful review. I should say those things out loud "
        "more often.",
        "{person} stayed late to help test the release. I owe them a coffee.",
        "{person} said my design doc was the clearest one this quarter.",
        "A new teammate asked me for help, which means somebody thinks I know things.",
        "{person} covered my on-call shift without being asked twice.",
    ]),
    "doubt": (["doubt"], [
        "I felt as if everyone else understood the architecture better than I do.",
        "The old feeling that I got this job by luck came back during the planning "
        "meeting.",
        "I worried my estimate was naive. It was off by a day, which is normal.",
        "I was afraid to ask a basic question in the channel; I asked anyway, and two "
        "others had the same one.",
        "I compared my first draft with someone else's finished work again.",
        "Sat on a pull request for a day because it did not feel good enough to show.",
    ]),
    "evidence": (["doubt", "win"], [
        "Evidence against the doubt: {n} pull requests merged this month, {small} reviews "
        "given.",
        "I read my notes from a year ago. What scared me then is routine now.",
        "My manager asked me to lead the next project. People do not do that out of pity.",
        "The feature I doubted most has the fewest support tickets.",
        "Facts, not feelings: {service} met its error budget all quarter, and I own it.",
        "Three people asked me about {topic} this week. I know more than I give myself "
        "credit for.",
    ]),
    "win": (["win"], [
        "Small win: the build is {n} seconds faster since I cached the dependencies.",
        "Closed the oldest ticket on the board.",
        "The demo went well, and the questions afterwards were about what comes next, not "
        "about what is broken.",
        "Cut the test suite from {big} minutes to {small}.",
        "A customer renewed and named {feature} as the reason.",
    ]),
    "health": (["health"], [
        "Walked at lunch instead of eating at the desk. The afternoon was better for it.",
        "Slept badly and still did decent work. I do not need perfect conditions.",
        "Logged off at six. The bug will still be there tomorrow, and so will I.",
        "Took a real day off. Nothing broke.",
        "Stopped at the end of a thought instead of the end of my energy.",
    ]),
    "learning": (["learning"], [
        "Read up on {topic} and finally understood a design decision from last year.",
        "Learned enough about {topic} today to ask better questions tomorrow.",
        "Watched {person} debug with a profiler and copied the habit.",
        "Wrote a short note on {topic} for the team wiki; writing it taught me the gaps.",
    ]),
    "planning": (["work/planning", "work"], [
        "Planning took two hours. We cut scope to what we can finish well.",
        "Wrote the design doc for {feature}. Three open questions left, fewer than "
        "yesterday.",
        "Said no to a nice-to-have so that the important part ships on time.",
        "Estimated {feature} at two weeks and said the risks out loud this time.",
    ]),
    "mentoring": (["team/1on1", "team"], [
        "In my one-on-one with {person} we talked about how to say no to extra projects.",
        "{person} asked how I decide when something is good enough. I had an answer.",
        "My mentor pointed out that I describe my own work with the word just. Just "
        "fixed, just shipped.",
    ]),
}
THEME_NAMES = list(THEMES)

THEME_TITLES = {
    "launch": ["Launch day", "Shipped {feature}", "Good enough, and out", "Release week"],
    "review": ["Review notes", "On being reviewed", "Small pull requests"],
    "bugs": ["A bug that hid for months", "Bug hunt", "The fix was four lines"],
    "oncall": ["On-call, night {small}", "After the incident", "A quiet pager"],
    "thanks": ["Thanks, {person}", "People who helped this week"],
    "doubt": ["The doubt again", "A wobbly day", "Not feeling it"],
    "evidence": ["The doubt, and the facts", "Numbers from this month", "Evidence"],
    "win": ["Small wins", "A good day", "Before the demo"],
    "health": ["A slower day", "Logged off on time", "Rest"],
    "learning": ["What I learned about {topic}", "Reading notes"],
    "planning": ["Planning week", "Cutting scope", "Design doc for {feature}"],
    "mentoring": ["One-on-one with {person}", "Mentoring notes"],
}
TITLES = ["Friday", "Monday", "Retro notes", "A long week", "Starting again", "Midweek"]

CLOSINGS = [
    "Tomorrow: write the migration and ask {person} to review it.",
    "Next step: one small pull request before lunch.",
    "Tomorrow I start again, with a shorter list.",
    "Next: write the follow-up ticket while I still remember the details.",
    "Tomorrow's first job is the thing I avoided today.",
]

DONE_INTROS = ["What went well:", "Evidence, not feelings:", "Done today:"]
DONE_ITEMS = [
    "merged the change to {feature}", "answered {person}'s question about {service}",
    "reviewed {small} pull requests", "fixed the flaky test", "wrote the release notes",
    "paired with {person}", "closed {small} tickets", "updated the runbook",
    "asked for help early", "deleted more code than I added", "said no to a meeting",
    "finished the design doc", "shipped a small fix to {feature}",
]
PLAN_INTROS = ["For tomorrow:", "Plan:", "Next week:"]
PLAN_ITEMS = [
    "write the tests for {feature}", "ask {person} about {service}", "update the runbook",
    "split the big pull request", "book an hour with {person}", "read about {topic}",
    "answer the open review comments", "write down what went well", "close two old tickets",
]

# Project code names made of three syllables: thousands of distinct words, each in a
# handful of entries, like the names and tickets that make real journals searchable.
SYLLABLES = ["ka", "lo", "mi", "ru", "te", "va", "zo", "ni", "pe", "sa", "do", "fi", "gu",
             "ha", "jo", "ber", "tan", "quil", "mor", "dex"]
CODENAME_SENTENCES = [
    "The {codename} spike taught me more than I expected.",
    "Finally closed the last {codename} ticket.",
    "{person} asked me to review the {codename} design doc.",
    "Wrote the migration plan for {codename}.",
]
EXTRA_TAGS = ["work", "team", "win", "health", "learning", "Thanks"]

INLINE_TEMPLATES = ["Filing this under #{tag}.", "More #{tag} than I expected.",
                    "(#{tag})", "A #{tag} day, on balance."]

# Hours people tend to write at, weighted: mornings, lunch, and mostly evenings.
HOURS = list(range(24))
HOUR_WEIGHTS = [1, 0, 0, 0, 0, 1, 2, 4, 5, 3, 2, 2, 5, 4, 2, 2, 3, 5, 7, 8, 9, 8, 6, 3]


_canonical = cache(canonical_tag)


@dataclass
class DemoResult:
    entries: int = 0
    starred: int = 0
    links: int = 0
    tags: int = 0
    new_tags: int = 0


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


def compose_entry(rng: random.Random) -> tuple[str | None, str, list[str], bool]:
    """``(title, body, tag display names, starred)`` for one random entry."""
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
    return title, "\n\n".join(paragraphs), tags, rng.random() < 0.1


def _timestamps(rng: random.Random, count: int, now: datetime) -> list[float]:
    """``count`` POSIX times over the past two years at plausible writing hours, oldest
    first."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    latest = now.timestamp()
    hours = rng.choices(HOURS, HOUR_WEIGHTS, k=count)
    stamps = []
    for hour in hours:
        stamp = (midnight - rng.randrange(SPAN_DAYS) * 86_400 + hour * 3_600
                 + rng.randrange(3_600))
        stamps.append(stamp if stamp <= latest else stamp - 86_400)
    stamps.sort()
    return stamps


def insert_demo_entries(owner_id: int, count: int, *, seed: int | None = None,
                        now: datetime | None = None, batch_size: int = BATCH_SIZE,
                        connection=None) -> DemoResult:
    """Insert ``count`` demo entries for ``owner_id`` in the session's transaction (the
    caller commits). Tags the owner already has are reused; a new tag is created when
    first used, dated like the oldest entry that uses it."""
    rng = random.Random(seed)
    now = now or utcnow()
    connection = connection or db.session.connection()
    entries, tags, links = Entry.__table__, Tag.__table__, EntryTag.__table__
    tag_ids: dict[str, int] = dict(connection.execute(
        select(tags.c.name, tags.c.id).where(tags.c.owner_id == owner_id)).all())
    result = DemoResult()
    insert_entries = insert(entries).returning(entries.c.id, sort_by_parameter_order=True)

    stamps = _timestamps(rng, count, now)
    for start in range(0, count, batch_size):
        rows, entry_tags = [], []
        for stamp in stamps[start:start + batch_size]:
            title, body, tag_names, starred = compose_entry(rng)
            created = datetime.fromtimestamp(stamp, UTC)
            updated = created
            if rng.random() < 0.15:  # edited later the same day or a few days on
                updated = min(now, created + timedelta(minutes=rng.randint(5, 60 * 24 * 5)))
            rows.append({"owner_id": owner_id, "title": title, "body": body,
                         "created_at": created, "updated_at": updated, "starred": starred,
                         "version": 1, "word_count": count_words(body)})
            entry_tags.append((tag_names, created))
            result.starred += starred

        for tag_names, created in entry_tags:
            for shown in tag_names:
                name = _canonical(shown)
                if name not in tag_ids:
                    tag_ids[name] = connection.execute(
                        insert(tags).returning(tags.c.id),
                        {"owner_id": owner_id, "name": name, "display_name": shown,
                         "created_at": created},
                    ).scalar_one()
                    result.new_tags += 1

        ids = connection.execute(insert_entries, rows).scalars().all()
        pairs = [{"entry_id": entry_id, "tag_id": tag_ids[_canonical(shown)]}
                 for entry_id, (tag_names, _) in zip(ids, entry_tags, strict=True)
                 for shown in tag_names]
        if pairs:
            connection.execute(insert(links), pairs)
        index_entries(connection, ids)
        result.entries += len(rows)
        result.links += len(pairs)
    result.tags = len(tag_ids)
    return result
