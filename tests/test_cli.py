"""The flask commands: ``create-user`` and ``demo-data``."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from journal.demo import insert_demo_entries, span_days
from journal.entries.reflection import streak
from journal.entries.services import count_words
from journal.extensions import db
from journal.models import REFRAME, Entry, EntryTag, Reframe, Tag, User
from journal.ownership import owned
from journal.search.service import search
from journal.tags.names import inline_tags

GOOD_PASSWORD = "plenty of quiet evenings"


def create_user(runner, *args, password=GOOD_PASSWORD):
    return runner.invoke(args=["create-user", *args, "--password-stdin"], input=password + "\n")


def stored(name: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == name))


def test_create_user_stores_the_account_under_its_canonical_name(runner):
    result = create_user(runner, "Ana.Lima")

    assert result.exit_code == 0, result.output
    user = stored("ana.lima")
    assert user is not None
    assert user.display_name == "Ana.Lima"
    assert user.password_hash.startswith("$argon2id$")
    assert "Ana.Lima" in result.output


def test_the_first_account_is_the_administrator_and_later_ones_are_not(runner):
    assert create_user(runner, "first").exit_code == 0
    assert create_user(runner, "second").exit_code == 0

    assert stored("first").is_admin
    assert not stored("second").is_admin


def test_admin_flag_makes_a_later_account_an_administrator(runner, user):
    result = create_user(runner, "helper", "--admin")

    assert result.exit_code == 0, result.output
    assert stored("helper").is_admin
    assert "administrator" in result.output


def test_password_is_prompted_twice_without_echo(runner):
    result = runner.invoke(args=["create-user", "cleo"],
                           input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")

    assert result.exit_code == 0, result.output
    assert GOOD_PASSWORD not in result.output
    assert stored("cleo") is not None


def test_a_taken_name_is_refused_whatever_its_case(runner, user):
    result = create_user(runner, user.username.upper())

    assert result.exit_code != 0
    assert "taken" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_a_common_password_is_refused(runner):
    result = create_user(runner, "dana", password="password1234")

    assert result.exit_code != 0
    assert "Choose something less common" in result.output
    assert "Traceback" not in result.output
    assert stored("dana") is None


def test_a_short_password_is_refused(runner):
    result = create_user(runner, "dana", password="short")

    assert result.exit_code != 0
    assert "at least" in result.output
    assert stored("dana") is None


def test_a_name_with_spaces_is_refused(runner):
    result = create_user(runner, "two words")

    assert result.exit_code == 2
    assert "without spaces" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def count_for(model, owner) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(owned(model, owner).subquery()))


def test_demo_data_fills_only_the_named_account(runner, user, other_user):
    result = runner.invoke(args=["demo-data", "--user", "ANA", "--entries", "300",
                                 "--seed", "7"])

    assert result.exit_code == 0, result.output
    assert "300 entries" in result.output
    assert count_for(Entry, user) == 300
    assert count_for(Entry, other_user) == 0
    assert count_for(Tag, other_user) == 0

    entries = db.session.scalars(owned(Entry, user)).all()
    tagged = [entry for entry in entries if entry.tags]
    assert len(tagged) > 200
    assert all(len(entry.tags) <= 4 for entry in entries)
    assert any("/" in tag.name for entry in tagged for tag in entry.tags)
    assert any(entry.title for entry in entries) and any(not entry.title for entry in entries)
    assert 0 < sum(entry.starred for entry in entries) < 100
    assert len({entry.body for entry in entries}) > 250
    for entry in entries:
        assert entry.created_at.tzinfo is not None
        assert entry.updated_at >= entry.created_at
        # inline #tags in a body are always among the entry's tags
        assert {name for name, _ in inline_tags(entry.body)} <= {tag.name for tag in entry.tags}
    days = {entry.created_at.date() for entry in entries}
    assert (max(days) - min(days)).days > 365


def test_demo_data_fills_the_wins_reframes_and_insights_pages(runner, client, user, login):
    result = runner.invoke(args=["demo-data", "--user", "ana", "--entries", "400",
                                 "--seed", "3"])
    assert result.exit_code == 0, result.output
    login(user)

    wins_page = client.get("/wins/").get_data(as_text=True)
    assert wins_page.count('class="win"') >= 10 and "Your part:" in wins_page
    reframes_page = client.get("/entries/?kind=reframe").get_data(as_text=True)
    assert reframes_page.count('class="entry-card') >= 10
    insights = client.get("/insights/?range=all").get_data(as_text=True)
    assert 'id="chart-belief-title"' in insights and "No reframes in this range" not in insights
    assert 'id="chart-themes-title"' in insights  # prompts answered, by theme
    assert "Tick \"This was a win\"" not in insights


def test_demo_wins_are_exactly_the_entries_tagged_win(runner, user):
    result = runner.invoke(args=["demo-data", "--user", "ana", "--entries", "400",
                                 "--seed", "5"])
    assert result.exit_code == 0, result.output

    entries = db.session.scalars(owned(Entry, user)).all()
    wins = [entry for entry in entries if entry.is_win]
    tagged = [entry for entry in entries if "win" in {tag.name for tag in entry.tags}]
    assert wins and {entry.id for entry in wins} == {entry.id for entry in tagged}
    assert f"{len(wins)} wins" in result.output
    with_part = [entry for entry in wins if entry.win_part]
    assert len(with_part) > len(wins) * 0.7
    assert all(entry.win_part.startswith("I ") for entry in with_part)


def test_demo_reframes_prompts_and_stars_are_real(runner, user):
    result = runner.invoke(args=["demo-data", "--user", "ana", "--entries", "400",
                                 "--seed", "5"])
    assert result.exit_code == 0, result.output

    entries = db.session.scalars(owned(Entry, user)).all()
    reframes = [entry for entry in entries if entry.kind == REFRAME]
    assert reframes and all(entry.reframe is not None for entry in reframes)
    assert all(entry.reframe is None for entry in entries if entry.kind != REFRAME)
    for entry in reframes:
        guided = entry.reframe
        assert all(getattr(guided, name) for name in Reframe.TEXT_FIELDS)
        assert 0 <= guided.belief_after <= guided.belief_before <= 10
        assert entry.display_title != "Untitled entry"
        assert entry.word_count == count_words(
            entry.body, entry.win_part, *[getattr(guided, n) for n in Reframe.TEXT_FIELDS])

    answers = [entry for entry in entries if entry.prompt_id is not None]
    assert answers
    for entry in answers:
        assert entry.prompt.owner_id is None and entry.prompt_text == entry.prompt.text
    assert len({entry.prompt.theme for entry in answers}) >= 5
    assert 0 < sum(entry.starred for entry in entries) < len(entries) / 4

    # Words only ever written in a win's part or a reframe's fields are found.
    hits = [hit.entry for hit in search(user, "rehearsed OR verdict", per_page=100).hits]
    assert any(entry.is_win for entry in hits) and any(entry.reframe for entry in hits)
    assert all("rehearsed" not in entry.body and "verdict" not in entry.body for entry in hits)


def test_demo_data_is_the_same_for_the_same_seed(app, user, other_user):
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    for owner in (user, other_user):
        insert_demo_entries(owner.id, 150, seed=11, now=now, batch_size=40)
    db.session.commit()

    def summary(owner):
        return [(entry.title, entry.body, entry.created_at, [tag.name for tag in entry.tags],
                 entry.starred, entry.is_win, entry.win_part, entry.kind, entry.prompt_text,
                 entry.reframe and (entry.reframe.happened, entry.reframe.belief_before,
                                    entry.reframe.belief_after))
                for entry in db.session.scalars(owned(Entry, owner).order_by(Entry.id))]

    assert summary(user) == summary(other_user)


def test_demo_data_spreads_over_the_years_asked_for(runner, user):
    result = runner.invoke(args=["demo-data", "--user", "ana", "--entries", "400",
                                 "--years", "6", "--seed", "2"])

    assert result.exit_code == 0, result.output
    assert "400 entries" in result.output and "over 6 years" in result.output
    days = [entry.created_at for entry in db.session.scalars(owned(Entry, user))]
    assert timedelta(days=5 * 365) < max(days) - min(days) < timedelta(days=6 * 366)
    assert max(days) <= datetime.now(UTC)


def test_a_dense_demo_journal_has_an_entry_every_day(app, user):
    """Many entries a year: a streak as long as the journal, ending today."""
    now = datetime(2026, 6, 1, 20, tzinfo=UTC)
    insert_demo_entries(user.id, 3_000, seed=1, years=1, now=now)
    db.session.commit()

    assert streak(user, today=now.date()).days == span_days(1) == 365


def test_a_sparse_demo_journal_keeps_its_gaps(app, user):
    now = datetime(2026, 6, 1, 20, tzinfo=UTC)
    insert_demo_entries(user.id, 300, seed=1, now=now)
    db.session.commit()

    days = {entry.created_at.date() for entry in db.session.scalars(owned(Entry, user))}
    assert 200 < len(days) < span_days(2) / 2
    assert streak(user, today=now.date()).days < 30


def test_demo_data_creates_only_tags_it_uses(runner, user):
    result = runner.invoke(args=["demo-data", "--user", "ana", "--entries", "50"])

    assert result.exit_code == 0, result.output
    used = select(EntryTag.tag_id).distinct()
    assert count_for(Tag, user) == len(db.session.scalars(used).all())


def test_demo_data_reuses_tags_the_account_already_has(runner, user, make_entry):
    make_entry(user, "Already here.", tags="win, work/launch")

    for seed in (1, 2):
        result = runner.invoke(args=["demo-data", "--user", "ana", "--entries", "200",
                                     "--seed", str(seed)])
        assert result.exit_code == 0, result.output

    names = [tag.name for tag in db.session.scalars(owned(Tag, user))]
    assert len(names) == len(set(names))
    assert count_for(Entry, user) == 401


def test_demo_data_refuses_an_unknown_account(runner, user):
    result = runner.invoke(args=["demo-data", "--user", "nobody", "--entries", "10"])

    assert result.exit_code == 1
    assert "no account named 'nobody'" in result.output
    assert count_for(Entry, user) == 0


def test_demo_data_refuses_a_count_out_of_range(runner, user):
    for count in ("0", "-5", "1000001", "many"):
        result = runner.invoke(args=["demo-data", "--user", "ana", "--entries", count])
        assert result.exit_code == 2, (count, result.output)
        assert "--entries" in result.output
    assert count_for(Entry, user) == 0


def test_demo_data_refuses_years_out_of_range(runner, user):
    for years in ("0", "51", "-2", "ten"):
        result = runner.invoke(args=["demo-data", "--user", "ana", "--entries", "10",
                                     "--years", years])
        assert result.exit_code == 2, (years, result.output)
        assert "Invalid value for '--years'" in result.output
    assert count_for(Entry, user) == 0
