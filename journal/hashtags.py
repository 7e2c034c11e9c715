"""Where ``#tags`` are written in Markdown text, for every feature that reads them:
the tags themselves (:mod:`journal.tags.names`) and the plain-text titles and excerpts
(:mod:`journal.summaries`). Only the positions are found here, never whether the text
is a valid tag name.
"""

import re

# A tag starts with a letter (or a "." and a letter, as in #.net) right after "#",
# which follows the start of a line or a character that cannot be part of a word, URL
# fragment or HTML entity. It goes on over letters, digits and - _ / + # . (#c++,
# #c#, #node.js); the other symbols a tag may hold end it in running text.
INLINE_TAG = re.compile(r"(?<![\w/&#])#((?:[^\W\d_]|\.(?=[^\W\d_]))[\w/+#.-]*)")
# A tag's text does not end with these: "#work." ends a sentence, "#plan/" a path.
_TRAILING = "/-_."
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:.+?)\1", re.DOTALL)


def _masked_lines(body: str) -> list[tuple[int, str]]:
    """``(offset, text)`` for every line of ``body`` that may hold inline tags, with code
    spans blanked out. Fenced and indented code blocks are skipped entirely."""
    result = []
    offset = 0
    fence: str | None = None
    previous_blank = True
    for line in body.splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        opening = _FENCE.match(stripped)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
        elif opening:
            fence = opening.group(1)
        elif stripped.startswith(("    ", "\t")) and previous_blank:
            pass  # an indented code block
        else:
            masked = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), stripped)
            result.append((offset, masked))
        indented = stripped.startswith(("    ", "\t"))
        previous_blank = not stripped.strip() or (previous_blank and indented)
        offset += len(line)
    return result


def find_inline_tags(body: str) -> list[tuple[int, int, str]]:
    """``(start, end, text)`` of each ``#tag`` outside code, ``text`` without the ``#``.
    Trailing ``/``, ``-``, ``_`` and ``.`` are not part of the tag (``#launch-`` is
    ``launch``, ``#work.`` is ``work``; ``#c++`` and ``#c#`` keep theirs)."""
    found = []
    for offset, line in _masked_lines(body):
        for match in INLINE_TAG.finditer(line):
            text = match.group(1).rstrip(_TRAILING)
            if not text:
                continue
            start = offset + match.start()
            found.append((start, start + 1 + len(text), text))
    return found
