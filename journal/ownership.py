"""The one way to read user data: every query here filters on the owner.

Views and services call :func:`owned` (a ``select`` already scoped to the owner),
:func:`owned_columns` to read some columns only, :func:`get_owned_or_404`, and
:func:`owned_update` / :func:`owned_delete` for bulk writes. Another user's row is
indistinguishable from a row that does not exist: both answer 404.

Entries and tags written by an import job that has not finished (see
:mod:`journal.imports.jobs`) are left out of every one of these, as if they did not
exist yet: the job's state, one row, decides when they all appear at once.
:func:`visible_links` serves the few counts that read links without the entries.
"""

from typing import Any, TypeVar

from flask import abort
from sqlalchemy import Delete, Select, Update, and_, delete, event, or_, select, true, update
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.elements import ColumnElement

from journal.extensions import db
from journal.models import Entry, EntryTag, ImportJob, OwnedMixin, Prompt, Tag, User
from journal.models.imports import UNFINISHED

OwnedT = TypeVar("OwnedT", bound=OwnedMixin)


def _owner_id(owner: User | int) -> int:
    owner_id = owner if isinstance(owner, int) else owner.id
    if owner_id is None:
        raise ValueError("an owner is required to read user data")
    return owner_id


def _unfinished_job_ids(owner_id: int, *, but: int | None = None) -> list[int]:
    """Ids of the owner's import jobs that have not finished (almost always none).

    Read once per transaction and owner, then remembered until the transaction ends or
    the session writes anything (a flush, an ``UPDATE`` or ``DELETE``), so a page that
    builds several statements asks once. Each statement carries the list as a constant:
    with none, it has no extra condition at all and the owner indexes (covering ones
    included) serve it as before. In SQLite the first read opens the transaction's
    snapshot, so every statement built from it sees the same jobs."""
    remembered: dict[int, tuple[int, ...]] = db.session.info.setdefault(_UNFINISHED_JOBS, {})
    if owner_id not in remembered:
        remembered[owner_id] = tuple(db.session.scalars(
            select(ImportJob.id).where(ImportJob.owner_id == owner_id,
                                       ImportJob.state.in_(UNFINISHED))))
    return [job_id for job_id in remembered[owner_id] if job_id != but]


_UNFINISHED_JOBS = "journal.unfinished_jobs"


@event.listens_for(Session, "after_flush")
def _forget_jobs_after_flush(session: Session, _context) -> None:
    session.info.pop(_UNFINISHED_JOBS, None)


