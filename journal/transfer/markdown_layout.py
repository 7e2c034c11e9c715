"""The Markdown zip export, shared by its writer and its reader.

The archive holds one file per entry in a folder per year of the entry's local date::

    2024/2024-01-05-1430-shipped-the-export.md

(local date and time, then a slug of the title; ``-2``, ``-3`` ... when two names
would collide). Each file starts with YAML front matter, then the body::

    ---
    date: 2024-01-05T14:30:00+01:00
    updated: 2024-01-06T09:12:00+01:00
    title: "Shipped the export"
    tags: ["work/launch", "win"]
    starred: false
    kind: note
    prompt: "What did you finish this week?"
    win: true
    win_part: "I cut the scope to what mattered."
    belief_before: 8
    belief_after: 4
    ---

    The body, as written.

``date`` is the only key that must be there. ``title``, ``prompt``, ``win``,
``win_part`` and the two beliefs are left out when empty; beliefs appear only on
reframes. Strings are written as JSON strings, which YAML reads back unchanged.

A note's file is its body. A reframe's file is its guided fields as level-two
sections under the headings below, in this order, each only when it has text, then
its free text under ``## Anything else`` when there is any. With ``kind: reframe`` the
reader takes the sections back into the fields; text before the first known heading
belongs to the free text.
"""

FRONT_MATTER_FENCE = "---"

# Field name -> heading (without the leading "## ") in a reframe's file.
REFRAME_HEADINGS: dict[str, str] = {
    "happened": "What happened",
    "critic": "What the engineer in me says",
    "evidence_for": "Facts that support it",
    "evidence_against": "Facts that contradict it",
    "salesperson": "What a salesperson would see",
    "in_control": "What was in my control",
    "not_in_control": "What was not in my control",
    "next_step": "The next step for tomorrow",
}

# Introduces a reframe's free text (the entry body) after its guided sections.
REFRAME_BODY_HEADING = "Anything else"
