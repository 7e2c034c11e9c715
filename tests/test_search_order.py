"""The order of search results, and how the page says it: best matches first while the
words are in few of the owner's entries, newest first when they are in too many to
rank; matches counted up to a limit. The limits are made small here so that a few
entries stand for a large journal. Every test runs on SQLite and on PostgreSQL."""

from datetime import UTC, datetime

import pytest

from journal.search import service
from journal.search.service import BEST, NEWEST, SearchFilters, search


@pytest.fixture
def app(any_backend_app):
    return any_backend_app


@pytest.fixture
def limits(monkeypatch):
    """Rank at most 3 matches, count at most 4."""
    monkeypatch.setattr(service, "RANK_LIMIT", 3)
    monkeypatch.setattr(service, "COUNT_LIMIT", 4)


def day(number: int) -> datetime:
    return datetime(2026, 5, number, 9, tzinfo=UTC)


@pytest.fixture
def standups(user, make_entry):
    """Five of Ana's entries mention the standup: the oldest most of all, in its title."""
    entries = [
        make_entry(user, "Standup standup standup: the whole hour was the standup.",
                   title="Standup marathon", tags="ops", created_at=day(1)),
        make_entry(user, "A short standup, then code.", title="Tuesday", created_at=day(2)),
        make_entry(user, "After the standup I paired with Lee.", title="Pairing",
                   tags="ops", created_at=day(3), starred=True),
        make_entry(user, "Skipped the standup for the retro.", title="Retro",
                   created_at=day(4)),
        make_entry(user, "The standup ran long.", title="Thursday", created_at=day(5)),
    ]
    make_entry(user, "Nothing about meetings today.", title="Quiet", created_at=day(6))
    return entries


def titles(results) -> list[str]:
    return [hit.entry.title for hit in results.hits]


def status_of(page: str) -> str:
    """The sentence above the results, whitespace collapsed."""
    start = page.index('role="status">') + len('role="status">')
    return " ".join(page[start:page.index("</p>", start)].split())


# --- the order --------------------------------------------------------------------------

def test_a_word_in_too_many_entries_lists_them_newest_first(user, limits, standups):
    results = search(user, "standup")

    assert results.order == NEWEST and results.too_common
    assert titles(results) == ["Thursday", "Retro", "Pairing", "Tuesday", "Standup marathon"]
    assert results.matches is None


def test_a_word_in_few_entries_lists_the_best_matches_first(user, limits, standups,
                                                            make_entry):
    make_entry(user, "Coffee with the new hire.", title="Onboarding", created_at=day(7))
    make_entry(user, "Coffee coffee coffee: espresso machine fixed.", title="Coffee fixed",
               created_at=day(2))

    results = search(user, "coffee")

    assert results.order == BEST and not results.too_common
    assert titles(results) == ["Coffee fixed", "Onboarding"]  # the older one matches better
    assert results.matches == 2


def test_without_the_limits_a_common_word_is_still_ranked(user, standups):
    results = search(user, "standup")

    assert results.order == BEST
    assert titles(results)[0] == "Standup marathon"


def test_all_the_words_together_decide_the_order(user, limits, standups):
    """standup is in five entries, standup with retro in one: that one is ranked."""
    assert search(user, "standup retro").order == BEST
    assert search(user, "standup OR retro").order == NEWEST
    assert search(user, "standup -retro").order == NEWEST  # four left
    assert search(user, "standup -retro -pairing").order == BEST  # three left


def test_filters_apply_in_the_newest_first_order(user, limits, standups):
    assert titles(search(user, "standup tag:ops")) == ["Pairing", "Standup marathon"]
    assert titles(search(user, "standup", SearchFilters(tags=("ops",)))) == [
        "Pairing", "Standup marathon"]
    assert titles(search(user, "standup is:starred")) == ["Pairing"]
    assert titles(search(user, "standup -code")) == [
        "Thursday", "Retro", "Pairing", "Standup marathon"]
    assert titles(search(user, "standup before:2026-05-03 after:2026-05-01")) == ["Tuesday"]
    assert titles(search(user, "standup", SearchFilters(start=day(4).date()))) == [
        "Thursday", "Retro"]


@pytest.mark.parametrize("query", ["standup", "retro", ""])
def test_a_tag_the_owner_does_not_have_matches_nothing(user, other_user, limits, standups,
                                                       make_entry, query):
    make_entry(other_user, "Bo's standup.", title="Bo private", tags="bo-only")

    for tag in ("nosuch", "bo-only"):
        assert search(user, f"{query} tag:{tag}").hits == []
        assert search(user, query, SearchFilters(tags=(tag,))).hits == []
    assert titles(search(other_user, "tag:bo-only")) == ["Bo private"]


