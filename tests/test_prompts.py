"""Prompts: the library, the sync step, today's prompt, one's own prompts, and
entries that answer a prompt."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from journal import create_app
from journal.extensions import db
from journal.models import Entry, Prompt, PromptHide
from journal.ownership import owned
from journal.prompts.library import load_library, parse_library
from journal.prompts.rotation import prompt_for_day
from journal.prompts.services import create_own_prompt
from journal.prompts.sync import sync_prompts
from tests.conftest import make_config


def builtin(key: str) -> Prompt:
    return db.session.scalar(select(Prompt).where(Prompt.key == key))


def count_prompts(**filters) -> int:
    statement = select(func.count()).select_from(Prompt).filter_by(**filters)
    return db.session.scalar(statement)


# --- the library --------------------------------------------------------------------------

def test_the_library_has_at_least_60_prompts_in_at_least_8_themes():
    library = load_library()
    assert len(library.prompts) >= 60
    assert len(library.themes) >= 8
    for prompt in library.prompts:
        assert len(prompt.text.split()) < 30, prompt.key
        assert prompt.why and prompt.why.endswith("."), prompt.key
        assert "!" not in prompt.text


def test_flask_db_upgrade_loads_the_library(app):
    assert count_prompts(owner_id=None) == len(load_library().prompts)


def test_a_malformed_library_names_the_problem():
    with pytest.raises(ValueError, match="unknown theme"):
        parse_library('[[themes]]\nkey="a"\nname="A"\ndescription="d"\n'
                      '[[prompts]]\nkey="b-01"\ntheme="b"\ntext="t"\nwhy="w"\n')


# --- the sync step --------------------------------------------------------------------------

LIBRARY_V1 = """
[[themes]]
key = "value"
name = "Value delivered"
description = "Who it helped."

[[prompts]]
key = "test-01"
theme = "value"
text = "Who used the thing you shipped this week?"
why = "Users are evidence."

