"""Import readers: our JSON, jrnl, Day One and Markdown zips built here from their
documented formats, read field by field, and their malformed entries named.
test_import_hostile.py has the files an import must refuse whole."""

import io
import json
import zipfile
from dataclasses import asdict
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from journal.imports.readers import ZipLimits, detect_format, read_journal
from journal.imports.readers.common import fit_tag
from journal.transfer.document import REFRAME_TEXT_FIELDS, ImportProblem

BERLIN = "Europe/Berlin"
KiB = 1024
STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


def read(data, filename="export.json", format=None, **limits):
    return read_journal(data if isinstance(data, bytes) else json.dumps(data).encode(),
                        filename=filename, format=format, zone=ZoneInfo(BERLIN),
                        limits=ZipLimits(**limits))


def refused(data, filename="export.json", format=None, **limits) -> str:
    with pytest.raises(ImportProblem) as caught:
        read(data, filename, format, **limits)
    return str(caught.value)


def make_zip(files: dict, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in files.items():
            info = name if isinstance(name, zipfile.ZipInfo) else zipfile.ZipInfo(name)
            info.compress_type = compression
            archive.writestr(info, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# --- our JSON ---------------------------------------------------------------------

GUIDED = {name: f"{name} ✓\nline two" for name in REFRAME_TEXT_FIELDS}
T1, T2, T3 = ("2024-01-05T13:30:00.123456Z", "2024-01-07T20:00:00.000000Z",
              "2024-01-08T07:00:00.000000Z")


def our_entry(ident, created, body="", **fields) -> dict:
    return {"id": ident, "created_at": created, "updated_at": created, "title": None,
            "body": body, "tags": [], "starred": False, "kind": "note", "win": None,
            "prompt": None, "reframe": None, **fields}


def our_document(**changes) -> dict:
    made = "2024-01-05T13:30:00.000000Z"
    return {
        "format": "journal-export", "version": 1, "exported_at": "2026-11-26T23:30:00.000000Z",
        "settings": {"timezone": BERLIN}, "hidden_prompts": ["evidence-1", "story-2"],
        "prompts": [{"ref": "p12", "text": "Which number moved?", "theme": "value", "why": None,
                     "created_at": made, "updated_at": "2024-01-06T08:00:00.000000Z",
                     "archived_at": "2024-02-01T08:00:00.000000Z"}],
        "tags": [{"name": "win", "display_name": "Win", "created_at": made},
                 {"name": "work/launch", "display_name": "Work/Launch", "created_at": made}],
        "entries": [
            our_entry(1, T1, "Café, 東京, naïve.\r\nAs written.", title="Shipped 🚀",
                      updated_at="2024-01-06T09:00:00.000000Z", tags=["win", "work/launch"],
                      starred=True, win={"part": "I cut scope."},
                      prompt={"text": "What did you finish?", "key": "value-1", "own": None}),
            our_entry(2, T2, kind="reframe", reframe={**GUIDED, "belief_before": 8,
                                                      "belief_after": 0},
                      prompt={"text": "Which number moved?", "key": None, "own": "p12"}),
            our_entry(3, T3, "A win.", win={"part": None},
                      prompt={"text": "A prompt since deleted", "key": None, "own": None}),
        ],
    } | changes


def plain(item) -> dict:
    """A dataclass as JSON would hold it, times written as the export writes them."""
    return json.loads(json.dumps(asdict(item), default=lambda moment: moment.strftime(STAMP)))


def as_document(journal) -> dict:
    """The document an export of ``journal`` writes (the contract, field by field)."""
    fields = ("created_at", "updated_at", "title", "body", "tags", "starred")
    entries = [{**{key: plain(entry)[key] for key in fields},
                "kind": "reframe" if entry.reframe else "note",
                "win": {"part": entry.win_part} if entry.is_win else None,
                "prompt": entry.prompt and plain(entry.prompt),
                "reframe": entry.reframe and plain(entry.reframe)} for entry in journal.entries]
    return {"format": "journal-export", "version": 1, "settings": {"timezone": journal.timezone},
            "hidden_prompts": journal.hidden_prompts, "entries": entries,
            "prompts": [plain(prompt) for prompt in journal.prompts],
            "tags": [plain(tag) for tag in journal.tags]}


def test_our_json_comes_back_field_for_field():
    original = our_document()
    journal = read(original)
    assert journal.format == "journal" and journal.notes == []
    expected = {key: value for key, value in original.items() if key != "exported_at"}
    expected["entries"] = [{k: v for k, v in e.items() if k != "id"} for e in original["entries"]]
    assert as_document(journal) == expected
    assert [entry.position for entry in journal.entries] == [1, 2, 3]


def test_our_json_ignores_unknown_keys_and_needs_no_zone():
    document = our_document(settings={"timezone": None}, future={"x": 1})
    document["entries"][0]["mood"] = "fine"
    journal = read(document)
    assert journal.timezone is None and journal.entries[0].title == "Shipped 🚀"


def entry_change(position, **changes) -> dict:
    document = our_document()
    document["entries"][position - 1].update(changes)
    return document


E1, E2, E3 = (f"Entry {n} ({stamp}): " for n, stamp in enumerate((T1, T2, T3), start=1))


@pytest.mark.parametrize(("document", "expected"), [
    (our_document(version=2), "This export comes from a newer version of the journal "
                              "(version 2); update the journal to import it."),
    (our_document(format="other"), "'format' should be 'journal-export'"),
    (entry_change(2, created_at="2024-13-40T00:00:00Z"), "Entry 2 (2024-13-40T00:00:00Z): the "
     "time '2024-13-40T00:00:00Z' in 'created_at' is not a time like 2024-01-05T13:30:00Z."),
    (entry_change(1, created_at="2024-01-05T13:30"), "Entry 1 (2024-01-05T13:30): the time "
     "'2024-01-05T13:30' in 'created_at' has no time zone; end it with Z for UTC."),
    (entry_change(1, kind="reframe"), E1 + "'kind' is 'reframe' but 'reframe' is null."),
    (entry_change(2, reframe={"belief_before": 11}), E2 + "'reframe.belief_before' should be a "
     "whole number from 0 to 10, not 11."),
    (entry_change(1, prompt={"key": "value-1"}), E1 + "the field 'prompt.text' is missing."),
    (entry_change(2, prompt={"text": "?", "own": "p9"}), E2 + "its prompt refers to 'p9'"),
    (entry_change(1, tags=["Work"]), E1 + "the tag 'Work' is not written in its canonical form "
     "('work')."),
    (entry_change(1, tags=["work trip"]), E1 + "“work trip” is not a valid tag: it contains a "
     "space"),
    (entry_change(1, tags=[f"t{n}" for n in range(51)]), E1 + "it has 51 tags; an entry may "
     "have at most 50."),
    (entry_change(3, title="x" * 201), E3 + "'title' is 201 characters long; the journal keeps "
     "at most 200."),
    (entry_change(3, body="a\u0000b"), E3 + "'body' contains a NUL character"),
    (entry_change(1, starred="yes"), E1 + "'starred' should be true or false, not yes."),
    (our_document(entries={}), "'entries' should be a list, not an object."),
    (our_document(entries=["text"]), "Entry 1: the entry should be an object ({...}), not text."),
    (our_document(settings={"timezone": "Mars/Olympus"}), "The settings: the time zone "
     "'Mars/Olympus' is not one the journal knows."),
])
def test_our_json_refuses_what_does_not_fit(document, expected):
    assert expected in refused(document, format="journal")


# --- jrnl ---------------------------------------------------------------------------

def jrnl_entry(date="2021-03-04", time="09:30", **fields) -> dict:
    return {"title": "A title.", "body": "Some text.", "date": date, "time": time, "tags": [],
            "starred": False, **fields}


def test_jrnl_export_is_read_in_the_chosen_zone():
    document = {"tags": {"@work": 2}, "entries": [
        jrnl_entry(title="Grüße aus 東京 🎉", body="Crème brûlée.\r\n@work done",
                   tags=["@work", "@Work Trip", "@c++", "@!!"], starred=True,
                   uuid="abc", creator={"device_agent": "x"}),
        jrnl_entry("2024-03-31", "02:30", title="In the gap", body=""),
        jrnl_entry("2024-10-27", "02:30", title="Twice", body=None, tags=["@work"]),
        jrnl_entry("2024-01-05", "14:00", title="t" * 201, body="rest"),
    ]}
    journal = read(document, "jrnl.json")
    first, gap, repeated, long = journal.entries
    assert journal.format == "jrnl" and first.starred and not gap.starred
    assert (first.title, first.body) == ("Grüße aus 東京 🎉", "Crème brûlée.\n@work done")
    assert first.tags == ["work", "Work-Trip", "c++", "!!"]
    assert first.created_at == utc(2021, 3, 4, 8, 30)
    assert gap.created_at == utc(2024, 3, 31, 1, 30)  # 02:30 does not exist: 03:30 CEST
    assert repeated.created_at == utc(2024, 10, 27, 0, 30)  # the first 02:30, in CEST
    assert gap.body == repeated.body == ""
    assert long.title is None and long.body == "t" * 201 + "\n\nrest"
    assert journal.notes == [
        "1 tag was changed to fit the journal's tag rules, e.g. '@Work Trip' became "
        "'work-trip'.",
        "1 title is longer than 200 characters; each now opens its entry's text instead."]


def test_jrnl_tags_that_differ_only_in_symbols_stay_apart():
    document = {"tags": {"@c": 1, "@c++": 1, "@c#": 1}, "entries": [
        jrnl_entry(body="Three languages @c @c++ @c#", tags=["@c", "@c++", "@c#", "@C"]),
        jrnl_entry(body="Spaces", tags=["@Work Trip", "@work-trip", "@\"", "@,"])]}
    symbols, spaces = read(document, "jrnl.json").entries
    assert symbols.tags == ["c", "c++", "c#"]
    assert spaces.tags == ["Work-Trip"]
    assert read(document, "jrnl.json").notes == [
        "1 tag was changed to fit the journal's tag rules, e.g. '@Work Trip' became "
        "'work-trip'.",
        "1 pair of tags that differ only in spaces or in characters a tag cannot hold became "
        "one tag, e.g. '@Work Trip' and '@work-trip' both became 'work-trip'.",
        "2 tags with nothing a tag can hold were left out, e.g. '@\"'."]


@pytest.mark.parametrize(("entry", "expected"), [
    (jrnl_entry("2021-13-40"), "Entry 2 (2021-13-40): the date '2021-13-40' is not a date "
                               "like 2021-03-04."),
    (jrnl_entry(time="25:99"), "Entry 2 (2021-03-04): the time '25:99' is not a time like 14:30."),
    (jrnl_entry(date=None), "Entry 2: 'date' should be text, not null."),
    (jrnl_entry(tags="@work"), "Entry 2 (2021-03-04): 'tags' should be a list, not text."),
    (jrnl_entry(body="a\u0000"), "Entry 2 (2021-03-04): 'body' contains a NUL character"),
])
def test_jrnl_entry_problems_name_the_entry(entry, expected):
    assert expected in refused({"tags": {}, "entries": [jrnl_entry(), entry]}, format="jrnl")


# --- Day One ------------------------------------------------------------------------

MOMENT = "![](dayone-moment://3F2D1F8A5B3C4A7E9D1C2B3A4F5E6D7C)"


def dayone_document() -> dict:
    return {"metadata": {"version": "1.0"}, "entries": [
        {"uuid": "A1", "creationDate": "2023-01-05T19:30:00Z", "modifiedDate":
         "2023-01-06T10:00:00Z", "timeZone": "America/New_York",
         "text": f"# Ski day ⛷️\n\nÉtoile, 雪.\n{MOMENT}", "tags": ["Work Trip", "ski"],
         "starred": True, "photos": [{"identifier": "3F2D", "md5": "abc", "type": "jpeg"}],
         "location": {"placeName": "Stowe"}},
        {"uuid": "A2", "creationDate": "2023-02-01T08:00:00Z", "timeZone": "Mars/Olympus"},
    ]}


def test_dayone_json_keeps_utc_times_media_and_whole_text():
    journal = read(dayone_document(), "Journal.json")
    ski, empty = journal.entries
    assert journal.format == "dayone"
    assert ski.created_at == utc(2023, 1, 5, 19, 30)  # 14:30 in New York
    assert ski.updated_at == utc(2023, 1, 6, 10, 0)
    assert ski.title is None and ski.body == f"# Ski day ⛷️\n\nÉtoile, 雪.\n{MOMENT}"
    assert ski.tags == ["Work-Trip", "ski"] and ski.starred
    assert (empty.body, empty.tags, empty.starred) == ("", [], False)
    assert "1 entry names a time zone the journal does not know (e.g. 'Mars/Olympus')" in \
        journal.notes[1]


def test_dayone_zip_reads_journal_files_and_never_the_photos():
    data = make_zip({"Journal.json": json.dumps(dayone_document()),
                     "Travel.json": json.dumps({"metadata": {}, "entries": [
                         {"creationDate": "2023-03-01T12:00:00Z", "text": "Lisbon"}]}),
                     "photos/abc.jpeg": b"\xff\xd8" + bytes(200 * KiB)})
    journal = read(data, "export.zip", max_member_size=100 * KiB)
    assert [entry.body[:6] for entry in journal.entries] == ["# Ski ", "", "Lisbon"]
    assert MOMENT in journal.entries[0].body
    bad = make_zip({"Journal.json": json.dumps(
        {"metadata": {}, "entries": [{"creationDate": "yesterday"}]})})
    assert "Entry 1 (yesterday): the time 'yesterday' in 'creationDate'" in refused(bad, "x.zip")


@pytest.mark.parametrize(("document", "format", "expected"), [
    ([jrnl_entry()], "jrnl", 'A jrnl export is an object with "tags" and "entries"; this file '
                             "holds a list."),
    ({"entries": {}}, "dayone", 'The Day One file should be an object with "metadata" and a '
                                'list of "entries"'),
    ([1, 2], "journal", "The file should be an object ({...}), not a list."),
])
def test_a_wrong_shape_names_what_was_expected(document, format, expected):
    assert expected in refused(document, format=format)


# --- Markdown -----------------------------------------------------------------------

def markdown(body: str, **front) -> str:
    """A Markdown file in our export's layout: YAML front matter, a blank line, the body."""
    return "---\n" + "".join(f"{key}: {value}\n" for key, value in front.items()) + \
        f"---\n\n{body}\n"


OUR_NOTE = markdown(
    "The body, as written.\n## Not a section", date="2024-01-05T14:30:00+01:00",
    updated="2024-01-06T09:12:00+01:00", title='"Shipped the export"',
    tags='["work/launch", "win"]', starred="true", kind="note",
    prompt='"What did you finish this week?"', win="true",
    win_part='"I cut the scope to what mattered."')
OUR_REFRAME = markdown(
    "## What happened\n\nThe demo crashed.\n\n## Facts that contradict it\nTwo customers "
    "signed.\n## The next step for tomorrow ##\nFix the race.\n\n## Anything else\n\n"
    "Free text.\n## What happened\nstays in the free text.",
    date="2024-01-07T21:00:00+01:00", kind="reframe", belief_before=8, belief_after=4)


def test_markdown_zip_in_our_layout():
    data = make_zip({"2024/2024-01-07-2100-demo.md": OUR_REFRAME,
                     "2024/2024-01-05-1430-shipped-the-export.md": OUR_NOTE,
                     "README.md": "# About this export", "__MACOSX/2024/._x.md": b"\x00\x05",
                     ".DS_Store": b"\x00", "2024/photo.jpeg": b"\xff\xd8"})
    journal = read(data, "journal.zip")
    note, reframe = journal.entries
    assert journal.format == "markdown" and [note.position, reframe.position] == [1, 2]
    assert note.created_at == utc(2024, 1, 5, 13, 30) and note.updated_at == utc(2024, 1, 6, 8, 12)
    assert (note.title, note.tags, note.starred) == ("Shipped the export",
                                                     ["work/launch", "win"], True)
    assert note.body == "The body, as written.\n## Not a section" and note.reframe is None
    assert note.prompt.text == "What did you finish this week?" and note.is_win
    assert note.win_part == "I cut the scope to what mattered."
    guided = reframe.reframe
    assert (guided.happened, guided.evidence_against, guided.next_step, guided.critic) == (
        "The demo crashed.", "Two customers signed.", "Fix the race.", "")
    assert (guided.belief_before, guided.belief_after) == (8, 4)
    assert reframe.body == "Free text.\n## What happened\nstays in the free text."


def test_markdown_from_other_programs():
    data = make_zip({
        "notes/2023-05-02-0815 standup.md": "# Stand-up notes\r\n\r\nShort one. #team",
        "notes/2023-05-01.txt": "No heading here.",
        "b.markdown": "---\ncreated: 2023-04-30\ntags: Work Trip, déjà vu\n---\nDate only.",
        "c.md": "---\ndate: 2023-04-29 18:00\ntitle: Naive time\n---\n",
        "d.md": "\ufeff---\ndate: 2023-04-28T10:00:00Z\nstarred: yes\n---\nBOM first.",
    })
    bom, naive, date_only, plain, standup = read(data, "notes.zip").entries
    assert standup.title == "Stand-up notes" and standup.body == "Short one. #team"
    assert standup.created_at == utc(2023, 5, 2, 6, 15)
    assert (plain.title, plain.body) == (None, "No heading here.")
    assert date_only.created_at == utc(2023, 4, 29, 22, 0)  # local midnight, CEST
    assert date_only.tags == ["Work-Trip", "déjà-vu"] and date_only.title == "b"
    assert (naive.created_at, naive.title, naive.body) == (utc(2023, 4, 29, 16), "Naive time", "")
    assert bom.starred and (bom.title, bom.body) == ("d", "BOM first.")


NO_MARKDOWN = "The zip holds no Markdown files (.md, .markdown or .txt)."


def test_dates_written_as_notes_apps_write_them():
    data = make_zip({
        "front.md": "---\ndate: 2018-01-02 18:58:49 Tuesday\n---\nFront matter.",
        "first.md": "\n2018-01-03 07:05 Wednesday\n# Heading\n\nFirst line.",
        "weekday.md": "Thursday, 2018-01-04\nWeekday first.",
        "2018-01-05-sunny.md": "2018-01-05 Sunny and warm.",
    })
    front, first, weekday, sunny = read(data, "notes.zip").entries
    assert (front.created_at, front.body) == (utc(2018, 1, 2, 17, 58, 49), "Front matter.")
    assert (first.created_at, first.title, first.body) == (
        utc(2018, 1, 3, 6, 5), "Heading", "First line.")
    assert (weekday.created_at, weekday.body) == (utc(2018, 1, 3, 23), "Weekday first.")
    assert (sunny.created_at, sunny.body) == (utc(2018, 1, 4, 23), "2018-01-05 Sunny and warm.")


def test_markdown_files_without_a_date_wait_dated_by_their_files():
    undated = zipfile.ZipInfo("ideas.md", date_time=(2023, 6, 1, 14, 30, 0))
    journal = read(make_zip({"2024-01-01-a.md": "Dated.", undated: "No date anywhere."}),
                   "notes.zip")
    assert [entry.body for entry in journal.entries] == ["Dated."]
    (idea,) = journal.undated
    assert (idea.source, idea.created_at, idea.position) == (
        "ideas.md", utc(2023, 6, 1, 12, 30), 2)  # 14:30 in Berlin, the import's zone
    assert "Entry 1 (ideas.md): the file has no date" in refused(
        b"No date anywhere.", "ideas.md", format="markdown")  # a lone file has no file time


@pytest.mark.parametrize(("files", "expected"), [
    ({"2023-13-45-x.md": "x"}, "Entry 1 (2023-13-45-x.md): the file name starts with "
                               "'2023-13-45', which is not a date"),
    ({"a.md": "---\ndate: 2024-01-01\ntitle: [unclosed\n---\n"},
     "Entry 1 (a.md): the front matter is not valid YAML (line 3)"),
    ({"a.md": "---\ndate: 2024-01-01\n"}, "has no closing '---' line."),
    ({"a.md": "---\ndate: someday\n---\n"}, "the date 'someday' in the front matter is not"),
    ({"a.md": "---\ndate: 2024-01-01\nkind: reframe\nbelief_after: 12\n---\n"},
     "'belief_after' should be a whole number from 0 to 10, not '12'."),
    ({"2024-01-01-a.md": b"caf\xe9"}, "Entry 1 (2024-01-01-a.md): the file is not UTF-8 text"),
    ({"2024-01-01-a.md": "a\x00b"}, "Entry 1 (2024-01-01-a.md): the file contains a NUL"),
    ({"photo.jpeg": b"\xff"}, NO_MARKDOWN),
    ({"inner.zip": make_zip({"2024-01-01-a.md": "inside"})}, NO_MARKDOWN),  # never opened
])
def test_markdown_problems_name_the_file(files, expected):
    assert expected in refused(make_zip(files), "notes.zip", format="markdown")


# --- detection ----------------------------------------------------------------------

SAMPLES = {
    "journal": (json.dumps(our_document()).encode(), "export.json"),
    "jrnl": (json.dumps({"tags": {}, "entries": [jrnl_entry()]}).encode(), "jrnl.json"),
    "dayone": (make_zip({"Journal.json": json.dumps(dayone_document())}), "dayone.zip"),
    "markdown": (make_zip({"2024/2024-01-05-a.md": OUR_NOTE}), "journal.zip"),
}


@pytest.mark.parametrize(("name", "sample"), [
    *SAMPLES.items(), ("dayone", (json.dumps(dayone_document()).encode(), "D.json")),
    ("jrnl", (b'{"tags": {}, "entries": []}', "empty.json")),
    ("markdown", (OUR_NOTE.encode(), "2024-01-05-single.md"))])
def test_each_format_is_detected(name, sample):
    assert detect_format(*sample) == name
    assert read(*sample).format == name


@pytest.mark.parametrize(("chosen", "actual", "looks"), [
    ("jrnl", "dayone", "This file looks like a Day One export; choose Day One as the format, "
                       "or let the journal recognise it."),
    ("dayone", "markdown", "looks like a zip of Markdown files; choose Markdown zip"),
    ("markdown", "journal", "looks like an export from this journal"),
    ("journal", "jrnl", "looks like a jrnl JSON export; choose jrnl JSON"),
])
def test_the_wrong_format_chosen_says_what_the_file_looks_like(chosen, actual, looks):
    assert looks in refused(*SAMPLES[actual], format=chosen)


def test_foreign_tags_fit_the_rules():
    assert fit_tag("Work Trip") == ("Work-Trip", "work-trip")
    assert fit_tag("#a//b/") == ("a/b", "a/b")
    assert fit_tag("İstanbul 2024!") == ("İstanbul-2024!", "i̇stanbul-2024!")
    assert fit_tag("x" * 100)[1] == "x" * 64
    assert fit_tag("@C++") == ("C++", "c++")
    assert fit_tag("Node.js") == ("Node.js", "node.js")
    assert fit_tag(".NET/./core/..") == (".NET/core", ".net/core")
    assert fit_tag("~home") == ("home", "home")
    assert fit_tag("🎉") == ("🎉", "🎉")
    assert fit_tag('@"') is None and fit_tag(",") is None
