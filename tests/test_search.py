"""Full-text search: the query language, relevance, filters, isolation, and the index
staying right through every change. Every test runs on SQLite (FTS5) and on
PostgreSQL (tsvector), behind the same search service."""

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from journal.extensions import db
from journal.fulltext.index import rebuild_index
from journal.search.service import SearchFilters, search
from tests.conftest import OTHER_PASSWORD


@pytest.fixture
def app(any_backend_app):
    return any_backend_app


@pytest.fixture
def journal(user, other_user, make_entry):
    """Ana's entries, and Bo's, which must never show up for Ana."""
    day = lambda d: datetime(2026, 3, d, 12, tzinfo=UTC)  # noqa: E731
    entries = {
        "launch": make_entry(user, "We shipped the launch on time. Café celebrations.",
                             title="Launch day", tags="work/launch", created_at=day(1)),
        "review": make_entry(user, "The code review was harsh but fair; docker-compose broke.",
                             title="Review", tags="work", created_at=day(5)),
        "doubt": make_entry(user, "I doubt the deployment plan will hold.",
                            title="Plan worries", tags="doubt", created_at=day(10),
                            starred=True),
        "bo": make_entry(other_user, "launch secret deployment zeppelin", title="Bo private",
                         tags="work/launch", created_at=day(2)),
    }
    entries["win"] = make_entry(user, "Mentored Sam through the deployment.",
                                title="Mentoring", created_at=day(12))
    entries["win"].is_win, entries["win"].win_part = True, "I paired every evening."
    db.session.commit()
    rebuild_index(db.session.connection())  # the win's part is indexed too
    db.session.commit()
    return entries


def titles(owner, query, **filters) -> list[str]:
    return [hit.entry.title for hit in search(owner, query, SearchFilters(**filters)).hits]


# --- the query language -----------------------------------------------------------------

def test_plain_words_must_all_match(user, journal):
    assert titles(user, "shipped launch") == ["Launch day"]
    assert titles(user, "shipped review") == []


def test_words_match_without_case_or_diacritics(user, journal):
    assert titles(user, "CAFE") == ["Launch day"]
    assert titles(user, "café") == ["Launch day"]


def test_a_quoted_phrase_must_match_in_order(user, journal):
    assert titles(user, '"code review"') == ["Review"]
    assert titles(user, '"review code"') == []


def test_or_matches_either(user, journal):
    assert sorted(titles(user, "shipped OR harsh")) == ["Launch day", "Review"]


def test_minus_excludes(user, journal):
    assert "Plan worries" not in titles(user, "deployment -doubt")
    assert titles(user, "-launch -review -deployment") == []


def test_prefix_search(user, journal):
    assert titles(user, "deploy*") == ["Mentoring", "Plan worries"]


def test_filters_in_the_query(user, journal):
    assert titles(user, "tag:work") == ["Review", "Launch day"]  # children included, newest first
    assert titles(user, "is:starred") == ["Plan worries"]
    assert titles(user, "is:win") == ["Mentoring"]
    assert titles(user, "after:2026-03-04 before:2026-03-11") == ["Plan worries", "Review"]


def test_a_tag_filter_tells_tags_apart_by_their_symbols(client, logged_in, make_entry):
    day = lambda d: datetime(2026, 4, d, 12, tzinfo=UTC)  # noqa: E731
    make_entry(logged_in, "Pointers.", title="Plain", tags="c", created_at=day(1))
    make_entry(logged_in, "Templates.", title="Plus", tags="c++", created_at=day(2))
    make_entry(logged_in, "LINQ.", title="Sharp", tags="C#", created_at=day(3))
    make_entry(logged_in, "Runtime.", title="Dotnet", tags=".NET/core", created_at=day(4))

    assert titles(logged_in, "tag:c") == ["Plain"]
    assert titles(logged_in, "tag:c++") == ["Plus"]
    assert titles(logged_in, "tag:C#") == ["Sharp"]
    assert titles(logged_in, "tag:#c#") == ["Sharp"]
    assert titles(logged_in, "tag:.net") == ["Dotnet"]
    assert titles(logged_in, "", tags=("c#",)) == ["Sharp"]
    page = client.get("/search", query_string={"q": "", "tag": "c#"}).get_data(as_text=True)
    assert "Sharp" in page and "Plus" not in page and "Plain" not in page


def test_page_filters_combine_with_the_query(user, journal):
    assert titles(user, "", tags=("work",), start=datetime(2026, 3, 2).date()) == ["Review"]
    assert titles(user, "deployment", win=True) == ["Mentoring"]


def test_relevance_ranks_title_matches_first_and_recency_breaks_ties(user, make_entry, journal):
    make_entry(user, "mentions deployment only in passing", title="Later note",
               created_at=datetime(2026, 3, 20, tzinfo=UTC))
    make_entry(user, "deployment deployment plan", title="Deployment retro",
               created_at=datetime(2026, 3, 15, tzinfo=UTC))
    assert titles(user, "deployment")[0] == "Deployment retro"


