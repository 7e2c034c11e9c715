"""The built-in prompt library, read from ``library.toml`` beside this module."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from wtforms.fields.choices import SelectChoice

LIBRARY_FILE = Path(__file__).with_name("library.toml")


@dataclass(frozen=True)
class Theme:
    key: str
    name: str
    description: str


@dataclass(frozen=True)
class LibraryPrompt:
    key: str
    theme: str
    text: str
    why: str


@dataclass(frozen=True)
class Library:
    themes: tuple[Theme, ...]
    prompts: tuple[LibraryPrompt, ...]

    def theme(self, key: str) -> Theme | None:
        return next((theme for theme in self.themes if theme.key == key), None)


def parse_library(text: str) -> Library:
    """Parse and check a library document; raises ``ValueError`` naming the problem."""
    data = tomllib.loads(text)
    themes = tuple(Theme(t["key"], t["name"], t["description"]) for t in data["themes"])
    theme_keys = {theme.key for theme in themes}
    prompts = tuple(
        LibraryPrompt(p["key"], p["theme"], " ".join(p["text"].split()),
                      " ".join(p["why"].split()))
        for p in data["prompts"]
    )
    seen: set[str] = set()
    for prompt in prompts:
        if prompt.key in seen:
            raise ValueError(f"prompt key {prompt.key!r} appears twice")
        if prompt.theme not in theme_keys:
            raise ValueError(f"prompt {prompt.key!r} has unknown theme {prompt.theme!r}")
        seen.add(prompt.key)
    return Library(themes, prompts)


@cache
def load_library() -> Library:
    return parse_library(LIBRARY_FILE.read_text(encoding="utf-8"))


def theme_choices() -> list[SelectChoice]:
    return [SelectChoice(theme.key, theme.name) for theme in load_library().themes]


def theme_name(key: str) -> str:
    theme = load_library().theme(key)
    return theme.name if theme else key
