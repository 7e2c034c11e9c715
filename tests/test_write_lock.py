"""A save that meets the database's write lock held elsewhere waits its bounded time and
then says so with the text kept (503), never 500; once the lock is free it saves."""

import sqlite3

import pytest
from sqlalchemy import select

from journal import database
from journal.extensions import db
from journal.models import Entry
from journal.ownership import owned
from tests.conftest import PASSWORD

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def database_file(database):
    return database


@pytest.fixture
def locked(app, database_file, monkeypatch):
    """Another connection holding SQLite's write lock; this app waits 0.2 s for it."""
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    db.session.commit()
    db.engine.dispose()  # new connections take the short timeout
    holder = sqlite3.connect(database_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield holder
    holder.rollback()
    holder.close()


def test_a_save_that_cannot_get_the_lock_keeps_the_text(client, logged_in, locked):
    response = client.post("/entries/new", data={
        "title": "Harbour", "body": "The quokka parser shipped today.", "tags": "work"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "could not save this just now" in page and "Nothing is lost" in page
    assert "The quokka parser shipped today." in page and 'value="Harbour"' in page

    locked.rollback()
    response = client.post("/entries/new", data={
        "title": "Harbour", "body": "The quokka parser shipped today.", "tags": "work"})
    assert response.status_code == 302
    assert [entry.body for entry in db.session.scalars(owned(Entry, logged_in))] == [
        "The quokka parser shipped today."]


def test_an_edit_that_cannot_get_the_lock_keeps_the_text(client, logged_in, make_entry,
                                                         database_file, monkeypatch):
    entry_id = make_entry(logged_in, "First words.").id
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    db.session.commit()
    db.engine.dispose()
    holder = sqlite3.connect(database_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = client.post(f"/entries/{entry_id}/edit", data={
            "body": "Second, better words.", "version": "1"})
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503
    assert "Second, better words." in response.get_data(as_text=True)
    assert db.session.scalar(select(Entry)).body == "First words."


def test_a_sign_in_that_cannot_get_the_lock_keeps_the_username(client, user, locked):
    response = client.post("/auth/login", data={"username": "ana", "password": PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "could not sign you in just now" in page and 'value="ana"' in page
    assert PASSWORD not in page

    locked.rollback()
    response = client.post("/auth/login", data={"username": "ana", "password": PASSWORD})
    assert response.status_code == 302
