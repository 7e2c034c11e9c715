"""Files built to exhaust the server rather than to carry a journal: YAML alias bombs,
huge values quoted in messages, files past the readers' caps, and more imports at
once than the server reads."""

import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from journal.extensions import db
from journal.imports.limits import ImportsBusy, ImportSlot, parsing_slot
from journal.imports.readers.quoting import shown
from journal.models import Entry, PendingImport, utcnow
from tests.test_import import jrnl_entry, jrnl_file, upload
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
    huge = {"format": "journal-export", "version": list(range(9_000)), "entries": []}
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
    entry = {"created_at": "2024-01-01T09:00:00Z", "body": "", "tags": ["a" * 100_000]}
    message = refused(our_file(entries=[entry]))
    assert message.startswith("Entry 1 (2024-01-01T09:00:00Z): “aaaa")
    assert message.endswith("” is not a valid tag: use at most 64 characters.")
    assert len(message) < 200
    large = b'{"format": "journal-export",\n"version": 1' + b"0" * 1000 + b"}"
    assert refused(large) == "The file holds a number too large to read (line 2)."


# --- caps on what a file may hold -------------------------------------------------

def our_file(**lists) -> bytes:
    return json.dumps({"format": "journal-export", "version": 1, "entries": [],
                       **lists}).encode()


def test_a_file_with_more_entries_than_one_import_takes_is_refused():
    entry = {"date": "2024-01-01", "time": "09:00"}
    jrnl = json.dumps({"tags": {}, "entries": [entry] * 200_001}).encode()
    assert refused(jrnl, "jrnl.json") == (
        "The file holds more than 200,000 entries; the journal reads at most that many "
        "from one file. Split it (by year, say) and import the parts one after another.")
    day_one = {"metadata": {"version": "1.0"},
               "entries": [{"creationDate": "2024-01-01T09:00:00Z"}] * 110_000}
    two = make_zip({"A.json": json.dumps(day_one), "B.json": json.dumps(day_one)},
                   compression=zipfile.ZIP_STORED)
    assert "more than 200,000 entries" in refused(two, "dayone.zip")


def test_lists_of_tags_and_prompts_have_caps():
    tags = [{"name": "t", "display_name": "t"}] * 20_001
    assert refused(our_file(tags=tags)) == ("The file lists more than 20,000 tags; the "
                                            "journal reads at most that many.")
    prompts = [{}] * 10_001
    assert "more than 10,000 prompts" in refused(our_file(prompts=prompts))


def test_an_entry_with_a_million_tags_is_refused_before_it_is_built():
    entry = {"date": "2024-01-01", "time": "09:00", "tags": ["@t"] * 1_000_000}
    message = refused(json.dumps({"tags": {}, "entries": [{}, entry]}).encode(), "j.json")
    assert message == ("Entry 2 holds more than 10,000 values (fields, tags and the like); "
                       "the journal refuses the file.")


def test_values_outside_the_lists_and_repeated_lists_are_refused():
    message = refused(json.dumps({"tags": {f"@t{n}": 1 for n in range(20_000)},
                                  "entries": []}).encode(), "j.json", format="jrnl")
    assert message == ("The file holds more than 10,000 values outside its lists of "
                       "entries, tags and prompts; the journal refuses it.")
    twice = b'{"tags": {}, "entries": [], "entries": [{"date": "2024-01-01"}]}'
    assert refused(twice, "j.json") == ("The file has the key 'entries' twice; the journal "
                                        "cannot tell which one holds the journal.")


def test_a_mistake_deep_in_a_large_file_is_placed_by_its_line():
    entry = json.dumps({"date": "2024-01-01", "time": "09:00", "body": "x" * 100})
    lines = ",\n".join([entry] * 40_000)
    data = ('{"tags": {}, "entries": [\n' + lines + ',\n{"date": }]}').encode()
    assert len(data) > 4 * 1024 * 1024
    assert refused(data, "j.json") == ("The file is not valid JSON, or holds a number too "
                                       "large to read: there is a mistake near line 40,002.")


def test_a_refused_large_file_keeps_nothing(client, logged_in):
    entry = {"date": "2024-01-01", "time": "09:00"}
    response = upload(client, json.dumps({"tags": {}, "entries": [entry] * 200_001}).encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "more than 200,000 entries" in page
    assert stored_count(PendingImport) == 0 and stored_count(Entry) == 0
    assert stored_count(ImportSlot) == 0


# --- how many imports are read at once ------------------------------------------------

def take_slots(*numbers: int, minutes: int = 5) -> None:
    """Leases as other workers hold them: committed rows, expiring in ``minutes``."""
    for number in numbers:
        db.session.add(ImportSlot(slot=number, holder=f"worker-{number}",
                                  expires_at=utcnow() + timedelta(minutes=minutes)))
    db.session.commit()


def small_jrnl() -> bytes:
    return jrnl_file(jrnl_entry("2024-03-01", "09:00", "Kept for later"))


def test_a_third_upload_waits_while_two_are_read(client, logged_in):
    take_slots(1, 2)
    response = upload(client, small_jrnl(), fmt="jrnl", zone="Asia/Tokyo")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    assert "Nothing was imported." in page
    assert "Another import is being read; try again in a minute." in page
    assert '<option selected value="jrnl">' in page  # the choices made are kept
    assert '<option selected value="Asia/Tokyo">' in page
    assert stored_count(PendingImport) == 0 and stored_count(Entry) == 0
    assert stored_count(ImportSlot) == 2  # the other workers' slots are theirs

    db.session.execute(delete(ImportSlot).where(ImportSlot.slot == 2))  # one finishes
    response = upload(client, small_jrnl(), fmt="jrnl")
    assert response.status_code == 303
    assert stored_count(PendingImport) == 1
    assert db.session.scalars(select(ImportSlot.slot)).all() == [1]  # given back


def test_a_lease_left_by_a_dead_worker_expires(client, logged_in):
    take_slots(1, minutes=-1)
    take_slots(2)
    response = upload(client, small_jrnl(), fmt="jrnl")
    assert response.status_code == 303
    assert stored_count(PendingImport) == 1
    assert db.session.scalars(select(ImportSlot.slot)).all() == [2]


def test_a_slot_is_given_back_when_the_file_is_refused(client, logged_in):
    response = upload(client, b'{"entries": [1,, 2]}', name="broken.json")
    assert response.status_code == 422
    assert stored_count(ImportSlot) == 0


def test_parsing_slots_are_counted_and_given_back(app):
    app.config["IMPORT_CONCURRENCY"] = 2
    with parsing_slot() as first, parsing_slot() as second:
        assert (first.slot, second.slot) == (1, 2)
        with pytest.raises(ImportsBusy) as busy, parsing_slot():
            pass
        assert str(busy.value) == "Another import is being read; try again in a minute."
        assert stored_count(ImportSlot) == 2
    assert stored_count(ImportSlot) == 0
    with pytest.raises(LookupError), parsing_slot():
        raise LookupError("the reading fails")
    assert stored_count(ImportSlot) == 0


def test_the_preview_reads_the_upload_again_only_with_a_free_slot(client, logged_in):
    assert upload(client, small_jrnl(), fmt="jrnl").status_code == 303
    take_slots(1, 2)
    response = client.get("/account/import/preview")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    assert "Another import is being read; try again in a minute." in page
    assert "is waiting for you to confirm" in page
    assert stored_count(PendingImport) == 1  # the upload still waits
    db.session.execute(delete(ImportSlot))
    page = client.get("/account/import/preview").get_data(as_text=True)
    assert "Kept for later" in page
    assert stored_count(ImportSlot) == 0
