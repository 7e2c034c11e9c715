"""Export, import into a fresh account, export again: the same document apart from ids
and the export time, for generated journals (every field, odd text included)."""

import itertools
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from journal.auth.services import create_user
from journal.exports.batches import EntryReader, ExportOwner
from journal.exports.formats import FORMATS
from journal.extensions import db
from journal.fulltext.index import index_entries
from journal.imports.readers import read_journal
from journal.imports.services import apply_import, plan_import
from journal.models import Entry, Prompt, PromptHide, Reframe, Tag
from journal.tags.names import canonical_tag
from journal.transfer.document import REFRAME_TEXT_FIELDS

TAGS = ["work", "Work/Launch", "team", "Café", "doubt", "win", "日記", "q3_goals"]
ZONES = [None, "Europe/Berlin", "America/New_York", "Asia/Kolkata"]
START = datetime(2001, 1, 1, tzinfo=UTC)

# Any text the journal can store: every character but surrogates and NUL, with line
# breaks of both kinds.
text = st.lists(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
                | st.sampled_from(["\r\n", "\n", "\t"]), max_size=30).map("".join)
trimmed = text.map(str.strip).filter(bool)
maybe_trimmed = st.none() | trimmed


@st.composite
def journals(draw):
    count = draw(st.integers(0, 8))
    # distinct minutes, so no entry is a duplicate of another
    minutes = draw(st.lists(st.integers(0, 13_000_000), min_size=count, max_size=count,
                            unique=True))
    prompts = draw(st.lists(st.tuples(trimmed, st.sampled_from(["value", "evidence"]),
                                      st.booleans()), max_size=3))
    entries = []
    for minute in minutes:
        created = START + timedelta(minutes=minute, seconds=draw(st.integers(0, 59)),
                                    microseconds=draw(st.integers(0, 999_999)))
        reframe = None
        if draw(st.booleans()):
            reframe = {name: draw(text) for name in REFRAME_TEXT_FIELDS}
            reframe["belief_before"] = draw(st.none() | st.integers(0, 10))
            reframe["belief_after"] = draw(st.none() | st.integers(0, 10))
        entries.append({
            "created_at": created,
            "updated_at": created + timedelta(seconds=draw(st.integers(0, 10**7))),
            "title": draw(st.none() | trimmed.map(lambda t: t[:200])),
            "body": draw(text), "starred": draw(st.booleans()),
            "tags": draw(st.lists(st.sampled_from(TAGS), unique_by=canonical_tag, max_size=4)),
            "is_win": draw(st.booleans()), "win_part": draw(maybe_trimmed),
            "prompt": draw(st.sampled_from(["none", "builtin", "own", "gone"])),
            "prompt_text": draw(trimmed), "own_index": draw(st.integers(0, 2)),
            "reframe": reframe,
        })
    return {"timezone": draw(st.sampled_from(ZONES)), "prompts": prompts, "entries": entries,
            "hidden": draw(st.integers(0, 3))}


NAMES = itertools.count()


def store(journal: dict) -> object:
    """An account holding ``journal``, written the way the app writes rows."""
    user = create_user(f"writer{next(NAMES)}", "correct horse battery staple")
    user.timezone = journal["timezone"]
    builtins = db.session.scalars(select(Prompt).where(Prompt.owner_id.is_(None))
                                  .order_by(Prompt.id).limit(4)).all()
    for prompt in builtins[:journal["hidden"]]:
        db.session.add(PromptHide(user_id=user.id, prompt_id=prompt.id))
    own = []
    for number, (words, theme, archived) in enumerate(journal["prompts"]):
        made = START + timedelta(days=number)
        prompt = Prompt(owner_id=user.id, text=words, theme=theme, created_at=made,
                        updated_at=made + timedelta(hours=1),
                        retired_at=made + timedelta(days=2) if archived else None)
        db.session.add(prompt)
        own.append(prompt)
    db.session.flush()
    tags: dict[str, Tag] = {}
    for values in journal["entries"]:
        entry = Entry(owner_id=user.id, title=values["title"], body=values["body"],
                      created_at=values["created_at"], updated_at=values["updated_at"],
                      starred=values["starred"], is_win=values["is_win"],
                      win_part=values["win_part"], version=1, word_count=0,
                      kind="reframe" if values["reframe"] is not None else "note")
        choice = values["prompt"]
        if choice == "builtin":
            entry.prompt_id, entry.prompt_text = builtins[0].id, values["prompt_text"]
        elif choice == "own" and own:
            chosen = own[values["own_index"] % len(own)]
            entry.prompt_id, entry.prompt_text = chosen.id, chosen.text
        elif choice == "gone":
            entry.prompt_text = values["prompt_text"]
        if values["reframe"] is not None:
            entry.reframe = Reframe(**values["reframe"])
        for shown in values["tags"]:
            name = canonical_tag(shown)
            if name not in tags:
                tags[name] = Tag(owner_id=user.id, name=name, display_name=shown,
                                 created_at=values["created_at"])
            entry.tags.append(tags[name])
        db.session.add(entry)
    db.session.flush()
    index_entries(db.session.connection(), [e.id for e in db.session.scalars(
        select(Entry).where(Entry.owner_id == user.id))])
    db.session.commit()
    return user


