"""Journal entries and their tags."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from journal import summaries
from journal.extensions import db
from journal.models.base import OwnedMixin, UTCDateTime, utcnow

if TYPE_CHECKING:
    from journal.models.prompts import Prompt
    from journal.models.users import User

NOTE = "note"
REFRAME = "reframe"
ENTRY_KINDS = (NOTE, REFRAME)


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
    __table_args__ = (
        Index("ix_entries_owner_id_created_at_id", "owner_id", "created_at", "id"),
        # Answers to a prompt in a time window: recent answers, answers by theme.
        Index("ix_entries_owner_id_prompt_id_created_at", "owner_id", "prompt_id",
              "created_at"),
        # The wins page and the reframe list page through one kind of entry, newest first.
        Index("ix_entries_owner_id_is_win_created_at_id", "owner_id", "is_win",
              "created_at", "id"),
        Index("ix_entries_owner_id_kind_created_at_id", "owner_id", "kind", "created_at", "id"),
        # Covers the per-day figures on the insights page without reading the rows.
        Index("ix_entries_owner_id_created_at_word_count_is_win", "owner_id", "created_at",
              "word_count", "is_win"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    starred: Mapped[bool] = mapped_column(Boolean, default=False)
    # Raised on every change; an edit made against an older version is a conflict.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # "note" (free writing) or "reframe" (the guided two-lens form; see Reframe).
    kind: Mapped[str] = mapped_column(String(16), default=NOTE, server_default=NOTE)
    # The prompt this entry answered, and its text at that moment: the prompt may be
    # edited or retired later, the entry keeps what it answered.
    prompt_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("prompts.id", ondelete="SET NULL"))
    prompt_text: Mapped[str | None] = mapped_column(Text)
    # A win, and the user's own part in it (skill and effort, not luck).
    is_win: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    win_part: Mapped[str | None] = mapped_column(Text)
    # Words in everything the user wrote for this entry, kept so that "words written"
    # is a sum in SQL rather than a read of every text.
    word_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The import job that wrote this entry; hidden until that job is done.
    import_job_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("import_jobs.id", ondelete="SET NULL"), index=True)

    owner: Mapped[User] = relationship(back_populates="entries")
    prompt: Mapped[Prompt | None] = relationship()
    reframe: Mapped[Reframe | None] = relationship(
        back_populates="entry", cascade="all, delete-orphan", passive_deletes=True,
        uselist=False, lazy="selectin")
    tags: Mapped[list[Tag]] = relationship(
        secondary="entry_tags", back_populates="entries", order_by="Tag.name"
    )

    # Edits raise the version themselves (star and unstar do not); an UPDATE whose
    # version no longer matches the row fails instead of overwriting.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def is_reframe(self) -> bool:
        return self.kind == REFRAME

    @property
    def display_title(self) -> str:
        return display_title(self.title, self.body,
                             self.reframe.happened if self.reframe is not None else None)

    def __repr__(self) -> str:
        return f"<Entry {self.id} owner={self.owner_id}>"


def display_title(title: str | None, body: str, happened: str | None = None) -> str:
    """The title, or the first line of the body as a reader sees it, without Markdown
    or the tags that end it (see :mod:`journal.summaries`)."""
    return summaries.display_title(title, body, happened)


class Reframe(db.Model):
    """The guided fields of a reframe entry: the engineer's harsh reading of what
    happened, the facts, the salesperson's reading, and how strongly the user believes
    the harsh reading (0 to 10) before and after writing it out."""

    __tablename__ = "reframes"
    __table_args__ = (
        CheckConstraint("belief_before BETWEEN 0 AND 10", name="belief_before_range"),
        CheckConstraint("belief_after BETWEEN 0 AND 10", name="belief_after_range"),
    )

    entry_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True)
    happened: Mapped[str] = mapped_column(Text, default="")
    critic: Mapped[str] = mapped_column(Text, default="")
    evidence_for: Mapped[str] = mapped_column(Text, default="")
    evidence_against: Mapped[str] = mapped_column(Text, default="")
    salesperson: Mapped[str] = mapped_column(Text, default="")
    in_control: Mapped[str] = mapped_column(Text, default="")
    not_in_control: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    belief_before: Mapped[int | None] = mapped_column(Integer)
    belief_after: Mapped[int | None] = mapped_column(Integer)

    entry: Mapped[Entry] = relationship(back_populates="reframe")

    TEXT_FIELDS = ("happened", "critic", "evidence_for", "evidence_against", "salesperson",
                   "in_control", "not_in_control", "next_step")


class Tag(OwnedMixin, db.Model):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Canonical form (NFKC, case-folded); "/" separates levels: "work/launch".
    name: Mapped[str] = mapped_column(String(64))
    # How the person first wrote it.
    display_name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The import job that created this tag; hidden until that job is done (or until the
    # owner uses the tag themselves).
    import_job_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("import_jobs.id", ondelete="SET NULL"), index=True)
    # Visible entries with exactly this tag, kept up to date with every write
    # (:mod:`journal.totals`).
    entry_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    entries: Mapped[list[Entry]] = relationship(secondary="entry_tags", back_populates="tags")

    def __repr__(self) -> str:
        return f"<Tag {self.id} {self.name!r}>"
