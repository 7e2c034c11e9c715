"""Storing a read file for one owner. Functions add and flush; the caller commits once,
so an import is all or nothing. A large import runs as a job
(:mod:`journal.imports.jobs`) that calls :func:`prepare_import` and then
:func:`write_entries` batch by batch, committing in between.

:func:`plan_import` decides what an import would add (new entries, duplicates left
out, tags and prompts to create); the preview shows the plan and :func:`apply_import`
carries it out with Core bulk inserts, which is what keeps ten thousand entries to a
few seconds, search index included. Their rows are sealed in Python on the way
(:mod:`journal.imports.rows`), so an encrypted journal's import needs its data key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select

from journal.extensions import db
from journal.fulltext.index import index_entries
from journal.imports.duplicates import entry_fingerprint, existing_fingerprints
from journal.imports.rows import entry_row, reframe_row, tag_rows
from journal.models import Entry, EntryTag, Prompt, PromptHide, Reframe, Tag, User, utcnow
from journal.ownership import own_prompts
from journal.tags.lookup import tags_named
from journal.tags.names import canonical_tag, display_form, inline_tags, merge_tag_lists
from journal.totals import recount_owner
from journal.transfer.document import (
    REFRAME_TEXT_FIELDS,
    ImportedEntry,
    ImportProblem,
    ParsedJournal,
)

BATCH_SIZE = 1_000
TAG_LOOKUP_BATCH = 500


@dataclass
class ImportPlan:
    """What an import of ``journal`` into ``owner``'s account would do."""

    journal: ParsedJournal
    # whether the entries without a date of their own come along, dated by their files
    date_undated: bool = False
    new_entries: list[ImportedEntry] = field(default_factory=list)
    # the canonical tag names of each new entry, in the same order as new_entries
    entry_tags: list[list[str]] = field(default_factory=list)
    already_here: int = 0  # entries of the file the account already holds
    # how often each new entry that the file holds more than once appears in it
    repeat_counts: list[int] = field(default_factory=list)
    # canonical tag name -> (display form, first use) for every tag the new entries use
    tags: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    existing_tags: set[str] = field(default_factory=set)
    # own prompts of the file that the account does not have yet (by text and theme)
    new_prompts: int = 0
    timezone_change: str | None = None  # the zone the account will take, if any

    @property
    def duplicates(self) -> int:
        """Entries of the file left out: already in the journal, or a repeat of one."""
        return self.already_here + sum(count - 1 for count in self.repeat_counts)

    @property
    def entries(self) -> list[ImportedEntry]:
        """The file's entries this import considers: the undated ones only when chosen."""
        journal = self.journal
        return journal.entries + journal.undated if self.date_undated else journal.entries


def _tag_pairs(entry: ImportedEntry, foreign: bool) -> list[tuple[str, str]]:
    """``(canonical, display)`` for each of ``entry``'s tags, first occurrence kept.
    Foreign files also bring their inline ``#tags``, as entries written here do.
    Raises ValueError (InvalidTag) for a tag that cannot be stored."""
    pairs = [(canonical_tag(raw), display_form(raw)[:64]) for raw in entry.tags]
    if foreign:
        return merge_tag_lists(pairs, inline_tags(_all_text(entry)))
    return merge_tag_lists(pairs)


def _all_text(entry: ImportedEntry) -> str:
    guided = ([getattr(entry.reframe, name) for name in REFRAME_TEXT_FIELDS]
              if entry.reframe else [])
    return "\n\n".join([*guided, entry.body])