@event.listens_for(Session, "do_orm_execute")
def _forget_jobs_on_write(state: ORMExecuteState) -> None:
    if not state.is_select:
        state.session.info.pop(_UNFINISHED_JOBS, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_jobs_with_transaction(session: Session, _transaction) -> None:
    session.info.pop(_UNFINISHED_JOBS, None)


def _belongs_to(model: type[OwnedT], owner: User | int, *, job: int | None = None,
                with_hidden: bool = False) -> ColumnElement[bool]:
    if not issubclass(model, OwnedMixin):
        raise TypeError(f"{model.__name__} is not owned by a user")
    owner_id = _owner_id(owner)
    condition = model.owner_id == owner_id
    if (model is Entry or model is Tag) and not with_hidden:
        hidden_jobs = _unfinished_job_ids(owner_id, but=job)
        if hidden_jobs:
            condition = and_(condition, or_(model.import_job_id.is_(None),
                                            model.import_job_id.not_in(hidden_jobs)))
    return condition


def owned(model: type[OwnedT], owner: User | int, *, job: int | None = None,
          with_hidden: bool = False) -> Select[tuple[OwnedT]]:
    """A ``select(model)`` that only ever sees rows belonging to ``owner``. Rows of an
    unfinished import job are left out, except those of ``job`` (for the job itself),
    or all of them ``with_hidden`` (for writes that must not collide with them)."""
    return select(model).where(_belongs_to(model, owner, job=job, with_hidden=with_hidden))


def visible_links(owner: User | int) -> ColumnElement[bool]:
    """A condition on ``EntryTag`` for counts that read tag links without joining the
    entries: it leaves out the links of entries an unfinished import job wrote. With no
    such job (almost always) it is plain true, so the link indexes serve the count."""
    owner_id = _owner_id(owner)
    hidden_jobs = _unfinished_job_ids(owner_id)
    if not hidden_jobs:
        return true()
    return EntryTag.entry_id.not_in(select(Entry.id).where(
        Entry.owner_id == owner_id, Entry.import_job_id.in_(hidden_jobs)))


def owned_columns(model: type[OwnedT], owner: User | int,
                  *columns: ColumnElement[Any] | Any, job: int | None = None) -> Select[Any]:
    """``columns`` of the rows of ``model`` belonging to ``owner``. The model's table
    stays the first in ``FROM``, so a ``.join`` starts from it."""
    return owned(model, owner, job=job).with_only_columns(*columns,
                                                          maintain_column_froms=True)


def owned_update(model: type[OwnedT], owner: User | int, *,
                 job: int | None = None) -> Update:
    """An ``update(model)`` that only ever changes rows belonging to ``owner``."""
    return update(model).where(_belongs_to(model, owner, job=job))


def owned_delete(model: type[OwnedT], owner: User | int, *,
                 job: int | None = None) -> Delete:
    """A ``delete(model)`` that only ever removes rows belonging to ``owner``."""
    return delete(model).where(_belongs_to(model, owner, job=job))


def get_owned(model: type[OwnedT], ident: int, owner: User | int) -> OwnedT | None:
    """The row with primary key ``ident`` if ``owner`` owns it, else ``None``."""
    return db.session.scalar(owned(model, owner).where(model.id == ident))


def get_owned_or_404(model: type[OwnedT], ident: int, owner: User | int) -> OwnedT:
    """The row with primary key ``ident``; aborts 404 if it does not exist or belongs
    to someone else."""
    row = get_owned(model, ident, owner)
    if row is None:
        abort(404)
    return row


# --- prompts: built-ins are shared, own prompts belong to one user -----------------------

def _prompt_not_hidden(owner_id: int, job: int | None = None) -> ColumnElement[bool]:
    hidden_jobs = _unfinished_job_ids(owner_id, but=job)
    if not hidden_jobs:
        return true()
    return or_(Prompt.import_job_id.is_(None), Prompt.import_job_id.not_in(hidden_jobs))


def visible_prompts(owner: User | int) -> Select[tuple[Prompt]]:
    """Prompts ``owner`` may be offered: built-ins still in the library and the owner's
    own prompts that are not archived (nor added by an unfinished import). Another
    user's prompts are never included."""
    owner_id = _owner_id(owner)
    return select(Prompt).where(
        Prompt.retired_at.is_(None),
        or_(Prompt.owner_id.is_(None),
            and_(Prompt.owner_id == owner_id, _prompt_not_hidden(owner_id))),
    )


def own_prompts(owner: User | int, *, job: int | None = None,
                with_hidden: bool = False) -> Select[tuple[Prompt]]:
    """The owner's own prompts, archived ones included; never a built-in or anyone
    else's. Those an unfinished import added are left out, except ``job``'s (or none
    are, ``with_hidden``)."""
    owner_id = _owner_id(owner)
    shown = true() if with_hidden else _prompt_not_hidden(owner_id, job)
    return select(Prompt).where(Prompt.owner_id == owner_id, shown)


def own_prompt_or_404(ident: int, owner: User | int) -> Prompt:
    """The owner's own prompt (archived ones included); 404 for built-ins and for
    anyone else's."""
    prompt = db.session.scalar(own_prompts(owner).where(Prompt.id == ident))
    if prompt is None:
        abort(404)
    return prompt


def visible_prompt_or_404(ident: int, owner: User | int) -> Prompt:
    """A prompt ``owner`` may answer or hide; 404 for anything else."""
    prompt = db.session.scalar(visible_prompts(owner).where(Prompt.id == ident))
    if prompt is None:
        abort(404)
    return prompt
