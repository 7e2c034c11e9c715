"""Demo data in a sealed journal: rows inserted in bulk are sealed exactly as the models
seal them, and ``demo-data`` opens the journal with the account's password first."""

from sqlalchemy import func, select

from journal.crypto import keyring
from journal.crypto.rows import open_fields
from journal.demo import insert_demo_entries
from journal.extensions import db
from journal.models import Entry, Reframe, Tag
from journal.ownership import owned
from tests.conftest import PASSWORD


def stored(model) -> list:
    return db.session.execute(select(model.__table__)).all()


def entry_count(owner) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(owned(Entry, owner).subquery()))


def test_demo_rows_are_sealed_with_the_models_fields_and_blank_plain_columns(app, user):
    result = insert_demo_entries(user.id, 120, seed=4)
    db.session.commit()
    assert result.reframes and result.new_tags

    for model, rows in ((Entry, stored(Entry)), (Reframe, stored(Reframe)),
                        (Tag, stored(Tag))):
        assert rows
        for row in rows:
            assert len(row.uid) == 16 and row.sealed
            owner_id = row.owner_id if model is not Reframe else user.id
            fields = open_fields(model.__tablename__, owner_id, row.uid, row.sealed)
            assert set(fields) == set(model.sealed_field_names()), model
            for name, (attribute, blank) in model.PLAIN_COLUMNS.items():
                column = model.__mapper__.attrs[attribute].columns[0].name
                assert row._mapping[column] == blank, (model, name)
    for row in stored(Tag):
        fields = open_fields("tags", user.id, row.uid, row.sealed)
        assert row.name_key == keyring.blind(user.id, keyring.TAG_NAMES, fields["name"])

    entries = db.session.scalars(owned(Entry, user)).all()
    assert all(not entry.unreadable for entry in entries)
    assert len({entry.body for entry in entries}) > 100
    words = {word for entry in entries for word in entry.body.split() if len(word) > 8}
    raw = b"\n".join(bytes(row.sealed) for row in stored(Entry))
    assert words and not any(word.encode() in raw for word in words)


def test_demo_tags_are_found_by_name_and_reused(app, user, make_entry):
    make_entry(user, "Already here.", tags="win")
    insert_demo_entries(user.id, 200, seed=2)
    db.session.commit()
    tags = db.session.scalars(owned(Tag, user)).all()
    names = [tag.name for tag in tags]
    assert len(names) == len(set(names)) and "win" in names
    wins = [entry for entry in db.session.scalars(owned(Entry, user)) if entry.is_win]
    assert wins and all("win" in {tag.name for tag in entry.tags} for entry in wins)


def test_the_command_asks_for_the_password(runner, user):
    keyring.forget(user.id)  # a terminal holds no key
    result = runner.invoke(args=["demo-data", "--user", "ana", "--entries", "30"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Password of 'ana'" in result.output and PASSWORD not in result.output
    assert "Added 30 entries" in result.output
    assert entry_count(user) == 30


def test_a_wrong_password_adds_nothing(runner, user):
    keyring.forget(user.id)
    result = runner.invoke(args=["demo-data", "--user", "ana", "--entries", "30",
                                 "--password-stdin"], input="not the password at all\n")
    assert result.exit_code == 1
    assert "That is not the password of 'ana'." in result.output
    assert "Traceback" not in result.output
    assert entry_count(user) == 0


def test_create_makes_the_account_and_fills_it(runner, client, login):
    result = runner.invoke(args=["demo-data", "--user", "cleo", "--entries", "25",
                                 "--create", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Created the account 'cleo'" in result.output and "Added 25 entries" in result.output

    assert login("cleo").status_code == 302
    page = client.get("/entries/").get_data(as_text=True)
    assert page.count('class="entry-card') >= 20
    assert "Locked entry" not in page and "Damaged entry" not in page


def test_without_create_an_unknown_account_is_refused(runner, user):
    result = runner.invoke(args=["demo-data", "--user", "nobody", "--entries", "5",
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 1
    assert "--create" in result.output
