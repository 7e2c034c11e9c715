"""Writes for prompts. Functions add and flush; the view commits."""

from sqlalchemy import delete, select

from journal.extensions import db
from journal.models import Prompt, PromptHide, User, utcnow


def create_own_prompt(owner: User, *, text: str, theme: str) -> Prompt:
    prompt = Prompt(owner_id=owner.id, text=" ".join(text.split()), theme=theme)
    db.session.add(prompt)
    db.session.flush()
    return prompt


def update_own_prompt(prompt: Prompt, *, text: str, theme: str) -> None:
    """Entries that answered the prompt keep the text they answered."""
    prompt.text = " ".join(text.split())
    prompt.theme = theme
    db.session.flush()


def set_archived(prompt: Prompt, archived: bool) -> None:
    prompt.retired_at = utcnow() if archived else None
    db.session.flush()


def hide_prompt(owner: User, prompt: Prompt) -> None:
    already = db.session.scalar(select(PromptHide).where(
        PromptHide.user_id == owner.id, PromptHide.prompt_id == prompt.id))
    if already is None:
        db.session.add(PromptHide(user_id=owner.id, prompt_id=prompt.id))
        db.session.flush()


def unhide_prompt(owner: User, prompt_id: int) -> None:
    db.session.execute(delete(PromptHide).where(
        PromptHide.user_id == owner.id, PromptHide.prompt_id == prompt_id))
