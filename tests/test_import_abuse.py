"""Files built to exhaust the server rather than to carry a journal: YAML alias bombs,
huge values quoted in messages, files past the readers' caps, and more imports at
once than the server reads."""

import json

from sqlalchemy import func, select

from journal.extensions import db
from journal.imports.readers.common import shown
from journal.models import Entry, PendingImport
from tests.test_import import upload
from tests.test_import_readers import make_zip, refused


def alias_bomb() -> str:
    """A few hundred bytes of front matter whose aliases expand to 9⁹ strings."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines.append("date: *i")
    return "---\n" + "\n".join(lines) + "\n---\nThe body.\n"


def stored_count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_yaml_aliases_are_refused_naming_the_file():
    bomb = make_zip({"2024-01-01-bomb.md": alias_bomb(), "2024-01-02-fine.md": "Fine."})
    message = refused(bomb, "notes.zip")
    assert message == ("Entry 1 (2024-01-01-bomb.md): the front matter uses a YAML anchor "
                       "or alias ('&' or '*'), which the journal does not read; write each "
                       "value out in full.")
    one = make_zip({"a.md": "---\ntitle: &t Hello\nprompt: *t\n---\nText"})
    assert "(a.md): the front matter uses a YAML anchor or alias" in refused(one, "a.zip")


def test_an_alias_bomb_upload_is_explained_and_nothing_is_kept(client, logged_in):
    bomb = make_zip({"2024-01-01-bomb.md": alias_bomb()})
    response = upload(client, bomb, name="notes.zip")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "2024-01-01-bomb.md" in page and "YAML anchor or alias" in page
    assert stored_count(PendingImport) == 0 and stored_count(Entry) == 0


def test_shown_quotes_huge_values_without_writing_them_out():
    assert shown(list(range(10**6))) == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …"
    assert shown("x" * 10**7, 10) == "xxxxxxxxx…"
    assert shown(10**5000) == "a number with too many digits to show"
    assert shown({"a": [[[]]]}) == '{"a": [[[]]]}'
    nested: list = []
    for _ in range(100_000):
        nested = [nested]
    assert shown(nested) == "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[…"


def test_messages_quote_a_bounded_part_of_huge_values():
    huge = {"format": "journal-export", "version": list(range(200_000)), "entries": []}
    message = refused(huge)
    assert message.startswith("The export's 'version' should be a whole number such as 1, "
                              "not [0, 1, 2,")
    assert len(message) < 200
    kind = make_zip({"2024-01-01-a.md": "---\nstarred: " + "y" * 50_000 + "\n---\nText"})
    message = refused(kind, "a.zip")
    assert "'starred' in the front matter should be true or false" in message
    assert len(message) < 200
    jrnl = json.dumps({"tags": {}, "entries": [{"date": "9" * 100_000, "time": "09:00"}]})
    assert len(refused(jrnl.encode(), "j.json", format="jrnl")) < 200
