"""Running totals that pages read instead of recounting a whole journal: figures per
local day (:mod:`.days`: entries, words, wins, beliefs and the streak ending each day)
and the number of entries under each tag (:mod:`.tag_counts`).

They are kept exact in the same transaction as every write. Changes made through the
ORM (entries, their tags and reframes, an account's time zone) are noticed at flush by
:mod:`.tracking`; the few bulk writes in SQL (imports, demo data, tag merges) call
:func:`recount_owner` or :func:`refresh_tag_counts` themselves. ``flask check``
compares the totals with a full recount.
"""

from journal.totals.days import (
    DayFigures,
    counted_day_tags,
    counted_days,
    rebuild_days,
    refresh_days,
    stored_day_tags,
    stored_days,
)
from journal.totals.tag_counts import counted_tag_counts, refresh_tag_counts, stored_tag_counts
from journal.totals.tracking import ensure_counted, entries_retagged, lock_owner, recount_owner

__all__ = [
    "DayFigures",
    "counted_day_tags",
    "counted_days",
    "entries_retagged",
    "counted_tag_counts",
    "ensure_counted",
    "lock_owner",
    "rebuild_days",
    "recount_owner",
    "refresh_days",
    "refresh_tag_counts",
    "stored_day_tags",
    "stored_days",
    "stored_tag_counts",
]
