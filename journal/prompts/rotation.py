"""Today's prompt: one per user per local date, the same on every worker and after a
restart, because it is derived from a hash of (user, date, prompt) and nothing else."""

import hashlib
from datetime import date, timedelta

from sqlalchemy import select

from journal.extensions import db
from journal.models import Entry, Prompt, PromptHide, User
from journal.ownership import owned, visible_prompts
from journal.timezones import local_day_start, local_today, zone_for

RECENT_ANSWER_DAYS = 30


def _rank(user_id: int, day: date, prompt_id: int) -> str:
    return hashlib.sha256(f"{user_id}:{day.isoformat()}:{prompt_id}".encode()).hexdigest()


def offerable_prompt_ids(user: User, day: date) -> list[int]:
    """Ids of the visible prompts the user has not hidden, without those answered in the
    30 days before ``day`` (an answer given on ``day`` itself keeps the prompt, so
    today's prompt does not change under the user after they answer it). When that
    leaves nothing, every visible prompt that is not hidden."""
    hidden = select(PromptHide.prompt_id).where(PromptHide.user_id == user.id)
    candidates = (visible_prompts(user).where(Prompt.id.not_in(hidden))
                  .with_only_columns(Prompt.id))
    start = local_day_start(day, zone_for(user))
    # One probe of the (owner, prompt, time) index per prompt: the cost does not grow
    # with the number of entries written in the last 30 days.
    recently_answered = (
        owned(Entry, user).with_only_columns(Entry.id)
        .where(Entry.prompt_id == Prompt.id,
               Entry.created_at >= start - timedelta(days=RECENT_ANSWER_DAYS),
               Entry.created_at < start)
        .correlate(Prompt).exists()
    )
    fresh = list(db.session.scalars(candidates.where(~recently_answered)))
    return fresh or list(db.session.scalars(candidates))


def prompt_for_day(user: User, day: date | None = None, another: int = 0) -> Prompt | None:
    """The user's prompt for ``day`` (today in their zone by default). ``another`` = n
    gives the n-th alternative, for "another prompt"; ``None`` when there are none.
    Only the chosen prompt is loaded."""
    day = day or local_today(user)
    ranked = sorted(offerable_prompt_ids(user, day), key=lambda ident: _rank(user.id, day, ident))
    if not ranked:
        return None
    return db.session.get(Prompt, ranked[another % len(ranked)])
