"""Reframe entries (the two-lens form with belief ratings) and wins on entries."""

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.models import Entry, Reframe
from journal.ownership import owned

REFRAME = {
    "kind": "reframe",
    "title": "",
    "happened": "The demo crashed in front of the client.",
    "belief_before": "8",
    "critic": "I am not good enough to run demos. #doubt",
    "evidence_for": "It crashed.",
    "evidence_against": "Last four demos went fine; the crash was a config issue.",
    "salesperson": "The client still signed; they liked the roadmap.",
    "in_control": "Checking the config beforehand.",
    "not_in_control": "The venue network.",
    "next_step": "Add a pre-demo checklist.",
    "belief_after": "3",
    "body": "",
    "tags": "work/demo",
}


def test_a_reframe_is_saved_with_its_fields_and_ratings(client, logged_in):
    response = client.post("/entries/new", data=REFRAME)
    entry = db.session.scalar(owned(Entry, logged_in))
    assert response.headers["Location"] == f"/entries/{entry.id}"
    assert entry.kind == "reframe" and entry.is_reframe
    reframe = entry.reframe
    assert reframe.happened == REFRAME["happened"]
    assert (reframe.belief_before, reframe.belief_after) == (8, 3)
    assert sorted(tag.name for tag in entry.tags) == ["doubt", "work/demo"]
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    for label in ("The engineer's lens", "The salesperson's lens",
                  "What a salesperson would see", "The next step for tomorrow"):
        assert label in page
    assert "8 / 10" in page and "3 / 10" in page and "−5" in page
    assert "The client still signed" in page


def test_the_reframe_form_asks_for_both_lenses(client, logged_in):
    page = client.get("/entries/new?kind=reframe").get_data(as_text=True)
    for name in ("happened", "critic", "evidence_for", "evidence_against", "salesperson",
                 "in_control", "not_in_control", "next_step", "belief_before",
                 "belief_after"):
        assert f'name="{name}"' in page
    assert 'type="number"' in page and 'min="0"' in page and 'max="10"' in page


@pytest.mark.parametrize("rating", ["11", "-1", "eight"])
def test_a_rating_outside_0_to_10_is_refused_and_the_text_stays(client, logged_in, rating):
    response = client.post("/entries/new", data={**REFRAME, "belief_before": rating})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The demo crashed in front of the client." in page
    assert "The client still signed" in page
    assert db.session.scalar(owned(Entry, logged_in)) is None


def test_a_reframe_needs_what_happened_and_the_harsh_reading(client, logged_in):
    response = client.post("/entries/new", data={**REFRAME, "happened": "", "critic": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Describe what happened first." in page and "Write down the harsh reading." in page


def test_editing_a_reframe_keeps_it_a_reframe(client, logged_in):
    client.post("/entries/new", data=REFRAME)
    entry = db.session.scalar(owned(Entry, logged_in))
    form = client.get(f"/entries/{entry.id}/edit").get_data(as_text=True)
    assert "The venue network." in form and 'value="8"' in form
    response = client.post(f"/entries/{entry.id}/edit", data={
        **REFRAME, "belief_after": "2", "kind": "note", "version": "1"})
    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.kind == "reframe" and entry.reframe.belief_after == 2


def test_reframes_are_listed_on_their_own(client, logged_in, make_entry):
    make_entry(logged_in, "an ordinary note", title="Ordinary")
    client.post("/entries/new", data={**REFRAME, "title": "The demo"})
    page = client.get("/entries/?kind=reframe").get_data(as_text=True)
    assert "The demo" in page and "Ordinary" not in page
    assert "Ordinary" in client.get("/entries/?kind=bogus").get_data(as_text=True)


def test_a_reframe_entry_shows_only_the_owners_wins_as_evidence(app, client, logged_in,
                                                               other_user, make_entry):
    mine = make_entry(logged_in, "Shipped the demo tooling", tags="work/demo")
    mine.is_win, mine.win_part = True, "I wrote the tooling."
    theirs = make_entry(other_user, "Bo's secret triumph", tags="work/demo")
    theirs.is_win = True
    db.session.commit()
    client.post("/entries/new", data=REFRAME)
    entry = db.session.scalar(owned(Entry, logged_in).where(Entry.kind == "reframe"))
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "Shipped the demo tooling" in page
    assert "secret triumph" not in page


def test_deleting_a_reframe_removes_its_fields(client, logged_in):
    client.post("/entries/new", data=REFRAME)
    entry = db.session.scalar(owned(Entry, logged_in))
    client.post(f"/entries/{entry.id}/delete")
    assert db.session.scalar(select(Reframe)) is None


# --- wins ------------------------------------------------------------------------------

def test_marking_a_win_asks_for_the_users_part(client, logged_in):
    page = client.get("/entries/new").get_data(as_text=True)
    assert 'name="is_win"' in page and 'name="win_part"' in page
    assert "not the luck" in page
    client.post("/entries/new", data={"body": "Closed the migration.", "is_win": "y",
                                      "win_part": "I planned the cut-over."})
    entry = db.session.scalar(owned(Entry, logged_in))
    assert entry.is_win and entry.win_part == "I planned the cut-over."
    detail = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "your part in it" in detail.lower() and "I planned the cut-over." in detail


def test_unticking_a_win_keeps_the_text(client, logged_in):
    client.post("/entries/new", data={"body": "b", "is_win": "y", "win_part": "my part"})
    entry = db.session.scalar(owned(Entry, logged_in))
    client.post(f"/entries/{entry.id}/edit", data={"body": "b", "win_part": "my part",
                                                   "version": "1"})
    db.session.refresh(entry)
    assert not entry.is_win and entry.win_part == "my part"


def test_a_conflict_on_a_reframe_keeps_every_guided_field(client, logged_in):
    client.post("/entries/new", data=REFRAME)
    entry = db.session.scalar(owned(Entry, logged_in))
    client.post(f"/entries/{entry.id}/edit", data={**REFRAME, "version": "1"})
    stale = client.post(f"/entries/{entry.id}/edit", data={
        **REFRAME, "salesperson": "Typed in the other tab", "version": "1"})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Typed in the other tab" in page and "The venue network." in page
    assert 'name="version" type="hidden" value="2"' in page
