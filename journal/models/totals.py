"""Running totals per local day, kept up to date in the same transaction as each write
(:mod:`journal.totals`), so that pages which show figures over a whole journal (the
streak, insights, the calendar) read one small row per day instead of every entry."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from journal.extensions import db
from journal.models.base import OwnedMixin


class DayTotal(OwnedMixin, db.Model):
    """What an owner wrote on one local day (in the zone named by
    ``User.totals_zone``). Only days with at least one visible entry have a row. Read
    through :mod:`journal.ownership` like any other user data."""

    __tablename__ = "day_totals"

    # The owner and the day are the key (and its index).
    owner_id: Mapped[int] = mapped_column(  # type: ignore[assignment]
        Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    entries: Mapped[int] = mapped_column(Integer, default=0)
    words: Mapped[int] = mapped_column(Integer, default=0)
    wins: Mapped[int] = mapped_column(Integer, default=0)
    # Reframes written that day (their belief ratings are sealed with them, so insights
    # read them from the reframes of the range it shows).
    reframes: Mapped[int] = mapped_column(Integer, default=0)
    # Consecutive days with entries ending on this day (1 when the day before has none).
    streak: Mapped[int] = mapped_column(Integer, default=1)

    def __repr__(self) -> str:
        return f"<DayTotal {self.owner_id} {self.day} {self.entries}>"


class DayTagTotal(OwnedMixin, db.Model):
    """How many of an owner's entries of one local day carry a tag (days and tags with
    none have no row): the tag charts of insights sum these by month."""

    __tablename__ = "day_tag_totals"
    # A tag's days in order, with their counts: sums over a range read the index only
    # (and removing a tag finds its rows).
    __table_args__ = (Index("ix_day_tag_totals_tag_id_owner_id_day", "tag_id", "owner_id",
                            "day", "entries"),)

    owner_id: Mapped[int] = mapped_column(  # type: ignore[assignment]
        Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    tag_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    entries: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<DayTagTotal {self.owner_id} {self.day} {self.tag_id} {self.entries}>"
