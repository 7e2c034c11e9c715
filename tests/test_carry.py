"""Keeping the text of an entry form the server refused: an ended sign-in or a stale
CSRF token never loses what was typed, and never saves it behind the user's back."""

import pytest
from sqlalchemy import func, select

from journal.extensions import db
from journal.models import Entry, UserSession
from tests.conftest import OTHER_PASSWORD, PASSWORD, csrf_token_from


def entry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Entry))


def end_every_session() -> None:
    db.session.execute(UserSession.__table__.delete())
    db.session.commit()


def sign_in_carrying(client, draft: dict, **extra):
    return client.post("/auth/login", data={
        "username": "ana", "password": PASSWORD,
        **{f"carry_{name}": value for name, value in draft.items()}, **extra})


def test_an_edit_posted_after_the_sign_in_ended_comes_back_to_that_entry(
        client, user, login, make_entry):
    entry = make_entry(user, "The plan as it was.")
    login(user)
    end_every_session()

    response = client.post(f"/entries/{entry.id}/edit", data={
        "title": "", "body": "The plan, rewritten at midnight.", "tags": "", "version": "1"})

    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "The plan, rewritten at midnight." in page
    assert f'name="carry_action" value="/entries/{entry.id}/edit"' in page
    resumed = sign_in_carrying(client, {"body": "The plan, rewritten at midnight.",
                                        "version": "1", "action": f"/entries/{entry.id}/edit"})
    assert resumed.status_code == 200
    form = resumed.get_data(as_text=True)
    assert f'action="/entries/{entry.id}/edit"' in form
    assert "The plan, rewritten at midnight." in form and "signed in again" in form
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).body == "The plan as it was."


def test_a_carried_edit_of_someone_elses_entry_comes_back_as_a_new_entry(
        client, user, make_user, make_entry):
    theirs = make_entry(make_user("bo", OTHER_PASSWORD), "Bo's private words.")

    response = sign_in_carrying(client, {"body": "My own text.", "version": "1",
                                         "action": f"/entries/{theirs.id}/edit"})

    assert response.status_code == 200
    form = response.get_data(as_text=True)
    assert 'action="/entries/new"' in form and "My own text." in form
    assert "Bo&#39;s private words." not in form and "Bo's private words." not in form


@pytest.mark.parametrize("action", ["/entries/1/delete", "/tags/~delete/x", "/entries/new/x",
                                    "/auth/logout"])
def test_a_sign_in_carrying_a_form_that_is_not_kept_simply_signs_in(client, user, action):
    response = sign_in_carrying(client, {"body": "x", "action": action})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


class TestWithCsrfProtection:
    @pytest.fixture
    def config_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_a_stale_token_after_the_sign_in_ended_waits_on_the_sign_in_page(
            self, client, user):
        response = client.post("/entries/new", data={
            "title": "Late", "body": "Written on a train.", "tags": "travel",
            "csrf_token": "stale"})

        assert response.status_code == 401
        page = response.get_data(as_text=True)
        assert 'name="carry_body" value="Written on a train."' in page
        assert 'name="carry_action" value="/entries/new"' in page
        resumed = sign_in_carrying(client, {"title": "Late", "body": "Written on a train.",
                                            "tags": "travel", "action": "/entries/new"},
                                   csrf_token=csrf_token_from(page))
        assert resumed.status_code == 200
        form = resumed.get_data(as_text=True)
        assert "Written on a train." in form and 'value="travel"' in form
        assert entry_count() == 0
        saved = client.post("/entries/new", data={"title": "Late", "body": "Written on a train.",
                                                  "csrf_token": csrf_token_from(form)})
        assert saved.status_code == 302 and entry_count() == 1

    def test_a_stale_token_on_someone_elses_entry_answers_404(self, client, user, make_user,
                                                             make_entry, login):
        theirs = make_entry(make_user("bo", OTHER_PASSWORD), "Bo's private words.")
        login(user, csrf_token=csrf_token_from(client.get("/auth/login").get_data(as_text=True)))

        response = client.post(f"/entries/{theirs.id}/edit", data={
            "body": "Overwritten?", "version": "1", "csrf_token": "stale"})

        assert response.status_code == 404
        assert "Overwritten?" not in response.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(Entry, theirs.id).body == "Bo's private words."

    def test_a_stale_token_on_an_entry_action_gets_the_usual_refusal(self, client, user,
                                                                    make_entry):
        entry = make_entry(user, "Star me.")

        response = client.post(f"/entries/{entry.id}/star", data={"starred": "1",
                                                                  "csrf_token": "stale"})

        assert response.status_code == 400
        assert "did not come from this site" in response.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(Entry, entry.id).starred is False

    def test_a_stale_token_on_the_win_form_keeps_the_part_typed(self, client, user,
                                                               make_entry, login):
        entry = make_entry(user, "Gave the talk.")
        login(user, csrf_token=csrf_token_from(client.get("/auth/login").get_data(as_text=True)))

        response = client.post(f"/entries/{entry.id}/win", data={
            "win_part": "I rehearsed it three times.", "csrf_token": "stale"})

        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert ">I rehearsed it three times.</textarea>" in page
        assert "nothing was saved yet" in page
        assert '<details class="win-mark-details" open>' in page
        db.session.expire_all()
        assert db.session.get(Entry, entry.id).is_win is False
        saved = client.post(f"/entries/{entry.id}/win", data={
            "win_part": "I rehearsed it three times.", "csrf_token": csrf_token_from(page)})
        assert saved.status_code == 302
        db.session.expire_all()
        assert db.session.get(Entry, entry.id).win_part == "I rehearsed it three times."
