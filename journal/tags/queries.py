"""Reading one's own tags."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import select
from sqlalchemy.sql.elements import ColumnElement

from journal.models import Entry, EntryTag, Tag, User
from journal.ownership import owned
from journal.tags.lookup import all_tags, subtree, tags_named
from journal.tags.names import InvalidTag, ancestors, canonical_tag
from journal.totals import ensure_counted

# Above this many entries under a tag, its pages walk the entries rather than its links.
COMMON_TAG_ENTRIES = 2_000


@dataclass
class TagNode:
    name: str
    label: str  # the last level, as displayed
    count: int = 0  # entries with exactly this tag
    exists: bool = False  # False for a level that only children use ("work" of "work/launch")
    children: list["TagNode"] = field(default_factory=list)


def tag_tree(owner: User) -> list[TagNode]:
    """The owner's tags with entry counts (kept with each write, :mod:`journal.totals`),
    nested by ``/``, sorted by name."""
    ensure_counted(owner)
    rows = [(tag.name, tag.display_name, tag.entry_count) for tag in all_tags(owner)]
    nodes: dict[str, TagNode] = {}
    roots: list[TagNode] = []

    def node_for(name: str, display: str | None = None) -> TagNode:
        if name not in nodes:
            label = (display or name).split("/")[-1]
            node = nodes[name] = TagNode(name=name, label=label)
            parent = name.rpartition("/")[0]
            (node_for(parent).children if parent else roots).append(node)
        return nodes[name]

    for name, display, count in rows:
        for ancestor in ancestors(name):
            node_for(ancestor)
        node = node_for(name, display)
        node.label = display.split("/")[-1]
        node.count = count
        node.exists = True
    for node in nodes.values():
        node.children.sort(key=lambda child: child.name)
    roots.sort(key=lambda node: node.name)
    return roots


def canonical_or_404(raw: str) -> str:
    try:
        return canonical_tag(raw)
    except InvalidTag:
        abort(404)


def subtree_tags(owner: User, name: str) -> list[Tag]:
    """The owner's tags at ``name`` and below it, sorted by name."""
    return subtree(owner, name)


def subtree_or_404(owner: User, raw: str) -> tuple[str, list[Tag]]:
    """The canonical name for ``raw`` and the owner's tags at or below it; aborts 404
    when the name is invalid or the owner has no such tags."""
    name = canonical_or_404(raw)
    tags = subtree_tags(owner, name)
    if not tags:
        abort(404, description="You have no entries with this tag.")
    return name, tags


def tag_names(owner: User) -> list[str]:
    """The owner's canonical tag names, for suggestions in tag fields."""
    return [tag.name for tag in all_tags(owner)]


def entries_under(owner: User, name: str):
    """A select of the owner's entries tagged ``name`` or one of its children."""
    tags = [(tag.id, tag.entry_count) for tag in subtree(owner, name)]
    return owned(Entry, owner).where(carries_any(tags))


def carries_any(tags: Sequence[tuple[int, int]]) -> ColumnElement[bool]:
    """A condition on ``Entry``: it carries one of ``tags``, given as ``(id, entry_count)``
    pairs. Pages are read newest first, so the plan follows the stored counts: tags on
    many entries are tested entry by entry along the (owner, time) index, which stops at
    the page; rarer ones are read as the list of their links."""
    tag_ids = [tag_id for tag_id, _ in tags]
    links = select(EntryTag.entry_id).where(EntryTag.tag_id.in_(tag_ids))
    if sum(count for _, count in tags) > COMMON_TAG_ENTRIES:
        return links.where(EntryTag.entry_id == Entry.id).exists()
    return Entry.id.in_(links)


def tag_or_404(owner: User, name: str) -> Tag:
    tag = tags_named(owner, [name]).get(name)
    if tag is None:
        abort(404)
    return tag