def test_tags_reframe_fields_and_win_parts_are_searchable(user, client, login, journal):
    assert titles(user, "paired") == ["Mentoring"]
    login(user)
    client.post("/entries/new", data={"kind": "reframe", "happened": "The zeppelin demo",
                                      "critic": "I froze", "salesperson": "They bought it"})
    hits = search(user, "zeppelin").hits
    assert [hit.entry.reframe.happened for hit in hits] == ["The zeppelin demo"]


# --- odd input never breaks --------------------------------------------------------------

ODD = ['"unbalanced', "don't", "docker-compose", "NEAR(", "*", "^", "' OR 1=1 --",
       "x" * 10_000, "AND OR NOT", "tag:", "tag:bad tag", "before:yesterday", "is:nothing",
       "(", ")", ":", '""', "-", "--", "\\", "%", "_", "\x00", "🙂", "{title}: x", "a:b:c"]


@pytest.mark.parametrize("query", ODD)
def test_odd_queries_answer_a_results_page(client, logged_in, journal, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    assert "Bo private" not in results_of(response.get_data(as_text=True))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_no_query_makes_search_raise(user, journal, query):
    results = search(user, query)
    assert all(hit.entry.owner_id == user.id for hit in results.hits)


# --- isolation -----------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["zeppelin", "zepp*", "secret OR launch", "launch",
                                   '"launch secret"', "tag:work/launch", "-shipped"])
def test_another_users_words_never_appear(client, logged_in, journal, query):
    page = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    results = results_of(page)
    assert "zeppelin" not in results and "Bo private" not in results
    assert "secret" not in results


def results_of(page: str) -> str:
    """The list of hits, without the search box and messages that repeat the query."""
    if 'class="entry-list search-hits"' not in page:
        return ""
    return page.split('class="entry-list search-hits"', 1)[1].split("</ol>", 1)[0]


def test_the_other_user_finds_only_their_own(app, journal):
    client = app.test_client()
    client.post("/auth/login", data={"username": "bo", "password": OTHER_PASSWORD})
    page = client.get("/search", query_string={"q": "launch OR deployment"}).get_data(
        as_text=True)
    assert "Bo private" in page and "Launch day" not in page and "Plan worries" not in page


# --- snippets ---------------------------------------------------------------------------------

def test_snippets_highlight_matches_and_escape_user_text(client, logged_in, make_entry):
    make_entry(logged_in, "<script>alert(1)</script> the rollout went fine", title="XSS")
    page = client.get("/search", query_string={"q": "rollout"}).get_data(as_text=True)
    assert "<mark>rollout</mark>" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page


# --- the index keeps up ---------------------------------------------------------------------

def test_edits_deletes_and_tag_renames_keep_the_index_right(client, logged_in, journal):
    launch = journal["launch"]
    client.post(f"/entries/{launch.id}/edit", data={
        "title": "Launch day", "body": "We shipped the rocket.", "tags": "work/launch",
        "version": "1"})
    assert titles(logged_in, "rocket") == ["Launch day"]
    assert titles(logged_in, "celebrations") == []

    client.post("/tags/~rename/work", data={"new_name": "job"})
    assert titles(logged_in, "tag:job") == ["Review", "Launch day"]
    assert sorted(titles(logged_in, "job")) == ["Launch day", "Review"]
    assert titles(logged_in, "tag:work") == []

    client.post(f"/entries/{launch.id}/delete")
    assert titles(logged_in, "rocket") == []
    assert "Launch day" not in titles(logged_in, "job")


def test_a_deleted_account_leaves_nothing_in_the_index(user, other_user, journal):
    gone = other_user.id
    db.session.delete(other_user)
    db.session.commit()
    table = "entries_fts" if db.engine.dialect.name == "sqlite" else "search_documents"
    column = "owner_id"
    left = db.session.execute(text(f"SELECT count(*) FROM {table} WHERE {column} = :o"),
                              {"o": gone}).scalar()
    assert left == 0


def test_reindex_rebuilds_from_the_entries(runner, user, journal):
    table = "entries_fts" if db.engine.dialect.name == "sqlite" else "search_documents"
    db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()
    assert titles(user, "launch") == []
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and "Indexed 5 entries" in result.output
    assert titles(user, "launch") == ["Launch day"]


# --- the page ---------------------------------------------------------------------------------

def test_the_search_page_keeps_the_query_in_the_address(client, logged_in, journal):
    page = client.get("/search", query_string={"q": "deployment", "tag": "doubt",
                                               "starred": "y"}).get_data(as_text=True)
    assert 'value="deployment"' in page and "Plan worries" in page and "Mentoring" not in page
    assert '<datalist id="tag-suggestions">' in page and '<option value="doubt">' in page


def test_bad_filters_are_explained_not_fatal(client, logged_in, journal):
    response = client.get("/search", query_string={"q": "deployment", "start": "2026-13-01",
                                                   "tag": "bad tag!"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Not a valid date value" in page and "is not a valid tag" in page
    assert "Plan worries" in page


def test_search_needs_a_login(client):
    assert client.get("/search?q=x").status_code == 302
