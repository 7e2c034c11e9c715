"""What the preview page says about an import before anything is stored."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from journal.imports.services import ImportPlan, ImportResult
from journal.models.entries import display_title
from journal.transfer.document import FORMATS_IN_A_SENTENCE

FIRST_TITLES = 8
TOP_TAGS = 20


@dataclass
class ImportPreview:
    filename: str
    format_label: str
    in_file: int
    new: int
    already_here: int
    reframes: int = 0
    wins: int = 0
    starred: int = 0
    first: datetime | None = None  # the oldest and newest new entries (UTC)
    last: datetime | None = None
    # (shown as, entries among the new ones, whether the tag is new to the account)
    tags: list[tuple[str, int, bool]] = field(default_factory=list)
    more_tags: int = 0
    titles: list[tuple[datetime, str]] = field(default_factory=list)
    new_prompts: int = 0
    hidden_prompts: int = 0
    timezone_change: str | None = None
    notes: list[str] = field(default_factory=list)
    repeated: str = ""  # what happens to entries the file holds more than once
    # files without a date of their own: (name, when the file was last changed, UTC)
    undated: list[tuple[str, datetime]] = field(default_factory=list)
    dated_too: bool = False  # the figures count them, dated by their files
    nothing_new: str = ""  # why the import would add no entries, when it would not
    among_new: str = ""  # the reframes, wins and starred entries among the new ones


def describe(plan: ImportPlan, filename: str) -> ImportPreview:
    journal, new = plan.journal, plan.new_entries
    preview = ImportPreview(
        filename=filename, format_label=FORMATS_IN_A_SENTENCE.get(journal.format, journal.format),
        in_file=len(journal.entries) + len(journal.undated), new=len(new),
        already_here=plan.already_here, repeated=repeats_sentence(plan.repeat_counts),
        reframes=sum(entry.reframe is not None for entry in new),
        wins=sum(entry.is_win for entry in new), starred=sum(entry.starred for entry in new),
        new_prompts=plan.new_prompts, hidden_prompts=len(journal.hidden_prompts),
        timezone_change=plan.timezone_change, notes=list(journal.notes))
    preview.undated = [(entry.source or f"Entry {entry.position}", entry.created_at)
                       for entry in journal.undated]
    preview.dated_too = plan.date_undated
    preview.among_new = _among_new(preview)
    if not new:
        preview.nothing_new = _nothing_new(preview)
    if new:
        preview.first = min(entry.created_at for entry in new)
        preview.last = max(entry.created_at for entry in new)
    counts = Counter(name for names in plan.entry_tags for name in names)
    ranked = counts.most_common()
    preview.tags = [(plan.tags[name][0], count, name not in plan.existing_tags)
                    for name, count in ranked[:TOP_TAGS]]
    preview.more_tags = max(0, len(ranked) - TOP_TAGS)
    for entry in sorted(new, key=lambda entry: entry.created_at)[:FIRST_TITLES]:
        preview.titles.append((entry.created_at, _title(entry)))
    return preview


def _among_new(preview: ImportPreview) -> str:
    """"Of the 12 new entries, 2 are reframes, 3 are wins and 1 is starred." (the
    figures count new entries only); empty when none is any of these."""
    one = preview.new == 1
    parts = []
    if preview.reframes:
        parts.append("a reframe" if one else counted(preview.reframes, "is a reframe",
                                                       "are reframes"))
    if preview.wins:
        parts.append("a win" if one else counted(preview.wins, "is a win", "are wins"))
    if preview.starred:
        parts.append("starred" if one else counted(preview.starred, "is starred",
                                                     "are starred"))
    if not parts:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    if one:
        return f"The new entry is {listed}."
    return f"Of the {preview.new:,} new entries, {listed}."


def _nothing_new(preview: ImportPreview) -> str:
    """Why importing would add no entries, in a sentence."""
    if not preview.in_file:
        return "The file has no entries, so importing it would add none."
    skipped = len(preview.undated) if not preview.dated_too else 0
    reasons = []
    if preview.already_here:
        reasons.append(f"every entry in it{' with a date' if skipped else ''} is already "
                       "in your journal")
    if skipped:
        one = skipped == 1
        which = "it by its file" if one else "them by their files"
        reasons.append(f"{'its note has' if one else f'its {skipped:,} notes have'} no date "
                       f"(choose below to date {which})")
    return "Importing this file would add no entries" + (
        ": " + ", and ".join(reasons) if reasons else "") + "."


def counted(count: int, one: str, many: str) -> str:
    """``1 entry``, ``2 entries``, ``1,000 entries``."""
    return f"{count:,} {one if count == 1 else many}"


def repeats_sentence(counts: list[int], *, done: bool = False) -> str:
    """What happens to the entries a file holds more than once, ``counts`` being how
    often each appears: "2 entries appear twice in the file; each is imported once."
    ("was", once ``done``); empty without repeats."""
    if not counts:
        return ""
    if len(set(counts)) == 1:
        how = "twice" if counts[0] == 2 else f"{counts[0]:,} times"
    else:
        how = "more than once"
    one = len(counts) == 1
    return (f"{counted(len(counts), 'entry', 'entries')} {'appears' if one else 'appear'} "
            f"{how} in the file; {'it' if one else 'each'} {'was' if done else 'is'} "
            "imported once.")


def result_message(result: ImportResult, *, journal: str = "your journal") -> str:
    """What an import did, in sentences: "Imported 3 entries. 1 already in your
    journal was left out." and so on."""
    sentences = [f"Imported {counted(result.entries, 'entry', 'entries')}."]
    if result.already_here:
        count = result.already_here
        sentences.append(f"{count:,} already in {journal} {'was' if count == 1 else 'were'} "
                         "left out.")
    if result.repeat_counts:
        sentences.append(repeats_sentence(result.repeat_counts, done=True))
    if result.undated_left_out:
        count = result.undated_left_out
        sentences.append(f"{counted(count, 'note', 'notes')} without a date "
                         f"{'was' if count == 1 else 'were'} left out.")
    return " ".join(sentences)


def _title(entry) -> str:
    """The title the entry will show in lists once imported."""
    return display_title(entry.title, entry.body,
                         entry.reframe.happened if entry.reframe is not None else None)
