"""The running totals (figures per local day, entries per tag) stay exact through every
kind of write: after a random mix of them, the stored totals equal a full recount."""

import io
import json
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from journal.entries.services import create_entry, delete_entry, set_starred, set_win, update_entry
from journal.extensions import db
from journal.imports.jobs import work_available
from journal.models import DayTotal, Entry, PendingImport, Tag
from journal.tags.lookup import tags_named
from journal.totals import (
    counted_day_tags,
    counted_days,
    counted_tag_counts,
    ensure_counted,
    stored_day_tags,
    stored_days,
    stored_tag_counts,
)

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
TAGS = ["work", "work/launch", "doubt", "family", "q3", "health"]
ZONES = ["UTC", "Europe/Berlin", "America/Los_Angeles", "Pacific/Auckland", "Asia/Kolkata"]


@pytest.fixture
def config_overrides() -> dict:
    # imports of five entries or more run as jobs, two entries a batch
    return {"IMPORT_BACKGROUND_FROM": 5, "IMPORT_BATCH_SIZE": 2, "IMPORT_BATCH_PAUSE": 0}


def assert_exact(*owners) -> None:
    db.session.commit()
    for owner in owners:
        ensure_counted(owner)
        assert stored_days(owner.id) == counted_days(owner.id)
        assert stored_day_tags(owner.id) == counted_day_tags(owner.id)
        assert stored_tag_counts(owner.id) == counted_tag_counts(owner.id)


def some_moment(rng: random.Random) -> datetime:
    """Mostly the last few weeks (streaks that join and break), sometimes years back."""
    if rng.random() < 0.85:
        return NOW - timedelta(days=rng.randrange(40), minutes=rng.randrange(24 * 60))
    return NOW - timedelta(days=rng.randrange(3 * 365), minutes=rng.randrange(24 * 60))


def some_tags(rng: random.Random) -> list[tuple[str, str]]:
    return [(name, name) for name in rng.sample(TAGS, rng.randrange(3))]


def some_reframe(rng: random.Random) -> dict | None:
    if rng.random() < 0.7:
        return None
    return {"happened": "A review went badly", "critic": "I am slow",
            "belief_before": rng.choice([None, *range(11)]),
            "belief_after": rng.choice([None, *range(11)])}


def import_file(rng: random.Random, count: int) -> bytes:
    entries = []
    for number in range(count):
        moment = some_moment(rng)
        entries.append({"title": f"Imported {number}", "body": "Wrote it down. " * rng.randrange(5),
                        "date": f"{moment:%Y-%m-%d}", "time": f"{moment:%H:%M}",
                        "tags": [f"@{name}" for name in rng.sample(["work", "trip"], 1)],
                        "starred": False})
    return json.dumps({"tags": {}, "entries": entries}).encode()