def plan_import(owner: User, journal: ParsedJournal, *,
                date_undated: bool = False, job: int | None = None) -> ImportPlan:
    """Compare ``journal`` with what ``owner`` already has. The file's entries without
    a date of their own (:attr:`ParsedJournal.undated`) are left out unless
    ``date_undated``. For import ``job``, what it wrote so far counts as already
    there. Raises ImportProblem for a tag that cannot be stored (readers normally make
    foreign tags fit)."""
    plan = ImportPlan(journal, date_undated=date_undated)
    entries = plan.entries
    known = existing_fingerprints(owner.id, entries, job=job)
    seen: dict[str, int] = {}  # fingerprint -> copies in the file
    for entry in entries:
        print_ = entry_fingerprint(entry)
        if print_ in known:
            plan.already_here += 1
        elif print_ in seen:
            seen[print_] += 1
        else:
            seen[print_] = 1
            plan.new_entries.append(entry)
    plan.repeat_counts = [count for count in seen.values() if count > 1]

    shown = {canonical_tag(tag.name): tag.display_name for tag in journal.tags}
    foreign = journal.format != "journal"
    for entry in plan.new_entries:
        try:
            pairs = _tag_pairs(entry, foreign)
        except ValueError as problem:
            raise ImportProblem(str(problem), entry=entry.position,
                                where=entry.created_at.date().isoformat()) from None
        plan.entry_tags.append([name for name, _ in pairs])
        for name, display in pairs:
            if name not in plan.tags:
                plan.tags[name] = (shown.get(name) or display or name, entry.created_at)
    if plan.tags:
        plan.existing_tags = set(_existing_tags(owner, plan.tags, job))

    plan.new_prompts = _matching_prompts(owner, journal).count(None)
    if journal.timezone and not owner.timezone:
        plan.timezone_change = journal.timezone
    return plan


@dataclass
class ImportResult:
    entries: int = 0
    already_here: int = 0  # left out: the journal holds them
    repeat_counts: list[int] = field(default_factory=list)  # see ImportPlan
    undated_left_out: int = 0  # files without a date, left out by choice
    tags: int = 0  # tags created
    prompts: int = 0  # own prompts created
    entry_ids: list[int] = field(default_factory=list)


@dataclass
class Targets:
    """Database ids the entries of an import point to."""

    prompt_ids: dict
    tag_ids: dict[str, int]


def apply_import(owner: User, plan: ImportPlan, *,
                 progress: Callable[[int], None] | None = None) -> ImportResult:
    """Add the plan's new entries, their tags, the file's own prompts, hidden prompts
    and time zone to ``owner``'s account, and index the entries for search. Calls
    ``progress(n)`` after each batch of ``n`` entries. Nothing is committed here: this
    is for imports small enough for one short transaction; larger ones are jobs."""
    result = ImportResult(already_here=plan.already_here, repeat_counts=plan.repeat_counts,
                          undated_left_out=0 if plan.date_undated else len(plan.journal.undated))
    targets = prepare_import(owner, plan, result)
    for first in range(0, len(plan.new_entries), BATCH_SIZE):
        ids = write_entries(owner, plan, first, first + BATCH_SIZE, targets)
        result.entry_ids.extend(ids)
        result.entries += len(ids)
        if progress:
            progress(len(ids))
    finish_import(owner, plan)
    return result


def prepare_import(owner: User, plan: ImportPlan, result: ImportResult, *,
                   job: int | None = None) -> Targets:
    """What the entries point to: own prompts and tags (created as ``job``'s, hidden
    until it is done). Safe to run again for a resumed job: prompts and tags it made
    earlier are found, not made twice."""
    prompt_ids = _store_prompts(owner, plan.journal, result, job=job)
    return Targets(prompt_ids, _store_tags(owner, plan, result, job=job))


def finish_import(owner: User, plan: ImportPlan) -> None:
    """The account's settings from the file, with the last entries: hidden prompts and
    the time zone; then the account's totals are counted again, with the new entries."""
    _store_hidden_prompts(owner, plan.journal)
    if plan.timezone_change:
        owner.timezone = plan.timezone_change
        db.session.flush()
    recount_owner(owner.id)


def write_entries(owner: User, plan: ImportPlan, first: int, stop: int, targets: Targets, *,
                  job: int | None = None) -> list[int]:
    """Insert the plan's new entries ``[first:stop]`` with their reframes, tag links and
    search documents, sealed for ``owner`` (:mod:`journal.imports.rows`); the ids
    written, in order."""
    connection = db.session.connection()
    entries, reframes, links = Entry.__table__, Reframe.__table__, EntryTag.__table__
    insert_entries = insert(entries).returning(entries.c.id, sort_by_parameter_order=True)
    batch = plan.new_entries[first:stop]
    batch_tags = plan.entry_tags[first:stop]
    if not batch:
        return []
    rows = [dict(entry_row(owner.id, entry, targets.prompt_ids), import_job_id=job)
            for entry in batch]
    ids = connection.execute(insert_entries, rows).scalars().all()
    guided = [reframe_row(owner.id, entry_id, entry)
              for entry_id, entry in zip(ids, batch, strict=True) if entry.reframe]
    if guided:
        connection.execute(insert(reframes), guided)
    pairs = [{"entry_id": entry_id, "tag_id": targets.tag_ids[name]}
             for entry_id, names in zip(ids, batch_tags, strict=True)
             for name in names]
    if pairs:
        connection.execute(insert(links), pairs)
    index_entries(connection, ids)
    return list(ids)


