"""Imports keep what people wrote: real exports from jrnl, Day One and an Obsidian
vault come through with their tags, titles and text as the person knows them, and the
preview says plainly what will happen to each entry."""

import io
import json
import zipfile
from datetime import UTC, datetime
from html import unescape

from sqlalchemy import select

from journal.extensions import db
from journal.imports.cli import import_command
from journal.imports.preview import describe, repeats_sentence
from journal.imports.services import plan_import
from journal.models import Entry, PendingImport, Tag
from journal.ownership import owned
from journal.transfer.document import ImportedEntry, ImportedReframe, ParsedJournal
from tests.conftest import PASSWORD
from tests.test_import import jrnl_entry, jrnl_file, upload


def make_zip(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = name if isinstance(name, zipfile.ZipInfo) else zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def dayone_file(*entries: dict) -> bytes:
    return json.dumps({"metadata": {"version": "1.0"}, "entries": list(entries)}).encode()


def preview_of(client, data: bytes, name: str) -> str:
    response = upload(client, data, name=name)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client.get("/account/import/preview").get_data(as_text=True)


def confirm(client, **extra) -> str:
    digest = db.session.scalar(select(PendingImport.digest))
    response = client.post("/account/import/confirm", data={"digest": digest, **extra},
                           follow_redirects=True)
    return response.get_data(as_text=True)


def stored(owner) -> list[Entry]:
    return list(db.session.scalars(owned(Entry, owner).order_by(Entry.created_at)))


def tags_by_body(owner) -> dict[str, list[str]]:
    return {entry.body: [tag.name for tag in entry.sorted_tags] for entry in stored(owner)}


# --- tags keep their symbols ------------------------------------------------------------

def test_jrnl_tags_that_differ_only_in_symbols_become_different_tags(client, logged_in):
    data = jrnl_file(
        jrnl_entry("2024-03-01", "09:00", "C day.", "Pointers. @c", ["@c"]),
        jrnl_entry("2024-03-02", "09:00", "C++ day.", "Templates. @c++", ["@c++"]),
        jrnl_entry("2024-03-03", "09:00", "C# day.", "LINQ. @c#", ["@c#"]))
    page = preview_of(client, data, "jrnl.json")
    for shown in (">c<", ">c++<", ">c#<"):
        assert shown in page

    confirm(client)

    assert tags_by_body(logged_in) == {"Pointers. @c": ["c"], "Templates. @c++": ["c++"],
                                       "LINQ. @c#": ["c#"]}
    sharp = client.get("/tags/c%23").get_data(as_text=True)
    assert "C# day." in sharp and "C++ day." not in sharp and "C day." not in sharp


def test_day_one_and_markdown_tags_and_inline_tags_keep_their_symbols(client, logged_in):
    preview_of(client, dayone_file(
        {"creationDate": "2024-03-01T09:00:00Z", "text": "Upgraded the runtime.",
         "tags": [".NET", "Node.js", "C++"]}), "Journal.json")
    confirm(client)
    preview_of(client, make_zip({"2024-03-02 notes.md": "---\ntags: [c#, F#]\n---\n"
                                 "Ported the script to #node.js. Back to #work."}),
               "vault.zip")
    confirm(client)

    assert tags_by_body(logged_in) == {
        "Upgraded the runtime.": [".net", "c++", "node.js"],
        "Ported the script to #node.js. Back to #work.": ["c#", "f#", "node.js", "work"]}
    assert {tag.display_name for tag in db.session.scalars(owned(Tag, logged_in))} == {
        ".NET", "C++", "Node.js", "c#", "F#", "work"}


# --- Day One's Markdown escapes -----------------------------------------------------------

def test_day_one_escapes_show_as_plain_text_and_the_body_keeps_them(client, logged_in):
    text = "All fine\\. Shipped v2\\.1 \\- finally\\!\n\nThe *rest* of the day\\."
    page = preview_of(client, dayone_file({"creationDate": "2024-03-01T09:00:00Z",
                                           "text": text}), "Journal.json")
    assert "All fine. Shipped v2.1 - finally!" in page
    assert "\\." not in page

    confirm(client)

    listing = client.get("/entries/").get_data(as_text=True)
    assert "All fine. Shipped v2.1 - finally!" in listing
    assert "The rest of the day." in listing and "\\" not in listing
    assert [entry.body for entry in stored(logged_in)] == [text]


# --- an Obsidian note's name is its title ---------------------------------------------------

def test_an_obsidian_notes_file_name_is_its_title(client, logged_in):
    vault = make_zip({
        "Work/Quarterly planning.md": "---\ndate: 2024-03-04\ntags: [planning]\n---\n"
                                      "Three goals, one *stretch*.",
        "Daily/2024-03-05.md": "Quiet day, wrote tests.",
        "Ideas/Named in front matter.md": "---\ndate: 2024-03-06\ntitle: Its own title\n---\n"
                                          "Text.",
    })
    page = preview_of(client, vault, "vault.zip")
    assert "Quarterly planning" in page

    confirm(client)

    assert [(entry.title, entry.body) for entry in stored(logged_in)] == [
        ("Quarterly planning", "Three goals, one *stretch*."),
        (None, "Quiet day, wrote tests."),  # a daily note's name is its date
        ("Its own title", "Text.")]
    listing = client.get("/entries/").get_data(as_text=True)
    assert "Quarterly planning" in listing and "Quiet day, wrote tests." in listing


def test_our_own_markdown_export_keeps_untitled_entries_untitled(client, logged_in, make_entry):
    make_entry(logged_in, "No title here, just words.")
    make_entry(logged_in, "Words.", title="A real title")
    archive = client.get("/account/export/markdown").get_data()
    for entry in stored(logged_in):
        db.session.delete(entry)
    db.session.commit()

    preview_of(client, archive, "export.zip")
    confirm(client)

    assert sorted((entry.title or "", entry.body) for entry in stored(logged_in)) == [
        ("", "No title here, just words."), ("A real title", "Words.")]


# --- Day One entries with photos and no text --------------------------------------------------

PHOTO = {"identifier": "3F2D1F8A", "md5": "abc", "type": "jpeg"}


def test_a_day_one_photo_entry_without_text_is_explained_and_findable(client, logged_in):
    data = dayone_file(
        {"creationDate": "2024-03-01T09:00:00Z", "text": "", "photos": [PHOTO, PHOTO]},
        {"creationDate": "2024-03-02T09:00:00Z",
         "text": "![](dayone-moment://3F2D1F8A)", "photos": [PHOTO], "tags": ["Hike"]},
        {"creationDate": "2024-03-03T09:00:00Z",
         "text": "Summit!\n![](dayone-moment://3F2D1F8A)", "photos": [PHOTO]})
    page = unescape(preview_of(client, data, "Journal.json"))
    assert ("2 entries have photos or other media but no text. Media is not imported, so "
            "they are kept with the title “Photo entry without text”") in page
    assert "1 entry has photos or other media besides text." in page
    assert page.count(": Photo entry without text</li>") == 2
    assert "Untitled entry" not in page

    confirm(client)

    entries = stored(logged_in)
    assert [entry.title for entry in entries] == [
        "Photo entry without text", "Photo entry without text", None]
    assert [tag.name for tag in entries[1].tags] == ["hike"]
    found = client.get("/search", query_string={"q": "photo"}).get_data(as_text=True)
    assert found.count("Photo entry without text</a>") == 2

    preview_of(client, data, "Journal.json")  # the same file again adds nothing
    confirm(client)
    assert len(stored(logged_in)) == 3


# --- notes without a date ---------------------------------------------------------------------

def vault_with_undated_notes() -> bytes:
    return make_zip({
        "Journal/2018-01-02.md": "Dated by its name.",
        "Journal/Log.md": "---\ntags: [log]\n---\n2018-01-03 18:58:49 Wednesday\nDated on its "
                          "first line.",
        zipfile.ZipInfo("Ideas/Someday.md", date_time=(2023, 6, 1, 14, 30, 0)): "An idea.",
        zipfile.ZipInfo("Ideas/Books.md", date_time=(2023, 7, 9, 8, 0, 0)): "To read.",
    })


def test_undated_notes_are_listed_with_a_choice_and_left_out_by_default(client, logged_in):
    page = unescape(preview_of(client, vault_with_undated_notes(), "vault.zip"))

    assert "2 notes have no date" in page
    assert "Ideas/Books.md" in page and "Ideas/Someday.md" in page
    assert "they are left out of the figures above" in page
    assert 'name="undated" type="radio" value="modified"' in page
    assert "Import 2 entries" in page

    flashed = confirm(client)

    assert "Imported 2 entries. 2 notes without a date were left out." in flashed
    assert [(entry.title, entry.created_at.isoformat()) for entry in stored(logged_in)] == [
        (None, "2018-01-01T23:00:00+00:00"), ("Log", "2018-01-03T17:58:49+00:00")]


def test_undated_notes_can_be_dated_by_their_files(client, logged_in):
    preview_of(client, vault_with_undated_notes(), "vault.zip")

    page = unescape(client.get("/account/import/preview",
                               query_string={"undated": "modified"}).get_data(as_text=True))

    assert "they are counted above, each dated by when its file was last changed" in page
    assert 'checked id="undated-1" name="undated" type="radio" value="modified"' in page
    assert "Import 4 entries" in page
    assert 'name="undated" type="hidden" value="modified"' in page

    flashed = confirm(client, undated="modified")

    assert "Imported 4 entries." in flashed
    assert [(entry.title, entry.created_at.isoformat()) for entry in stored(logged_in)][2:] == [
        ("Someday", "2023-06-01T12:30:00+00:00"), ("Books", "2023-07-09T06:00:00+00:00")]


def test_a_vault_of_only_undated_notes_says_why_nothing_would_be_added(client, logged_in):
    vault = make_zip({zipfile.ZipInfo("Someday.md", date_time=(2023, 6, 1, 14, 30, 0)): "Idea."})
    page = unescape(preview_of(client, vault, "vault.zip"))
    assert ("Importing this file would add no entries: its note has no date (choose below "
            "to date it by its file).") in page
    assert "already in your journal" not in page


# --- entries a file holds twice ------------------------------------------------------------------

def test_entries_repeated_in_the_file_are_imported_once_and_said_so(
        client, logged_in, make_entry):
    make_entry(logged_in, "Old.", title="Known", created_at=datetime(2024, 3, 1, 8, tzinfo=UTC))
    known = jrnl_entry("2024-03-01", "09:00", "Known", "Old.")
    standup = jrnl_entry("2024-03-02", "09:00", "Standup", "Short.")
    retro = jrnl_entry("2024-03-03", "09:00", "Retro", "Good.")
    data = jrnl_file(known, standup, standup, retro, retro,
                     jrnl_entry("2024-03-04", "09:00", "New", "Once."))

    page = unescape(preview_of(client, data, "jrnl.json"))

    assert "<dt>Already in your journal</dt><dd>1</dd>" in page
    assert "1 of them is already here (same minute, same text) and will be left out." in page
    assert "2 entries appear twice in the file; each is imported once." in page
    assert "Import 3 entries" in page

    flashed = unescape(confirm(client))

    assert ("Imported 3 entries. 1 already in your journal was left out. 2 entries appear "
            "twice in the file; each was imported once.") in flashed
    assert [entry.title for entry in stored(logged_in)] == ["Known", "Standup", "Retro", "New"]


def test_repeats_are_counted_in_plain_english():
    assert repeats_sentence([]) == ""
    assert repeats_sentence([2]) == "1 entry appears twice in the file; it is imported once."
    assert repeats_sentence([3, 3]) == (
        "2 entries appear 3 times in the file; each is imported once.")
    assert repeats_sentence([2, 4], done=True) == (
        "2 entries appear more than once in the file; each was imported once.")


def test_the_command_lists_undated_notes_and_dates_them_when_asked(runner, user, tmp_path):
    path = tmp_path / "vault.zip"
    path.write_bytes(vault_with_undated_notes())

    result = runner.invoke(import_command, [str(path), "--user", "ana", "--dry-run"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "without a date, left out (--undated modified dates them by their files):" in \
        result.output
    assert "Ideas/Someday.md (last changed 2023-06-01)" in result.output

    result = runner.invoke(import_command, [str(path), "--user", "ana", "--yes",
                                            "--undated", "modified"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Imported 4 entries." in result.output
    assert len(stored(user)) == 4


# --- what the figures count ---------------------------------------------------------------------

def test_wins_and_stars_are_counted_among_the_new_entries_and_said_so(
        client, logged_in, make_entry):
    make_entry(logged_in, "Old.", title="Known", starred=True,
               created_at=datetime(2024, 3, 1, 8, tzinfo=UTC))
    data = jrnl_file(jrnl_entry("2024-03-01", "09:00", "Known", "Old.", starred=True),
                     jrnl_entry("2024-03-02", "09:00", "One", "a", starred=True),
                     jrnl_entry("2024-03-03", "09:00", "Two", "b"),
                     jrnl_entry("2024-03-04", "09:00", "Three", "c"))

    page = preview_of(client, data, "jrnl.json")

    assert "Of the 3 new entries, 1 is starred." in page
    assert "<dt>Starred</dt>" not in page and "<dt>Wins</dt>" not in page


def test_the_sentence_about_new_entries_names_each_kind_with_its_plural(app, user):
    def entry(day, **fields):
        return ImportedEntry(created_at=datetime(2024, 3, day, tzinfo=UTC), body=f"Day {day}",
                             position=day, **fields)

    many = ParsedJournal(format="journal", entries=[
        entry(1, is_win=True, starred=True), entry(2, is_win=True), entry(3),
        entry(4, reframe=ImportedReframe(happened="Demo"))])
    single = ParsedJournal(format="journal", entries=[entry(5, is_win=True, starred=True)])
    plain = ParsedJournal(format="journal", entries=[entry(6), entry(7)])

    assert describe(plan_import(user, many), "a.json").among_new == (
        "Of the 4 new entries, 1 is a reframe, 2 are wins and 1 is starred.")
    assert describe(plan_import(user, single), "b.json").among_new == (
        "The new entry is a win and starred.")
    assert describe(plan_import(user, plain), "c.json").among_new == ""
