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
from journal.crypto.keyring import TAG_NAMES, blind, public_key
from journal.crypto.rows import JournalLocked
from journal.extensions import db
from journal.models.base import OwnedMixin, UTCDateTime, utcnow
from journal.models.sealed import SealedField, SealedRow

if TYPE_CHECKING:
    from journal.models.prompts import Prompt
    from journal.models.users import User

UNREADABLE_TITLES = {"locked": "Locked entry", "damaged": "Damaged entry"}

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


class Entry(SealedRow, OwnedMixin, db.Model):
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
    # Sealed (see journal.models.sealed): what the person wrote, and the prompt text.
    title = SealedField()
    body = SealedField("")
    prompt_text = SealedField()
    win_part = SealedField()
    PLAIN_COLUMNS = {"title": ("plain_title", None), "body": ("plain_body", ""),
                     "prompt_text": ("plain_prompt_text", None),
                     "win_part": ("plain_win_part", None)}
    plain_title: Mapped[str | None] = mapped_column("title", String(200))
    plain_body: Mapped[str] = mapped_column("body", Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    starred: Mapped[bool] = mapped_column(Boolean, default=False)
    # Raised on every change; an edit made against an older version is a conflict.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # "note" (free writing) or "reframe" (the guided two-lens form; see Reframe).
    kind: Mapped[str] = mapped_column(String(16), default=NOTE, server_default=NOTE)
    # The prompt this entry answered (its text at that moment is ``prompt_text``: the
    # prompt may be edited or retired later, the entry keeps what it answered).
    prompt_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("prompts.id", ondelete="SET NULL"))
    plain_prompt_text: Mapped[str | None] = mapped_column("prompt_text", Text)
    # A win (the user's own part in it, skill and effort, not luck, is ``win_part``).
    is_win: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    plain_win_part: Mapped[str | None] = mapped_column("win_part", Text)
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
    # In no particular order: names are sealed; ``sorted_tags`` orders them.
    tags: Mapped[list[Tag]] = relationship(secondary="entry_tags", back_populates="entries")

    # Edits raise the version themselves (star and unstar do not); an UPDATE whose
    # version no longer matches the row fails instead of overwriting.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def is_reframe(self) -> bool:
        return self.kind == REFRAME

    @property
    def sorted_tags(self) -> list[Tag]:
        """The tags that open here, by name (a locked or damaged tag is left out)."""
        return sorted((tag for tag in self.tags if not tag.unreadable), key=lambda tag: tag.name)

    @property
    def display_title(self) -> str:
        if self.unreadable:
            return UNREADABLE_TITLES[self.unreadable]
        return display_title(self.title, self.body,
                             self.reframe.happened if self.reframe is not None else None)

    def __repr__(self) -> str:
        return f"<Entry {self.id} owner={self.owner_id}>"


def display_title(title: str | None, body: str, happened: str | None = None) -> str:
    """The title, or the first line of the body as a reader sees it, without Markdown
    or the tags that end it (see :mod:`journal.summaries`)."""
    return summaries.display_title(title, body, happened)


class Reframe(SealedRow, db.Model):
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
    # Sealed, the ratings too: they are feelings, not metadata.
    happened = SealedField("")
    critic = SealedField("")
    evidence_for = SealedField("")
    evidence_against = SealedField("")
    salesperson = SealedField("")
    in_control = SealedField("")
    not_in_control = SealedField("")
    next_step = SealedField("")
    belief_before = SealedField()
    belief_after = SealedField()

    TEXT_FIELDS = ("happened", "critic", "evidence_for", "evidence_against", "salesperson",
                   "in_control", "not_in_control", "next_step")
    PLAIN_COLUMNS = {**{name: (f"plain_{name}", "") for name in TEXT_FIELDS},
                     "belief_before": ("plain_belief_before", None),
                     "belief_after": ("plain_belief_after", None)}
    plain_happened: Mapped[str] = mapped_column("happened", Text, default="")
    plain_critic: Mapped[str] = mapped_column("critic", Text, default="")
    plain_evidence_for: Mapped[str] = mapped_column("evidence_for", Text, default="")
    plain_evidence_against: Mapped[str] = mapped_column("evidence_against", Text, default="")
    plain_salesperson: Mapped[str] = mapped_column("salesperson", Text, default="")
    plain_in_control: Mapped[str] = mapped_column("in_control", Text, default="")
    plain_not_in_control: Mapped[str] = mapped_column("not_in_control", Text, default="")
    plain_next_step: Mapped[str] = mapped_column("next_step", Text, default="")
    plain_belief_before: Mapped[int | None] = mapped_column("belief_before", Integer)
    plain_belief_after: Mapped[int | None] = mapped_column("belief_after", Integer)

    entry: Mapped[Entry] = relationship(back_populates="reframe")

    def sealing_owner_id(self) -> int | None:
        entry = self.entry
        return entry.sealing_owner_id() if entry is not None else None


class Tag(SealedRow, OwnedMixin, db.Model):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("owner_id", "name"),
                      UniqueConstraint("owner_id", "name_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # Sealed. Canonical form (NFKC, case-folded); "/" separates levels: "work/launch".
    name = SealedField("")
    # How the person first wrote it.
    display_name = SealedField("")
    PLAIN_COLUMNS = {"name": ("plain_name", None), "display_name": ("plain_display_name", None)}
    plain_name: Mapped[str | None] = mapped_column("name", String(64))
    plain_display_name: Mapped[str | None] = mapped_column("display_name", String(64))
    # The name's keyed digest (journal.crypto.keyring.blind): finds a tag by name and
    # keeps names unique per owner without storing them.
    name_key: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The import job that created this tag; hidden until that job is done (or until the
    # owner uses the tag themselves).
    import_job_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("import_jobs.id", ondelete="SET NULL"), index=True)
    # Visible entries with exactly this tag, kept up to date with every write
    # (:mod:`journal.totals`).
    entry_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    entries: Mapped[list[Entry]] = relationship(secondary="entry_tags", back_populates="tags")

    def seal_fields_now(self) -> None:
        """Seal, and store the name's digest; an encrypted journal's tag cannot be
        written by work that holds no data key (its name could not be found again)."""
        owner_id = self.sealing_owner_id()
        key = blind(owner_id, TAG_NAMES, self.name)
        if key is None and public_key(owner_id) is not None:
            raise JournalLocked("a tag of an encrypted journal needs its data key")
        self.name_key = key
        super().seal_fields_now()

    def __repr__(self) -> str:
        return f"<Tag {self.id}>"