def import_through_the_pages(client, data: bytes) -> None:
    response = client.post("/account/import", data={
        "file": (io.BytesIO(data), "journal.json"), "format": "detect", "timezone": "UTC"},
        content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    digest = db.session.scalar(select(PendingImport.digest))
    assert client.post("/account/import/confirm", data={"digest": digest}).status_code in (302, 303)
    work_available("test-runner")


def random_step(rng: random.Random, client, owner) -> str:
    entries = list(db.session.scalars(select(Entry).where(Entry.owner_id == owner.id)))
    tags = list(db.session.scalars(select(Tag).where(Tag.owner_id == owner.id)))
    step = rng.choice(["create"] * 4 + ["edit", "delete", "win", "star", "rename", "merge",
                                        "delete tag", "import", "zone"])
    if step in ("edit", "delete", "win", "star") and not entries:
        step = "create"
    if step in ("rename", "merge", "delete tag") and len(tags) < 2:
        step = "create"
    if step == "create":
        create_entry(owner, title=None, body="A day. " * rng.randrange(1, 30),
                     tags=some_tags(rng), created_at=some_moment(rng),
                     is_win=rng.random() < 0.3, win_part="I pushed for it.",
                     reframe=some_reframe(rng))
    elif step == "edit":
        entry = rng.choice(entries)
        update_entry(entry, title="Edited", body="Fewer words now. " * rng.randrange(1, 9),
                     tags=some_tags(rng), is_win=rng.random() < 0.5, win_part="My part.",
                     reframe=some_reframe(rng) if entry.reframe else None)
    elif step == "delete":
        delete_entry(rng.choice(entries))
    elif step == "win":
        entry = rng.choice(entries)
        set_win(entry, is_win=not entry.is_win, win_part="Mine.")
    elif step == "star":
        entry = rng.choice(entries)
        set_starred(entry, not entry.starred)
    elif step in ("rename", "merge"):
        source, target = rng.sample(tags, 2)
        new_name = target.name if step == "merge" else f"{source.name}-renamed"
        db.session.commit()
        response = client.post(f"/tags/~rename/{source.name}", data={"new_name": new_name})
        assert response.status_code in (302, 303, 400), response.status_code
    elif step == "delete tag":
        db.session.commit()
        response = client.post(f"/tags/~delete/{rng.choice(tags).name}", data={})
        assert response.status_code in (302, 303), response.status_code
    elif step == "import":
        db.session.commit()
        import_through_the_pages(client, import_file(rng, rng.choice([2, 6])))
    elif step == "zone":
        db.session.commit()
        response = client.post("/account/", data={"timezone": rng.choice(ZONES)})
        assert response.status_code in (302, 303), response.status_code
    db.session.commit()
    return step


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_totals_equal_a_full_recount_after_a_random_mix_of_writes(
        client, logged_in, other_user, make_entry, seed):
    rng = random.Random(seed)
    make_entry(other_user, "Someone else's day. #work", created_at=NOW)
    steps = []
    for _ in range(45):
        steps.append(random_step(rng, client, logged_in))
        assert_exact(logged_in, other_user)
    assert {"create", "edit", "delete", "import", "zone"} <= set(steps), steps
    assert stored_days(other_user.id) == {
        NOW.date(): counted_days(other_user.id)[NOW.date()]}


def test_a_streak_is_stored_with_each_day_and_mended_when_a_gap_fills(logged_in, make_entry):
    for days_ago in (0, 1, 3, 4, 5):
        make_entry(logged_in, "Wrote.", created_at=NOW - timedelta(days=days_ago))
    assert_exact(logged_in)
    streaks = {day: figures.streak for day, figures in stored_days(logged_in.id).items()}
    assert [streaks[(NOW - timedelta(days=n)).date()] for n in (5, 4, 3, 1, 0)] == [1, 2, 3, 1, 2]

    gap = make_entry(logged_in, "Filled the gap.", created_at=NOW - timedelta(days=2))
    assert stored_days(logged_in.id)[NOW.date()].streak == 6
    delete_entry(gap)
    db.session.commit()
    assert stored_days(logged_in.id)[NOW.date()].streak == 2
    assert_exact(logged_in)


def test_a_change_of_time_zone_counts_the_days_again(client, logged_in, make_entry):
    # 23:30 UTC is already the next day in Berlin
    make_entry(logged_in, "Late.", created_at=datetime(2026, 3, 10, 23, 30, tzinfo=UTC))
    client.post("/account/", data={"timezone": "UTC"})
    assert list(stored_days(logged_in.id)) == [date(2026, 3, 10)]
    client.post("/account/", data={"timezone": "Europe/Berlin"})
    db.session.expire_all()
    assert list(stored_days(logged_in.id)) == [date(2026, 3, 11)]
    assert_exact(logged_in)


def test_totals_of_an_account_from_before_them_are_counted_when_first_read(
        client, logged_in, make_entry):
    make_entry(logged_in, "Old. #work", created_at=NOW)
    db.session.execute(DayTotal.__table__.delete())
    db.session.execute(Tag.__table__.update().values(entry_count=0))
    db.session.execute(type(logged_in).__table__.update().values(totals_zone=None))
    db.session.commit()
    db.session.expire_all()
    client.get("/")  # the first page that reads the totals counts them
    assert_exact(logged_in)
    assert stored_days(logged_in.id)[NOW.date()].entries == 1


def test_a_recount_groups_in_the_database_and_counts_far_off_dates_one_by_one(
        client, logged_in, make_entry):
    """Entries from year 2 and from the night 1900 began (a local day that the database
    groups as well) are counted with the rest, in a zone with daylight saving."""
    for moment in (datetime(2, 3, 4, 12, tzinfo=UTC),
                   datetime(1899, 12, 31, 23, 30, tzinfo=UTC),
                   datetime(1900, 1, 1, 5, tzinfo=UTC),
                   datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
                   datetime(2026, 3, 29, 23, 30, tzinfo=UTC),
                   datetime(2999, 12, 31, 23, tzinfo=UTC)):
        make_entry(logged_in, "Far off. #work #old", created_at=moment)
    client.post("/account/", data={"timezone": "Europe/Berlin"})  # recounts everything
    db.session.expire_all()
    assert_exact(logged_in)
    days = stored_days(logged_in.id)
    assert days[date(1900, 1, 1)].entries == 2
    assert days[date(2026, 3, 29)].entries == 1 and days[date(2026, 3, 30)].entries == 1
    old = tags_named(logged_in, ["old"])["old"]
    assert stored_day_tags(logged_in.id)[(date(1900, 1, 1), old.id)] == 2
