"""The rows an import inserts in bulk, with Core, made the way the ORM would make them.

Entries, reframes and tags are sealed rows (:mod:`journal.models.sealed`): what the
person wrote is sealed here, in Python, into the row's ``sealed`` column under a fresh
``uid``, with exactly the JSON keys the model's sealed fields read, and the old plain
columns are left blank. An account without keys keeps the plain columns instead, as
its other rows do. A tag also gets its name's keyed digest, which is how it is found
again; without the data key an encrypted journal's tag cannot be made.
"""

from functools import cache
from typing import Any

from journal.crypto.keyring import TAG_NAMES, blinder, public_key
from journal.crypto.rows import JournalLocked, new_uid, seal_fields
from journal.models import NOTE, REFRAME, Entry, Reframe, Tag
from journal.models.sealed import SealedRow
from journal.transfer.document import REFRAME_TEXT_FIELDS, ImportedEntry
from journal.words import count_words


@cache
def _layout(model: type[SealedRow]) -> tuple[frozenset[str], dict[str, tuple[str, Any]]]:
    """The names of ``model``'s sealed fields, and for each its old plain column in the
    table and what that column keeps once the row is sealed."""
    mapper = model.__mapper__
    plain = {name: (mapper.get_property(attribute).columns[0].key, blank)
             for name, (attribute, blank) in model.PLAIN_COLUMNS.items()}
    return frozenset(model.sealed_field_names()), plain


def sealed_values(model: type[SealedRow], owner_id: int, fields: dict) -> dict:
    """The column values that store ``fields`` (every sealed field of ``model``, by
    name) for a new row of ``owner_id``: ``uid``, ``sealed`` and the plain columns."""
    names, plain = _layout(model)
    if fields.keys() != names:
        raise ValueError(f"{model.__name__} seals exactly {sorted(names)}")
    uid = new_uid()
    sealed = seal_fields(model.__tablename__, owner_id, uid, fields)
    values = {"uid": uid, "sealed": sealed}
    for name, (column, blank) in plain.items():
        values[column] = fields[name] if sealed is None else blank
    return values


def entry_row(owner_id: int, entry: ImportedEntry, prompt_ids: dict) -> dict:
    """The ``entries`` row for ``entry`` (``prompt_ids`` as made by the import:
    ``{"own": {ref: id}, "builtin": {key: id}}``)."""
    prompt_id = prompt_text = None
    if entry.prompt is not None:
        prompt_text = entry.prompt.text
        if entry.prompt.own is not None:
            prompt_id = prompt_ids["own"].get(entry.prompt.own)
        elif entry.prompt.key is not None:
            prompt_id = prompt_ids["builtin"].get(entry.prompt.key)
    reframe = entry.reframe
    guided = [getattr(reframe, name) for name in REFRAME_TEXT_FIELDS] if reframe else []
    win_part = (entry.win_part or "").strip() or None
    return {
        "owner_id": owner_id, "created_at": entry.created_at,
        "updated_at": entry.updated_at or entry.created_at, "starred": bool(entry.starred),
        "version": 1, "kind": REFRAME if reframe is not None else NOTE,
        "prompt_id": prompt_id, "is_win": bool(entry.is_win),
        "word_count": count_words(entry.body, win_part, *guided),
        **sealed_values(Entry, owner_id, {
            "title": (entry.title or "").strip() or None, "body": entry.body or "",
            "prompt_text": prompt_text, "win_part": win_part}),
    }


def reframe_row(owner_id: int, entry_id: int, entry: ImportedEntry) -> dict:
    """The ``reframes`` row of ``entry`` (a reframe), stored as entry ``entry_id``."""
    reframe = entry.reframe
    fields = {name: getattr(reframe, name) or "" for name in REFRAME_TEXT_FIELDS}
    fields["belief_before"] = reframe.belief_before
    fields["belief_after"] = reframe.belief_after
    return {"entry_id": entry_id, **sealed_values(Reframe, owner_id, fields)}


def tag_rows(owner_id: int, tags: dict[str, tuple[str, Any]], job: int | None) -> list[dict]:
    """The ``tags`` rows for ``tags`` (canonical name -> (display form, created at)),
    ``job``'s own. Raises :class:`JournalLocked` for an encrypted journal whose data
    key this context does not hold."""
    blinded = blinder(owner_id, TAG_NAMES)
    if blinded is None and public_key(owner_id) is not None:
        raise JournalLocked("a tag of an encrypted journal needs its data key")
    return [{"owner_id": owner_id, "created_at": created, "import_job_id": job,
             "name_key": blinded(name) if blinded is not None else None,
             **sealed_values(Tag, owner_id, {"name": name, "display_name": shown})}
            for name, (shown, created) in tags.items()]