def export_json(user) -> bytes:
    return b"".join(FORMATS["json"].write(ExportOwner.of(user), EntryReader(user.id)))


def without_ids(document: dict) -> dict:
    """The document with what may differ between accounts taken out: the export time,
    entry ids, and own prompts' refs (replaced by their place in the list)."""
    document = dict(document)
    del document["exported_at"]
    places = {prompt["ref"]: index for index, prompt in enumerate(document["prompts"])}
    document["prompts"] = [{**prompt, "ref": places[prompt["ref"]]}
                           for prompt in document["prompts"]]
    entries = []
    for entry in document["entries"]:
        entry = {key: value for key, value in entry.items() if key != "id"}
        if entry["prompt"] and entry["prompt"]["own"]:
            entry["prompt"] = {**entry["prompt"], "own": places[entry["prompt"]["own"]]}
        entries.append(entry)
    document["entries"] = entries
    return document


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(journal=journals())
def test_export_import_export_gives_the_same_document(app, journal):
    original = store(journal)
    first = export_json(original)

    fresh = create_user(f"fresh{next(NAMES)}", "correct horse battery staple")
    db.session.commit()
    parsed = read_journal(first, filename="journal.json", format=None, zone=ZoneInfo("UTC"))
    apply_import(fresh, plan_import(fresh, parsed))
    db.session.commit()
    second = export_json(fresh)

    assert without_ids(json.loads(second)) == without_ids(json.loads(first))
    # importing the same document again adds nothing
    assert plan_import(fresh, parsed).new_entries == []


def expected_entry(values: dict, builtin: Prompt, own_texts: list[str]) -> dict:
    """What the export should say of one stored entry (apart from its id)."""
    prompt = None
    choice = values["prompt"]
    if choice == "builtin":
        prompt = {"text": values["prompt_text"], "key": builtin.key, "own": None}
    elif choice == "own" and own_texts:
        index = values["own_index"] % len(own_texts)
        prompt = {"text": own_texts[index], "key": None, "own": index}
    elif choice == "gone":
        prompt = {"text": values["prompt_text"], "key": None, "own": None}
    win = None
    if values["is_win"]:
        win = {"part": values["win_part"]}
    elif values["win_part"]:
        win = {"part": values["win_part"], "marked": False}
    return {
        "created_at": values["created_at"].isoformat(timespec="microseconds")
        .replace("+00:00", "Z"),
        "updated_at": values["updated_at"].isoformat(timespec="microseconds")
        .replace("+00:00", "Z"),
        "title": values["title"], "body": values["body"],
        "tags": sorted(canonical_tag(shown) for shown in values["tags"]),
        "starred": values["starred"],
        "kind": "reframe" if values["reframe"] is not None else "note",
        "win": win, "prompt": prompt, "reframe": values["reframe"],
    }


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(journal=journals())
def test_the_export_opens_every_sealed_field_as_it_was_written(app, journal):
    user = store(journal)
    builtin = db.session.scalars(select(Prompt).where(Prompt.owner_id.is_(None))
                                 .order_by(Prompt.id).limit(1)).one()
    document = without_ids(json.loads(export_json(user)))

    assert [prompt["text"] for prompt in document["prompts"]] == [
        words for words, _, _ in journal["prompts"]]
    own_texts = [words for words, _, _ in journal["prompts"]]
    ordered = sorted(journal["entries"], key=lambda values: values["created_at"])
    assert document["entries"] == [expected_entry(values, builtin, own_texts)
                                   for values in ordered]
    assert "unreadable" not in document
