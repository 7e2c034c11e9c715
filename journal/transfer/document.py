"""What every import format is read into, and what an import refuses with.

Readers (``journal.imports.readers``) turn the bytes of a file into a
:class:`ParsedJournal` or raise :class:`ImportProblem`; nothing is written until the
whole file has been read. The import service (``journal.imports.services``) then
stores a ``ParsedJournal`` for one owner in one transaction.

Times are aware datetimes in UTC. Tags are written as the file wrote them (display
form); the import service makes them canonical.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Our own JSON document: ``{"format": DOCUMENT_FORMAT, "version": DOCUMENT_VERSION, ...}``.
# docs/export-format.md describes it field by field.
DOCUMENT_FORMAT = "journal-export"
DOCUMENT_VERSION = 1

# The formats an import accepts, by the name used in forms and on the command line.
FORMATS = {
    "journal": "This journal's JSON export",
    "jrnl": "jrnl JSON (jrnl --export json)",
    "dayone": "Day One JSON export (.zip or the .json inside it)",
    "markdown": "A zip of Markdown files with front matter",
}
# The same, as they read inside a sentence ("read as a zip of Markdown files").
FORMATS_IN_A_SENTENCE = {
    "journal": "this journal's JSON export",
    "jrnl": "jrnl JSON",
    "dayone": "a Day One export",
    "markdown": "a zip of Markdown files",
}

REFRAME_TEXT_FIELDS = ("happened", "critic", "evidence_for", "evidence_against",
                       "salesperson", "in_control", "not_in_control", "next_step")


class ImportProblem(ValueError):
    """A file that cannot be imported. ``str()`` is a message for the user: what is
    wrong and, when it is one entry, which one ("Entry 37 (2021-03-04): ...")."""

    def __init__(self, message: str, *, entry: int | None = None, where: str | None = None):
        self.message = message
        self.entry = entry  # 1-based position of the entry in the file
        self.where = where  # how the user can find it: a date, a title or a file name
        super().__init__(message)

    def __str__(self) -> str:
        if self.entry is None:
            return self.message
        place = f"Entry {self.entry}"
        if self.where:
            place += f" ({self.where})"
        return f"{place}: {self.message}"


@dataclass
class ImportedReframe:
    happened: str = ""
    critic: str = ""
    evidence_for: str = ""
    evidence_against: str = ""
    salesperson: str = ""
    in_control: str = ""
    not_in_control: str = ""
    next_step: str = ""
    belief_before: int | None = None  # 0..10
    belief_after: int | None = None   # 0..10


@dataclass
class ImportedPromptRef:
    """The prompt an entry answered: ``text`` as it read then, and which prompt it was
    when known: a built-in's permanent ``key``, or ``own``, the ``ref`` of an
    :class:`ImportedPrompt` in the same file."""

    text: str
    key: str | None = None
    own: str | None = None


@dataclass
class ImportedEntry:
    created_at: datetime
    body: str = ""
    title: str | None = None
    updated_at: datetime | None = None
    tags: list[str] = field(default_factory=list)
    starred: bool = False
    reframe: ImportedReframe | None = None  # set: a reframe entry; None: a note
    is_win: bool = False
    win_part: str | None = None
    prompt: ImportedPromptRef | None = None
    position: int = 0  # 1-based place in the file, for messages
    source: str | None = None  # the file in an archive it came from, when it has its own


@dataclass
class ImportedPrompt:
    """One of the user's own prompts."""

    ref: str  # how entries in the same file point at it
    text: str
    theme: str
    why: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    archived_at: datetime | None = None


@dataclass
class ImportedTag:
    """A tag with how it is shown and when it was made (our format only; other
    formats name tags on their entries alone)."""

    name: str
    display_name: str
    created_at: datetime | None = None


@dataclass
class ParsedJournal:
    format: str  # a key of FORMATS
    entries: list[ImportedEntry] = field(default_factory=list)
    prompts: list[ImportedPrompt] = field(default_factory=list)
    tags: list[ImportedTag] = field(default_factory=list)
    hidden_prompts: list[str] = field(default_factory=list)  # built-in keys
    timezone: str | None = None  # the account's time zone setting, when the file has one
    notes: list[str] = field(default_factory=list)  # things the reader changed, for the preview
    # Entries whose file gives no date of its own, dated by when the file was last
    # changed; imported only when the person chooses that (Markdown zips).
    undated: list[ImportedEntry] = field(default_factory=list)
