"""Writing prompts: the built-in library (synced from ``journal/prompts/library.toml``)
and each user's own prompts, plus the built-ins a user chose to hide."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.base import UTCDateTime, utcnow
from journal.models.sealed import SealedField, SealedRow


class Prompt(SealedRow, db.Model):
    """A built-in prompt has a permanent ``key`` and no owner; a user's own prompt has
    an owner and no key. Read them through :mod:`journal.ownership`."""

    __tablename__ = "prompts"
    __table_args__ = (Index("ix_prompts_owner_id_theme", "owner_id", "theme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(64), unique=True)
    owner_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"))
    theme: Mapped[str] = mapped_column(String(32))
    # Sealed for an own prompt, plain for a built-in (it has no owner).
    text = SealedField("")
    # One sentence on why the prompt helps; built-ins have one, own prompts may not.
    why = SealedField()
    PLAIN_COLUMNS = {"text": ("plain_text", ""), "why": ("plain_why", None)}
    plain_text: Mapped[str] = mapped_column("text", Text)
    plain_why: Mapped[str | None] = mapped_column("why", Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Set when a built-in leaves the library or a user archives their own prompt; the
    # entries that answered it keep it.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The import job that added this own prompt; hidden until that job is done.
    import_job_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("import_jobs.id", ondelete="SET NULL"), index=True)

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None

    def __repr__(self) -> str:
        return f"<Prompt {self.id} {self.key or 'own'}>"


class PromptHide(db.Model):
    """A built-in prompt that one user does not want offered again."""

    __tablename__ = "prompt_hides"

    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    prompt_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("prompts.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
