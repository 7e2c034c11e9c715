"""This journal's own JSON export, read strictly.

The document is described in ``docs/export-format.md`` and by the exporter. Every
field is checked; keys this version does not know are ignored, so a file from a
slightly newer journal that only adds fields still imports. Everything the document
holds comes back, so importing an export and exporting again gives the same document
(apart from database ids and the export time).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from journal.imports.readers.common import MAX_TITLE_LENGTH, Record
from journal.imports.readers.quoting import kind_of, shown, where_from
from journal.models.entries import ENTRY_KINDS, NOTE, REFRAME
from journal.tags.names import MAX_TAG_LENGTH, MAX_TAGS_PER_ENTRY, InvalidTag, canonical_tag
from journal.timezones import is_valid_timezone
from journal.transfer.document import (
    DOCUMENT_FORMAT,
    DOCUMENT_VERSION,
    REFRAME_TEXT_FIELDS,
    ImportedEntry,
    ImportedPrompt,
    ImportedPromptRef,
    ImportedReframe,
    ImportedTag,
    ImportProblem,
    ParsedJournal,
)

MAX_KEY_LENGTH = 64
MAX_THEME_LENGTH = 32


def read_document(document: Any) -> ParsedJournal:
    """The journal in ``document`` (parsed JSON). Raises ImportProblem for the first
    thing that is wrong, naming the entry (or prompt, or tag) it is in."""
    top = Record(document, noun="the file")
    check_version(top)
    journal = ParsedJournal(format="journal")
    top.moment("exported_at")
    journal.timezone = _timezone(top)
    journal.hidden_prompts = _hidden_prompts(top)
    journal.prompts = _prompts(top)
    journal.tags = _tags(top)
    refs = {prompt.ref for prompt in journal.prompts}
    entries = top.items("entries", required=True)
    journal.entries = [_entry(item, position, refs)
                       for position, item in enumerate(entries, start=1)]
    return journal


def check_version(top: Record) -> None:
    """Raises ImportProblem unless ``top`` is our document in a version this journal
    reads."""
    if top.data.get("format") != DOCUMENT_FORMAT:
        raise ImportProblem(f"This is not an export from this journal: 'format' should be "
                            f"'{DOCUMENT_FORMAT}'.")
    version = top.data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ImportProblem(f"The export's 'version' should be a whole number such as "
                            f"{DOCUMENT_VERSION}, not {shown(version)}.")
    if version > DOCUMENT_VERSION:
        raise ImportProblem(f"This export comes from a newer version of the journal (version "
                            f"{shown(version)}); update the journal to import it.")


def _timezone(top: Record) -> str | None:
    settings = top.mapping("settings")
    if settings is None:
        return None
    record = Record(settings, prefix="The settings")
    name = record.text("timezone", nullable=True, max_length=64)
    if name is not None and not is_valid_timezone(name):
        raise record.problem(f"the time zone '{shown(name)}' is not one the journal knows.")
    return name


def _hidden_prompts(top: Record) -> list[str]:
    keys = []
    for number, key in enumerate(top.items("hidden_prompts"), start=1):
        if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
            raise ImportProblem(f"Hidden prompt {number} should be the key of a built-in "
                                f"prompt, not {shown(key)}.")
        keys.append(key)
    return keys


def _listed(top: Record, key: str, noun: str, name_key: str,
            width: int) -> Iterator[Record]:
    """The objects of the list ``key``, each as a Record whose messages name it by its
    place and its ``name_key`` ("Tag 3 (work)")."""
    for number, item in enumerate(top.items(key), start=1):
        name = item.get(name_key) if isinstance(item, dict) else None
        label = f"{noun} {number}" + (f" ({shown(name, width)})" if isinstance(name, str)
                                      else "")
        yield Record(item, prefix=label, noun="it")


def _prompts(top: Record) -> list[ImportedPrompt]:
    prompts: list[ImportedPrompt] = []
    seen: set[str] = set()
    for record in _listed(top, "prompts", "Prompt", "ref", 20):
        prompt = ImportedPrompt(
            ref=record.text("ref", required=True, non_empty=True, max_length=MAX_KEY_LENGTH),
            text=record.text("text", required=True, non_empty=True),
            theme=record.text("theme", required=True, max_length=MAX_THEME_LENGTH),
            why=record.text("why", nullable=True),
            created_at=record.moment("created_at"),
            updated_at=record.moment("updated_at"),
            archived_at=record.moment("archived_at"),
        )
        if prompt.ref in seen:
            raise record.problem(f"the ref '{shown(prompt.ref)}' is used by two prompts.")
        seen.add(prompt.ref)
        prompts.append(prompt)
    return prompts


def _tags(top: Record) -> list[ImportedTag]:
    tags: list[ImportedTag] = []
    seen: set[str] = set()
    for record in _listed(top, "tags", "Tag", "name", 30):
        tag = ImportedTag(
            name=record.text("name", required=True),
            display_name=record.text("display_name", required=True, non_empty=True,
                                     max_length=MAX_TAG_LENGTH),
            created_at=record.moment("created_at"),
        )
        _check_tag_name(record, tag.name)
        if tag.name in seen:
            raise record.problem(f"the tag '{shown(tag.name)}' is listed twice.")
        seen.add(tag.name)
        tags.append(tag)
    return tags


def _check_tag_name(record: Record, name: Any) -> str:
    if not isinstance(name, str):
        raise record.problem(f"a tag should be text, not {kind_of(name)}.")
    try:
        canonical = canonical_tag(name)
    except InvalidTag as problem:
        raise record.problem(f"“{shown(problem.raw)}” is not a valid tag: "
                             f"{problem.reason}") from None
    if canonical != name:
        raise record.problem(f"the tag '{shown(name)}' is not written in its canonical form "
                             f"('{canonical}').")
    return name


def _entry(item: Any, position: int, refs: set[str]) -> ImportedEntry:
    created = item.get("created_at") if isinstance(item, dict) else None
    record = Record(item, entry=position, where=where_from(created))
    ident = record.get("id", required=False)
    if ident is not None and (isinstance(ident, bool) or not isinstance(ident, int | str)):
        raise record.problem(f"'id' should be a number, not {kind_of(ident)}.")
    entry = ImportedEntry(
        created_at=record.moment("created_at", required=True, nullable=False),
        updated_at=record.moment("updated_at"),
        title=record.text("title", nullable=True, max_length=MAX_TITLE_LENGTH),
        body=record.text("body", required=True),
        starred=record.boolean("starred"),
        position=position,
    )
    entry.tags = _entry_tags(record)
    entry.reframe = _reframe(record)
    kind = record.get("kind", required=False)
    if kind is not None and kind not in ENTRY_KINDS:
        raise record.problem(f"'kind' should be 'note' or 'reframe', not {shown(kind)}.")
    expected = REFRAME if entry.reframe is not None else NOTE
    if kind is not None and kind != expected:
        raise record.problem(f"'kind' is '{kind}' but 'reframe' is "
                             + ("an object." if entry.reframe is not None else "null."))
    win = record.mapping("win")
    if win is not None:
        details = record.within("win", win)
        entry.is_win = details.boolean("marked", default=True)
        entry.win_part = details.text("part", nullable=True)
    entry.prompt = _prompt_ref(record, refs)
    return entry


def _entry_tags(record: Record) -> list[str]:
    names: list[str] = []
    for name in record.items("tags"):
        _check_tag_name(record, name)
        if name not in names:
            names.append(name)
    if len(names) > MAX_TAGS_PER_ENTRY:
        raise record.problem(f"it has {len(names)} tags; an entry may have at most "
                             f"{MAX_TAGS_PER_ENTRY}.")
    return names


def _reframe(record: Record) -> ImportedReframe | None:
    data = record.mapping("reframe")
    if data is None:
        return None
    fields = record.within("reframe", data)
    reframe = ImportedReframe(**{name: fields.text(name) for name in REFRAME_TEXT_FIELDS})
    reframe.belief_before = fields.belief("belief_before")
    reframe.belief_after = fields.belief("belief_after")
    return reframe


def _prompt_ref(record: Record, refs: set[str]) -> ImportedPromptRef | None:
    data = record.mapping("prompt")
    if data is None:
        return None
    fields = record.within("prompt", data)
    prompt = ImportedPromptRef(
        text=fields.text("text", required=True),
        key=fields.text("key", nullable=True, max_length=MAX_KEY_LENGTH),
        own=fields.text("own", nullable=True),
    )
    if prompt.key is not None and prompt.own is not None:
        raise record.problem("its prompt has both a built-in 'key' and an 'own' ref; it can "
                             "only be one of them.")
    if prompt.own is not None and prompt.own not in refs:
        raise record.problem(f"its prompt refers to '{shown(prompt.own)}', which is not among "
                             "the file's prompts.")
    return prompt
