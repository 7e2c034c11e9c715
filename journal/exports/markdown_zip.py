"""The Markdown zip: one file per entry with YAML front matter, a folder per year.

The layout is the one :mod:`journal.transfer.markdown_layout` documents, which the
Markdown import reads back. The archive streams: each entry is compressed and handed
out as it is read, and only the names of the last two days are remembered to keep
names unique (a name starts with the local minute, and one zone's clock never repeats
a minute more than a day apart).
"""

import json
import re
import unicodedata
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from journal.exports.batches import EntryReader, EntryRecord, ExportOwner, Unopened
from journal.exports.writing import CHUNK_SIZE, entry_text
from journal.exports.zipstream import StreamingZip
from journal.models.entries import display_title
from journal.tags.names import InvalidTag, canonical_tag
from journal.timezones import in_zone
from journal.transfer.markdown_layout import FRONT_MATTER_FENCE

SLUG_LENGTH = 50
NAME_MEMORY = timedelta(days=2)

# Characters YAML may not hold raw in a double-quoted scalar (non-printable ones) or
# would fold as line breaks; they are written as \u escapes, which YAML reads back.
_NOT_YAML_SAFE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
    "\U00010000-\U0010ffff]")


def yaml_string(text: str) -> str:
    """``text`` as a JSON string that YAML reads back unchanged."""
    return _NOT_YAML_SAFE.sub(lambda match: f"\\u{ord(match.group()):04x}",
                              json.dumps(text, ensure_ascii=False))


def slug(text: str) -> str:
    """An ASCII slug of ``text``: lower-case words joined by ``-``, at most
    ``SLUG_LENGTH`` characters, cut between words; ``entry`` when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    result = ""
    for word in words:
        longer = f"{result}-{word}" if result else word
        if len(longer) > SLUG_LENGTH:
            break
        result = longer
    if not result and words:
        result = words[0][:SLUG_LENGTH]
    return result or "entry"


def record_title(record: EntryRecord) -> str:
    """The title the entry list shows for ``record``."""
    happened = record.reframe["happened"] if record.reframe is not None else None
    return display_title(record.title, record.body, happened)


class FileNames:
    """Unique file names for entries handed in oldest first."""

    def __init__(self):
        self._taken: set[str] = set()
        self._recent: deque[tuple[datetime, str]] = deque()

    def claim(self, stem: str, moment: datetime) -> str:
        """``stem.md``, or ``stem-2.md``, ``stem-3.md`` ... when that is taken."""
        while self._recent and moment - self._recent[0][0] > NAME_MEMORY:
            self._taken.discard(self._recent.popleft()[1])
        name, number = f"{stem}.md", 1
        while name in self._taken:
            number += 1
            name = f"{stem}-{number}.md"
        self._taken.add(name)
        self._recent.append((moment, name))
        return name


def _shown_tag(name: str, display_name: str) -> str:
    """The display form when it reads back as the same tag, else the canonical name."""
    try:
        same = canonical_tag(display_name) == name
    except InvalidTag:
        same = False
    return display_name if same else name


def _local_iso(moment: datetime, owner: ExportOwner) -> str:
    return in_zone(moment, owner.zone).isoformat(timespec="seconds")


def entry_file(record: EntryRecord, owner: ExportOwner) -> str:
    """The text of one entry's file: front matter, a blank line, then the body (a
    reframe's sections and free text)."""
    lines = [FRONT_MATTER_FENCE,
             f"date: {_local_iso(record.created_at, owner)}",
             f"updated: {_local_iso(record.updated_at, owner)}"]
    if record.title:
        lines.append(f"title: {yaml_string(record.title)}")
    tags = ", ".join(yaml_string(_shown_tag(name, shown)) for name, shown in record.tags)
    lines += [f"tags: [{tags}]",
              f"starred: {'true' if record.starred else 'false'}",
              f"kind: {'reframe' if record.reframe is not None else 'note'}"]
    if record.prompt_text:
        lines.append(f"prompt: {yaml_string(record.prompt_text)}")
    if record.is_win:
        lines.append("win: true")
        if record.win_part:
            lines.append(f"win_part: {yaml_string(record.win_part)}")
    if record.reframe is not None:
        for name in ("belief_before", "belief_after"):
            if record.reframe[name] is not None:
                lines.append(f"{name}: {int(record.reframe[name])}")
    if record.unreadable:
        lines.append(f"unreadable: {record.unreadable}")
    lines += [FRONT_MATTER_FENCE, ""]
    text = entry_text(record)
    if text and not text.endswith("\n"):
        text += "\n"
    return "\n".join(lines) + "\n" + text


def readme(owner: ExportOwner, entries: int, exported_at: datetime,
           unopened: Unopened | None = None) -> str:
    """The archive's README.md: what it is and how it is laid out, and how many rows
    did not open when some did not."""
    noun = "entry" if entries == 1 else "entries"
    return f"""# Journal export for {owner.username}
{_unopened_note(unopened)}
Exported {_local_iso(exported_at, owner)}: {entries:,} {noun}, everything this account
wrote and nothing of anyone else's.

Each entry is one Markdown file in a folder for the year it was written, named by its
local date and time and its title: `2024/2024-01-05-1430-shipped-the-export.md`.
Dates and times are on the account's clock, with the offset from UTC.

A file starts with front matter between two `---` lines: `date`, `updated`, `title`,
`tags`, `starred`, `kind` (`note` or `reframe`), the `prompt` it answered, `win` and
`win_part`, and for a reframe the beliefs before and after (0 to 10). The body follows.
A reframe's guided answers are sections with level-two headings.

Any text editor opens these files. The journal's import page reads this archive back.
"""


def _unopened_note(unopened: Unopened | None) -> str:
    if unopened is None or not unopened.any:
        return ""
    return f"""
**{unopened.sentence()}.** An entry that did not open is a file of its own with its
date, `unreadable: locked` or `unreadable: damaged` in its front matter and a note in
place of its text; tags and own prompts that did not open are left out.
"""


def markdown_zip(owner: ExportOwner, reader: EntryReader,
                 now: datetime | None = None) -> Iterator[bytes]:
    """The archive as byte chunks; ``reader`` is consumed as it goes."""
    names = FileNames()
    with StreamingZip() as archive:
        for record in reader:
            local = in_zone(record.created_at, owner.zone)
            year = f"{local.year:04d}"
            stem = f"{year}/{year}-{local:%m-%d-%H%M}-{slug(record_title(record))}"
            name = names.claim(stem, record.created_at)
            archive.add(name, entry_file(record, owner).encode("utf-8"),
                        local.replace(tzinfo=None))
            if archive.pending >= CHUNK_SIZE:
                yield archive.take()
        exported_at = now or datetime.now(UTC)
        archive.add("README.md", readme(owner, reader.count, exported_at,
                                        reader.unopened).encode("utf-8"),
                    exported_at.astimezone(owner.zone).replace(tzinfo=None))
        yield from archive.finish()