def _matching_prompts(owner: User, journal: ParsedJournal, *,
                      job: int | None = None) -> list[int | None]:
    """For each own prompt of the file, the id of the account's prompt with the same
    text and theme, or None. Each of the account's prompts matches once, so a file
    with two alike prompts imported twice still holds two."""
    available: dict[tuple[str, str], list[int]] = {}
    for prompt in db.session.scalars(own_prompts(owner, job=job).order_by(Prompt.id)):
        available.setdefault((prompt.text, prompt.theme), []).append(prompt.id)
    matches = []
    for prompt in journal.prompts:
        alike = available.get((prompt.text, prompt.theme))
        matches.append(alike.pop(0) if alike else None)
    return matches


def _store_prompts(owner: User, journal: ParsedJournal, result: ImportResult, *,
                   job: int | None = None) -> dict:
    """Own prompts by the file's ``ref`` (an existing one with the same text and theme
    is reused) and built-ins by key, as database ids; new ones are ``job``'s."""
    by_ref: dict[str, int] = {}
    matches = _matching_prompts(owner, journal, job=job)
    for prompt, ident in zip(journal.prompts, matches, strict=True):
        if ident is None:
            made = Prompt(owner_id=owner.id, text=prompt.text, theme=prompt.theme,
                          why=prompt.why, created_at=prompt.created_at or utcnow(),
                          updated_at=prompt.updated_at or prompt.created_at or utcnow(),
                          retired_at=prompt.archived_at, import_job_id=job)
            db.session.add(made)
            db.session.flush()
            ident = made.id
            result.prompts += 1
        by_ref[prompt.ref] = ident
    keys = {entry.prompt.key for entry in journal.entries
            if entry.prompt is not None and entry.prompt.key}
    builtin = dict(db.session.execute(
        select(Prompt.key, Prompt.id).where(Prompt.owner_id.is_(None), Prompt.key.in_(keys)))
        .all()) if keys else {}
    return {"own": by_ref, "builtin": builtin}


def _store_hidden_prompts(owner: User, journal: ParsedJournal) -> None:
    if not journal.hidden_prompts:
        return
    wanted = set(db.session.scalars(
        select(Prompt.id).where(Prompt.owner_id.is_(None),
                                Prompt.key.in_(journal.hidden_prompts))))
    hidden = set(db.session.scalars(
        select(PromptHide.prompt_id).where(PromptHide.user_id == owner.id)))
    for prompt_id in sorted(wanted - hidden):
        db.session.add(PromptHide(user_id=owner.id, prompt_id=prompt_id))
    db.session.flush()


def _store_tags(owner: User, plan: ImportPlan, result: ImportResult, *,
                job: int | None = None) -> dict[str, int]:
    """Database ids of every tag the new entries use, creating the missing ones with
    the file's display form and creation time (or the first entry that uses them);
    ``job``'s own when it writes them."""
    if not plan.tags:
        return {}
    created = {tag.name: tag.created_at for tag in plan.journal.tags}
    tag_ids = {name: tag.id for name, tag in _existing_tags(owner, plan.tags, job).items()}
    missing = {name: (shown, created.get(name) or first_use)
               for name, (shown, first_use) in plan.tags.items() if name not in tag_ids}
    rows = tag_rows(owner.id, missing, job)
    for start in range(0, len(rows), BATCH_SIZE):
        chunk = rows[start:start + BATCH_SIZE]
        made = db.session.execute(insert(Tag.__table__).returning(
            Tag.__table__.c.id, sort_by_parameter_order=True), chunk).scalars().all()
        tag_ids.update(zip(list(missing)[start:start + BATCH_SIZE], made, strict=True))
    result.tags += len(rows)
    return tag_ids


def _existing_tags(owner: User, names: Iterable[str], job: int | None) -> dict[str, Tag]:
    """The owner's tags among ``names`` (with ``job``'s), found by their names' keyed
    digests a few hundred at a time."""
    names = list(names)
    found: dict[str, Tag] = {}
    for start in range(0, len(names), TAG_LOOKUP_BATCH):
        found.update(tags_named(owner, names[start:start + TAG_LOOKUP_BATCH], job=job))
    return found
