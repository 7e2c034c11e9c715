"""The one way to read user data: every query here filters on the owner.

Views and services call :func:`owned` (a ``select`` already scoped to the owner),
:func:`owned_columns` to read some columns only, :func:`get_owned_or_404`, and
:func:`owned_update` / :func:`owned_delete` for bulk writes. Another user's row is
indistinguishable from a row that does not exist: both answer 404.
"""

from typing import Any, TypeVar

from flask import abort
from sqlalchemy import Delete, Select, Update, delete, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from journal.extensions import db
from journal.models import OwnedMixin, Prompt, User

OwnedT = TypeVar("OwnedT", bound=OwnedMixin)


def _owner_id(owner: User | int) -> int:
    owner_id = owner if isinstance(owner, int) else owner.id
    if owner_id is None:
        raise ValueError("an owner is required to read user data")
    return owner_id


def _belongs_to(model: type[OwnedT], owner: User | int) -> ColumnElement[bool]:
    if not issubclass(model, OwnedMixin):
        raise TypeError(f"{model.__name__} is not owned by a user")
    return model.owner_id == _owner_id(owner)


def owned(model: type[OwnedT], owner: User | int) -> Select[tuple[OwnedT]]:
    """A ``select(model)`` that only ever sees rows belonging to ``owner``."""
    return select(model).where(_belongs_to(model, owner))


def owned_columns(model: type[OwnedT], owner: User | int,
                  *columns: ColumnElement[Any] | Any) -> Select[Any]:
    """``columns`` of the rows of ``model`` belonging to ``owner``. The model's table
    stays the first in ``FROM``, so a ``.join`` starts from it."""
    return owned(model, owner).with_only_columns(*columns, maintain_column_froms=True)


def owned_update(model: type[OwnedT], owner: User | int) -> Update:
    """An ``update(model)`` that only ever changes rows belonging to ``owner``."""
    return update(model).where(_belongs_to(model, owner))


def owned_delete(model: type[OwnedT], owner: User | int) -> Delete:
    """A ``delete(model)`` that only ever removes rows belonging to ``owner``."""
    return delete(model).where(_belongs_to(model, owner))


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

def visible_prompts(owner: User | int) -> Select[tuple[Prompt]]:
    """Prompts ``owner`` may be offered: built-ins still in the library and the owner's
    own prompts that are not archived. Another user's prompts are never included."""
    return select(Prompt).where(
        Prompt.retired_at.is_(None),
        or_(Prompt.owner_id.is_(None), Prompt.owner_id == _owner_id(owner)),
    )


def own_prompts(owner: User | int) -> Select[tuple[Prompt]]:
    """The owner's own prompts, archived ones included; never a built-in or anyone
    else's."""
    return select(Prompt).where(Prompt.owner_id == _owner_id(owner))


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
