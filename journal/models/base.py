"""Column types and mixins shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as naive UTC and always returns aware UTC.

    SQLite keeps no time zone; PostgreSQL's ``timestamp without time zone`` behaves
    the same, so both backends store identical values.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class OwnedMixin:
    """A row that belongs to one user. Query it only through :mod:`journal.ownership`."""

    @declared_attr
    def owner_id(cls) -> Mapped[int]:  # noqa: N805 - declared_attr receives the class
        return mapped_column(
            Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
        )
