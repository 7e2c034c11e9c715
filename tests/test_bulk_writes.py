"""Writes over many entries commit in batches, so nobody else waits long for the
database: a tag rename or delete on many entries, and ``flask reindex``. What a user
sees afterwards is the same as with one transaction."""

import pytest
from sqlalchemy import event, select, text

from journal.extensions import db
from journal.models import Entry
from journal.search.service import SearchFilters, search
from journal.tags import services as tag_services

ENTRIES = 7


@pytest.fixture
def commits(app):
    """How many transactions were committed."""
    counted = []
    listener = lambda session: counted.append(1)  # noqa: E731
    event.listen(db.session, "after_commit", listener)
    yield counted
    event.remove(db.session, "after_commit", listener)


@pytest.fixture
def tagged(logged_in, make_entry, monkeypatch):
    monkeypatch.setattr(tag_services, "BODY_BATCH", 2)
    for number in range(ENTRIES):
        make_entry(logged_in, f"Harbour note {number} #harbour", tags="harbour")
    return logged_in


def found(owner, query: str) -> int:
    return len(search(owner, query, SearchFilters()).hits)


def test_renaming_a_tag_on_many_entries_commits_a_batch_at_a_time(client, tagged, commits):
    response = client.post("/tags/~rename/harbour", data={"new_name": "quay"})
    assert response.status_code == 302
    assert len(commits) >= ENTRIES // 2 + 1  # one per batch of two (the first with the tag)
    bodies = [entry.body for entry in db.session.scalars(select(Entry).order_by(Entry.id))]
    assert bodies == [f"Harbour note {number} #quay" for number in range(ENTRIES)]
    assert set(db.session.scalars(select(Entry.version))) == {2}
    assert found(tagged, "quay") == ENTRIES
    assert "quay" in client.get("/tags/").get_data(as_text=True)


def test_deleting_a_tag_on_many_entries_commits_a_batch_at_a_time(client, tagged, commits):
    response = client.post("/tags/~delete/harbour")
    assert response.status_code == 302
    assert len(commits) >= ENTRIES // 2 + 1
    assert "#harbour" not in " ".join(entry.body for entry in db.session.scalars(select(Entry)))
    assert found(tagged, "harbour") == ENTRIES  # the word stays, the tag goes


def test_reindex_in_batches_finds_everything_again(runner, tagged):
    table = "entries_fts" if db.engine.dialect.name == "sqlite" else "search_documents"
    db.session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
    db.session.commit()
    assert found(tagged, "harbour") == 0
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and f"Indexed {ENTRIES} entries" in result.output
    assert found(tagged, "harbour") == ENTRIES
