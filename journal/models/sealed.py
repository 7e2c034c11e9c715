"""Rows whose user-written fields are stored sealed (:mod:`journal.crypto.rows`).

A model lists its fields as :class:`SealedField` attributes: the code reads and writes
``entry.body`` as before, while the table keeps them in one ciphertext column
(``sealed``), bound to the row's random ``uid``. They are opened on first use, with the
key the current request holds (:mod:`journal.crypto.keyring`), and sealed again just
before a flush writes a changed row. A row that does not open reads as empty, with
:attr:`SealedRow.unreadable` saying why, so one damaged value never takes a page down.

Rows of an account without keys (one that has not signed in since encryption came) keep
their fields in the old plain columns, named in ``PLAIN_COLUMNS``; sealing empties them.
Sealed fields cannot be queried in SQL: the descriptor refuses comparison, so a query
that forgets this fails loudly instead of matching nothing.
"""

from typing import Any, ClassVar

from sqlalchemy import LargeBinary, event
from sqlalchemy.orm import Mapped, Session, attributes, mapped_column

from journal.crypto.rows import Unreadable, new_uid, open_fields, seal_fields


class SealedField:
    """One field of a :class:`SealedRow`; ``default`` when the row does not hold it."""

    def __init__(self, default: Any = None) -> None:
        self.default = default
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, row: "SealedRow | None", owner: type | None = None) -> Any:
        if row is None:
            return self
        value = row.sealed_fields().get(self.name)
        return self.default if value is None else value

    def __set__(self, row: "SealedRow", value: Any) -> None:
        row.write_sealed_field(self.name, value)

    def __eq__(self, other: object) -> bool:
        raise TypeError(f"{self.name} is sealed: it cannot be compared in a query")

    __hash__ = object.__hash__


class SealedRow:
    """Mixin for a model with sealed fields. ``PLAIN_COLUMNS`` maps each field to the
    attribute of its old plain column and the value that column keeps once sealed."""

    PLAIN_COLUMNS: ClassVar[dict[str, tuple[str, Any]]] = {}

    uid: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)

    def sealing_owner_id(self) -> int | None:
        """The account whose key seals this row (``None``: nobody's, kept plain)."""
        owner_id = getattr(self, "owner_id", None)
        if owner_id is None and getattr(self, "owner", None) is not None:
            owner_id = self.owner.id
        return owner_id

    @property
    def unreadable(self) -> str | None:
        """``"locked"`` or ``"damaged"`` when the row's fields could not be opened here."""
        self.sealed_fields()
        return self.__dict__.get("_unreadable")

    def sealed_fields(self) -> dict[str, Any]:
        """The row's fields, opened once and kept until the row is expired."""
        fields = self.__dict__.get("_fields")
        if fields is None:
            fields = self.__dict__["_fields"] = self._read_fields()
        return fields

    def _read_fields(self) -> dict[str, Any]:
        stored = self.sealed
        if stored is None:
            return {name: getattr(self, plain) for name, (plain, _) in self.PLAIN_COLUMNS.items()}
        owner_id = self.sealing_owner_id()
        try:
            return open_fields(self.__tablename__, owner_id, self.uid, stored)
        except Unreadable as problem:
            self.__dict__["_unreadable"] = problem.reason
            return {}

    def write_sealed_field(self, name: str, value: Any) -> None:
        """Set a field; the row is sealed again at the next flush. Raises
        :class:`Unreadable` for a row that did not open: writing would lose it."""
        if self.unreadable:
            raise Unreadable(self.unreadable)
        fields = self.sealed_fields()
        fields[name] = value
        self.__dict__["_reseal"] = True
        if "sealed" in attributes.instance_state(self).dict:
            attributes.flag_modified(self, "sealed")
        else:
            self.sealed = None

    def mark_for_sealing(self) -> None:
        """Seal the row's fields at the next flush, as they are (a row kept plain until
        its owner's key was at hand)."""
        if self.unreadable:
            raise Unreadable(self.unreadable)
        self.sealed_fields()
        self.__dict__["_reseal"] = True
        attributes.flag_modified(self, "sealed")

    def seal_fields_now(self) -> None:
        """Store the fields: sealed for the owner, or in the plain columns for an account
        without keys."""
        self.__dict__.pop("_reseal", None)
        fields = {name: getattr(self, name) for name in self.sealed_field_names()}
        owner_id = self.sealing_owner_id()
        if self.uid is None:
            self.uid = new_uid()
        stored = (seal_fields(self.__tablename__, owner_id, self.uid, fields)
                  if owner_id is not None else None)
        self.sealed = stored
        for name, (plain, blank) in self.PLAIN_COLUMNS.items():
            setattr(self, plain, fields[name] if stored is None else blank)

    @classmethod
    def sealed_field_names(cls) -> tuple[str, ...]:
        names = cls.__dict__.get("_sealed_names")
        if names is None:
            names = tuple(name for name in dir(cls)
                          if isinstance(getattr(cls, name, None), SealedField))
            cls._sealed_names = names
        return names


@event.listens_for(Session, "before_flush")
def _seal_changed_rows(session: Session, flush_context, instances) -> None:
    for row in [*session.new, *session.dirty]:
        if isinstance(row, SealedRow) and row.__dict__.get("_reseal"):
            row.seal_fields_now()


@event.listens_for(SealedRow, "expire", propagate=True)
def _forget_opened_fields(row: SealedRow | None, attrs) -> None:
    if row is None:  # expired after it was collected: nothing held
        return
    if attrs is None or "sealed" in attrs:
        for name in ("_fields", "_unreadable", "_reseal"):
            row.__dict__.pop(name, None)


@event.listens_for(SealedRow, "refresh", propagate=True)
def _forget_refreshed_fields(row: SealedRow, context, attrs) -> None:
    _forget_opened_fields(row, attrs)
