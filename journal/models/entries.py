"""Journal entries and their tags."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from journal.extensions import db
from journal.models.base import OwnedMixin, UTCDateTime, utcnow

if TYPE_CHECKING:
    from journal.models.users import User


class EntryTag(db.Model):
    __tablename__ = "entry_tags"
    # (tag_id, entry_id) covers "entries under a tag" and per-tag counts without
    # touching the table; the primary key covers "tags of an entry".
    __table_args__ = (Index("ix_entry_tags_tag_id_entry_id", "tag_id", "entry_id"),)

    entry_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True
    )


class Entry(OwnedMixin, db.Model):
    __tablename__ = "entries"
    __table_args__ = (Index("ix_entries_owner_id_created_at_id", "owner_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    starred: Mapped[bool] = mapped_column(Boolean, default=False)
    # Raised on every change; an edit made against an older version is a conflict.
    version: Mapped[int] = mapped_column(Integer, default=1)

    owner: Mapped[User] = relationship(back_populates="entries")
    tags: Mapped[list[Tag]] = relationship(
        secondary="entry_tags", back_populates="entries", order_by="Tag.name"
    )

    # Edits raise the version themselves (star and unstar do not); an UPDATE whose
    # version no longer matches the row fails instead of overwriting.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def display_title(self) -> str:
        """The title, or the first non-empty line of the body standing in for it."""
        if self.title:
            return self.title
        for line in self.body.splitlines():
            text = line.strip().lstrip("#>*-+ ").strip()
            if text:
                return text if len(text) <= 80 else text[:79].rstrip() + "…"
        return "Untitled entry"

    def __repr__(self) -> str:
        return f"<Entry {self.id} owner={self.owner_id}>"


class Tag(OwnedMixin, db.Model):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Canonical form (NFKC, case-folded); "/" separates levels: "work/launch".
    name: Mapped[str] = mapped_column(String(64))
    # How the person first wrote it.
    display_name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entries: Mapped[list[Entry]] = relationship(secondary="entry_tags", back_populates="tags")

    def __repr__(self) -> str:
        return f"<Tag {self.id} {self.name!r}>"