[[prompts]]
key = "test-02"
theme = "value"
text = "Which number moved because of your work?"
why = "Numbers are checkable."
"""


def test_sync_is_idempotent_and_keeps_answers_through_edits_and_retirement(app, user,
                                                                         make_entry):
    connection = db.session.connection()
    first = sync_prompts(connection, parse_library(LIBRARY_V1))
    assert first.added == 2
    assert str(sync_prompts(connection, parse_library(LIBRARY_V1))) == \
        "0 added, 0 updated, 0 retired, 0 restored"
    db.session.commit()

    answered = builtin("test-01")
    entry = make_entry(user, "Three teams, actually.")
    entry.prompt_id, entry.prompt_text = answered.id, answered.text
    db.session.commit()

    edited = LIBRARY_V1.replace("Who used the thing you shipped this week?",
                                "Who relied on what you shipped this week?")
    without_second = edited[:edited.index('[[prompts]]\nkey = "test-02"')]
    result = sync_prompts(db.session.connection(), parse_library(without_second))
    db.session.commit()
    assert (result.updated, result.retired) == (1, 1)
    db.session.refresh(answered)
    assert answered.text == "Who relied on what you shipped this week?"
    assert builtin("test-02").retired_at is not None
    db.session.refresh(entry)
    assert entry.prompt_id == answered.id
    assert entry.prompt_text == "Who used the thing you shipped this week?"

    restored = sync_prompts(db.session.connection(), parse_library(LIBRARY_V1))
    assert restored.restored == 1 and builtin("test-02").retired_at is None


def test_a_retired_prompt_leaves_its_answers_readable(app, client, logged_in, make_entry):
    prompt = builtin("value-01")
    entry = make_entry(logged_in, "My answer")
    entry.prompt_id, entry.prompt_text = prompt.id, prompt.text
    prompt.retired_at = datetime.now(UTC)
    db.session.commit()
    shown = str(escape(prompt.text))
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert shown in page and "My answer" in page
    assert shown not in client.get("/prompts/").get_data(as_text=True)


def test_sync_keeps_built_ins_plain_and_never_touches_own_prompts(app, user):
    own = create_own_prompt(user, text="What did the quokkaprompt teach you?", theme="value")
    db.session.commit()
    table = Prompt.__table__
    stored_own = select(table.c.uid, table.c.sealed, table.c.text, table.c.why,
                        table.c.retired_at, table.c.updated_at).where(table.c.id == own.id)
    before = db.session.execute(stored_own).one()
    assert before.sealed is not None and before.text == ""

    result = sync_prompts(db.session.connection(), parse_library(LIBRARY_V1))
    db.session.commit()
    assert result.added == 2 and result.retired > 0
    assert db.session.execute(stored_own).one() == before
    built_ins = db.session.execute(select(table.c.uid, table.c.sealed, table.c.text)
                                   .where(table.c.owner_id.is_(None))).all()
    assert built_ins and all(row.uid is None and row.sealed is None and row.text
                             for row in built_ins)
    db.session.expire_all()
    assert builtin("test-01").text == "Who used the thing you shipped this week?"
    assert db.session.get(Prompt, own.id).text == "What did the quokkaprompt teach you?"


def test_the_sync_command(runner):
    result = runner.invoke(args=["sync-prompts"])
    assert result.exit_code == 0
    assert "0 added, 0 updated, 0 retired" in result.output


# --- today's prompt ---------------------------------------------------------------------------

@pytest.mark.sqlite_only
def test_todays_prompt_is_the_same_from_two_app_instances(database, user):
    user_id = user.id
    db.session.commit()  # release the fixture's connection before other apps use the file
    chosen = []
    for _ in range(2):
        app = create_app(make_config(database))
        with app.app_context():
            person = db.session.get(type(user), user_id)
            chosen.append(prompt_for_day(person, date(2026, 11, 26)).id)
            db.engine.dispose()
    assert chosen[0] == chosen[1]


def test_todays_prompt_changes_with_the_date(app, user):
    days = [date(2026, 11, 1) + timedelta(days=n) for n in range(10)]
    assert len({prompt_for_day(user, day).id for day in days}) > 5


def test_todays_prompt_differs_between_users(app, user, other_user):
    days = [date(2026, 11, 1) + timedelta(days=n) for n in range(10)]
    assert [prompt_for_day(user, d).id for d in days] != \
        [prompt_for_day(other_user, d).id for d in days]


def test_another_prompt_offers_a_different_one(app, client, logged_in):
    first = prompt_for_day(logged_in)
    second = prompt_for_day(logged_in, another=1)
    assert first.id != second.id
    page = client.get("/prompts/today?another=1").get_data(as_text=True)
    assert str(escape(second.text)) in page and "/prompts/today?another=2" in page


def test_rotation_skips_prompts_answered_in_the_last_30_days(app, user, make_entry):
    today = date(2026, 11, 26)
    noon = datetime(2026, 11, 20, 12, tzinfo=UTC)
    offered = prompt_for_day(user, today)
    entry = make_entry(user, "answered last week", created_at=noon)
    entry.prompt_id = offered.id
    db.session.commit()
    assert prompt_for_day(user, today).id != offered.id
    # answered 31 days ago: offered again
    entry.created_at = datetime(2026, 10, 20, 12, tzinfo=UTC)
    db.session.commit()
    assert prompt_for_day(user, today).id == offered.id


def test_answering_today_keeps_todays_prompt(app, user, make_entry):
    today = datetime.now(UTC).date()
    offered = prompt_for_day(user, today)
    entry = make_entry(user, "answered just now")
    entry.prompt_id = offered.id
    db.session.commit()
    assert prompt_for_day(user, today).id == offered.id


def test_hidden_prompts_are_not_offered(app, client, logged_in):
    offered = prompt_for_day(logged_in)
    response = client.post(f"/prompts/{offered.id}/hide", data={"next": "/prompts/today"})
    assert response.headers["Location"] == "/prompts/today"
    assert prompt_for_day(logged_in).id != offered.id
    library = client.get("/prompts/").get_data(as_text=True)
    assert "Prompts you hid (1)" in library
    client.post(f"/prompts/{offered.id}/unhide")
    assert db.session.scalar(select(func.count()).select_from(PromptHide)) == 0


def test_when_everything_is_hidden_the_page_says_so(app, client, logged_in):
    for prompt in db.session.scalars(select(Prompt)):
        db.session.add(PromptHide(user_id=logged_in.id, prompt_id=prompt.id))
    db.session.commit()
    page = client.get("/prompts/today").get_data(as_text=True)
    assert "you have hidden them all" in page


# --- browsing ---------------------------------------------------------------------------------

def test_the_library_page_groups_by_theme_with_answer_counts(app, client, logged_in,
                                                             make_entry):
    prompt = builtin("value-01")
    for _ in range(2):
        entry = make_entry(logged_in, "an answer")
        entry.prompt_id = prompt.id
    db.session.commit()
    page = client.get("/prompts/").get_data(as_text=True)
    for theme in load_library().themes:
        assert theme.name in page
    assert "Answered 2 times" in page
    assert f'href="/entries/new?prompt={prompt.id}"' in page


# --- one's own prompts -----------------------------------------------------------------------

def test_own_prompts_join_the_rotation_and_stay_private(app, client, logged_in, other_user,
                                                        login):
    response = client.post("/prompts/new", data={
        "text": "Which question did someone bring to you this week, and why you?",
        "theme": "evidence"})
    assert response.status_code == 302
    own = db.session.scalar(select(Prompt).where(Prompt.owner_id == logged_in.id))
    assert own.text.startswith("Which question")
    assert own.id in _rotation(logged_in)
    assert own.id not in _rotation(other_user)

    intruder = app.test_client()
    intruder.post("/auth/login", data={"username": "bo",
                                       "password": "a different long passphrase"})
    for method, url in [("get", f"/prompts/{own.id}/edit"),
                        ("post", f"/prompts/{own.id}/edit"),
                        ("post", f"/prompts/{own.id}/archive"),
                        ("post", f"/prompts/{own.id}/hide"),
                        ("get", f"/entries/new?prompt={own.id}")]:
        assert getattr(intruder, method)(url).status_code == 404, url
    assert own.text not in intruder.get("/prompts/").get_data(as_text=True)
    db.session.refresh(own)
    assert own.retired_at is None


def _rotation(person):
    from journal.prompts.rotation import offerable_prompt_ids

    return set(offerable_prompt_ids(person, date(2026, 11, 26)))


def test_editing_an_own_prompt_keeps_what_old_entries_answered(app, client, logged_in):
    client.post("/prompts/new", data={"text": "Old wording?", "theme": "value"})
    own = db.session.scalar(select(Prompt).where(Prompt.owner_id == logged_in.id))
    client.post("/entries/new", data={"body": "my answer", "prompt_id": str(own.id)})
    client.post(f"/prompts/{own.id}/edit", data={"text": "New wording?", "theme": "story"})
    entry = db.session.scalar(owned(Entry, logged_in))
    assert entry.prompt_text == "Old wording?"
    db.session.refresh(own)
    assert (own.text, own.theme) == ("New wording?", "story")
    assert "Old wording?" in client.get(f"/entries/{entry.id}").get_data(as_text=True)


def test_archiving_an_own_prompt_takes_it_out_of_rotation(app, client, logged_in):
    client.post("/prompts/new", data={"text": "Archive me?", "theme": "value"})
    own = db.session.scalar(select(Prompt).where(Prompt.owner_id == logged_in.id))
    client.post(f"/prompts/{own.id}/archive", data={"archived": "1"})
    assert own.id not in _rotation(logged_in)
    assert "Your archived prompts (1)" in client.get("/prompts/").get_data(as_text=True)
    client.post(f"/prompts/{own.id}/archive", data={"archived": "0"})
    assert own.id in _rotation(logged_in)


def test_own_prompt_form_errors(client, logged_in):
    response = client.post("/prompts/new", data={"text": "", "theme": "nonsense"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Write the question you want to be asked." in text and "Not a valid choice" in text


def test_built_in_prompts_cannot_be_edited_or_archived(client, logged_in):
    prompt = builtin("value-01")
    assert client.get(f"/prompts/{prompt.id}/edit").status_code == 404
    assert client.post(f"/prompts/{prompt.id}/archive").status_code == 404


# --- writing from a prompt ------------------------------------------------------------------

def test_the_prompt_stands_above_the_editor_and_is_kept_with_the_entry(client, logged_in):
    prompt = builtin("value-02")
    page = client.get(f"/entries/new?prompt={prompt.id}").get_data(as_text=True)
    assert page.index(str(escape(prompt.text))) < page.index('name="body"')
    assert f'name="prompt_id" type="hidden" value="{prompt.id}"' in page
    response = client.post("/entries/new", data={"body": "The search team.",
                                                 "prompt_id": str(prompt.id)})
    entry = db.session.scalar(owned(Entry, logged_in))
    assert response.headers["Location"] == f"/entries/{entry.id}"
    assert (entry.prompt_id, entry.prompt_text) == (prompt.id, prompt.text)
    prompt.text = "Reworded later."
    db.session.commit()
    detail = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert str(escape(entry.prompt_text)) in detail and "Reworded later." not in detail


@pytest.mark.parametrize("value", ["abc", "-1", "99999999", "1e3", ""])
def test_an_unknown_prompt_in_the_address_is_404(client, logged_in, value):
    assert client.get(f"/entries/new?prompt={value}").status_code == 404


def test_a_prompt_that_vanished_before_saving_does_not_lose_the_entry(client, logged_in):
    response = client.post("/entries/new", data={"body": "Still saved.",
                                                 "prompt_id": "99999999"})
    assert response.status_code == 302
    entry = db.session.scalar(owned(Entry, logged_in))
    assert entry.body == "Still saved." and entry.prompt_id is None


# --- the library page: folded themes ---------------------------------------------------------

def _theme_tags(page: str) -> dict[str, str]:
    return dict(re.findall(r'<details class="theme-group" id="theme-([a-z-]+)"([^>]*)>', page))


def test_the_library_folds_its_themes_and_keeps_today_and_your_own_in_view(app, client,
                                                                           logged_in):
    client.post("/prompts/new", data={"text": "Whose day did my fix save?", "theme": "value"})
    page = client.get("/prompts/").get_data(as_text=True)
    themes = _theme_tags(page)
    assert set(themes) == {theme.key for theme in load_library().themes}
    assert all("open" not in attributes for attributes in themes.values())
    today = prompt_for_day(logged_in)
    before_themes = page.split('class="theme-group"')[0]
    assert "Today's prompt" in before_themes and str(escape(today.text)) in before_themes
    assert "Your prompts" in before_themes and "Whose day did my fix save?" in before_themes
    assert page.count('<p class="prompt-text">Whose day did my fix save?') == 1
    assert 'href="/prompts/?theme=story#theme-story"' in page


def test_a_theme_named_in_the_address_is_open_without_script(app, client, logged_in):
    themes = _theme_tags(client.get("/prompts/?theme=story").get_data(as_text=True))
    assert [key for key, attributes in themes.items() if "open" in attributes] == ["story"]
    assert client.get("/prompts/?theme=<nope>").status_code == 200