@pytest.mark.parametrize(("rank_limit", "order"), [(3, NEWEST), (5, BEST)])
def test_pages_follow_on_in_either_order(user, monkeypatch, standups, rank_limit, order):
    monkeypatch.setattr(service, "RANK_LIMIT", rank_limit)
    monkeypatch.setattr(service, "COUNT_LIMIT", 2)
    pages = [search(user, "standup", page=number, per_page=2) for number in (1, 2, 3, 4)]
    everything = search(user, "standup", per_page=10)

    assert {page.order for page in pages} == {everything.order} == {order}
    assert [len(page.hits) for page in pages] == [2, 2, 1, 0]
    assert [page.has_next for page in pages] == [True, True, False, False]
    assert sum((titles(page) for page in pages), []) == titles(everything)


# --- another user's entries never count -----------------------------------------------------

def test_another_users_entries_neither_count_nor_change_the_order(user, other_user, limits,
                                                                  make_entry):
    for number in range(1, 8):
        make_entry(other_user, f"Bo's standup number {number}.", title=f"Bo {number}",
                   created_at=day(number))
    make_entry(user, "A standup standup standup, finally useful.", title="Useful",
               created_at=day(1))
    make_entry(user, "The standup moved.", title="Moved", created_at=day(9))

    mine = search(user, "standup")
    theirs = search(other_user, "standup")

    assert mine.order == BEST and mine.matches == 2
    assert titles(mine) == ["Useful", "Moved"]
    assert theirs.order == NEWEST and theirs.too_common
    assert titles(theirs) == [f"Bo {number}" for number in range(7, 0, -1)]


def test_newest_first_never_lists_another_users_entries(user, other_user, limits, standups,
                                                        make_entry):
    make_entry(other_user, "Bo's standup, the newest of all.", title="Bo private",
               created_at=day(20))

    results = search(user, "standup", per_page=50)

    assert results.order == NEWEST
    assert "Bo private" not in titles(results)
    assert all(hit.entry.owner_id == user.id for hit in results.hits)


# --- what the page says -------------------------------------------------------------------------

def test_the_page_says_newest_first_and_why(client, logged_in, limits, standups):
    page = client.get("/search", query_string={"q": "standup"}).get_data(as_text=True)

    assert status_of(page) == ("Newest first: this word is in more than 3 of your entries, "
                               "too many to put the best matches first. "
                               "Another word narrows them down.")
    several = client.get("/search", query_string={"q": "standup OR retro"}).get_data(
        as_text=True)
    assert "these words are in more than 3 of your entries" in status_of(several)


def test_the_page_says_best_matches_first_with_the_count(client, logged_in, limits,
                                                         standups):
    page = client.get("/search", query_string={"q": "retro"}).get_data(as_text=True)
    assert status_of(page) == "1 entry matches. Best matches first."

    page = client.get("/search", query_string={"q": "standup retro OR code"}).get_data(
        as_text=True)
    assert status_of(page) == "2 entries match. Best matches first."


def test_the_count_is_approximate_above_its_limit(client, logged_in, monkeypatch, standups):
    monkeypatch.setattr(service, "COUNT_LIMIT", 4)
    page = client.get("/search", query_string={"q": "standup"}).get_data(as_text=True)
    assert status_of(page) == "More than 4 entries match. Best matches first."

    monkeypatch.setattr(service, "COUNT_LIMIT", 5)
    page = client.get("/search", query_string={"q": "standup"}).get_data(as_text=True)
    assert status_of(page) == "5 entries match. Best matches first."


def test_filters_alone_list_newest_first_without_a_count(client, logged_in, limits,
                                                          standups):
    page = client.get("/search", query_string={"q": "tag:ops"}).get_data(as_text=True)
    assert status_of(page) == "Newest first."


def test_a_second_page_links_back_to_newer_or_better_matches(client, logged_in, monkeypatch,
                                                             make_entry):
    monkeypatch.setattr(service, "RANK_LIMIT", 21)
    for number in range(1, 23):
        make_entry(logged_in, f"Daily standup {number}.", title=f"Standup {number}",
                   created_at=datetime(2026, 6, number, tzinfo=UTC))

    newest = client.get("/search", query_string={"q": "standup", "page": 2}).get_data(
        as_text=True)
    assert status_of(newest).startswith("Page 2. Newest first: this word is in more than 21")
    assert "← Newer" in newest and "Standup 2<" in newest and "Standup 22<" not in newest

    monkeypatch.setattr(service, "RANK_LIMIT", 22)
    best = client.get("/search", query_string={"q": "standup", "page": 2}).get_data(
        as_text=True)
    assert status_of(best) == "Page 2. 22 entries match. Best matches first."
    assert "← Better matches" in best and "More results" not in best
