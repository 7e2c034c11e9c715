"""Reading prompts for the library page."""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from journal.extensions import db
from journal.models import Entry, Prompt, PromptHide, User
from journal.ownership import own_prompts, owned, visible_prompts
from journal.prompts.library import Theme, load_library


@dataclass
class ThemeSection:
    theme: Theme
    prompts: list[Prompt] = field(default_factory=list)


@dataclass
class PromptLibraryView:
    sections: list[ThemeSection]
    hidden: list[Prompt]
    archived: list[Prompt]
    answer_counts: dict[int, int]


def answer_counts(user: User) -> dict[int, int]:
    """How many of the user's entries answered each prompt."""
    rows = db.session.execute(
        owned(Entry, user).with_only_columns(Entry.prompt_id, func.count())
        .where(Entry.prompt_id.is_not(None)).group_by(Entry.prompt_id))
    return dict(rows.all())


def prompt_library(user: User) -> PromptLibraryView:
    hidden_ids = select(PromptHide.prompt_id).where(PromptHide.user_id == user.id)
    shown = db.session.scalars(
        visible_prompts(user).where(Prompt.id.not_in(hidden_ids))
        .order_by(Prompt.owner_id.is_(None), Prompt.key, Prompt.id))
    sections = {theme.key: ThemeSection(theme) for theme in load_library().themes}
    for prompt in shown:
        section = sections.get(prompt.theme)
        if section is not None:
            section.prompts.append(prompt)
    hidden = list(db.session.scalars(
        select(Prompt).where(Prompt.id.in_(hidden_ids), Prompt.retired_at.is_(None))
        .order_by(Prompt.key)))
    archived = list(db.session.scalars(
        own_prompts(user).where(Prompt.retired_at.is_not(None))
        .order_by(Prompt.id)))
    return PromptLibraryView(
        sections=[section for section in sections.values() if section.prompts],
        hidden=hidden, archived=archived, answer_counts=answer_counts(user))
