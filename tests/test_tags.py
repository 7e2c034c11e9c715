"""Tags: their names, #tags written in the text, the tag tree, and renaming, merging
and deleting them, told through Ana ("ana") and, where privacy matters, Bo ("bo")."""

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from journal.extensions import db
from journal.models import Entry, EntryTag, Tag
from journal.ownership import owned
from journal.tags.names import (
    MAX_TAG_LENGTH,
    InvalidTag,
    canonical_tag,
    inline_tags,
    rename_inline_tags,
)

# --- helpers ------------------------------------------------------------------------

ENTRY_LINK = re.compile(r'class="entry-card-title">\s*<a href="/entries/(\d+)"')


def entry_ids_on(html: str) -> list[int]:
    """The entries listed on a page, in the order shown."""
    return [int(ident) for ident in ENTRY_LINK.findall(html)]


def tag_names(owner) -> list[str]:
    return sorted(tag.name for tag in db.session.scalars(owned(Tag, owner)))


def tags_of(entry_id: int) -> list[str]:
    return sorted(tag.name for tag in db.session.scalars(
        select(Tag).join(EntryTag, EntryTag.tag_id == Tag.id)
        .where(EntryTag.entry_id == entry_id)))


def stored_entry(entry_id: int) -> Entry:
    db.session.expire_all()
    return db.session.get(Entry, entry_id)


def snapshot(owner) -> tuple:
    """Everything about ``owner``'s tags and entries that a tag action could change."""
    db.session.expire_all()
    tags = [(tag.id, tag.name, tag.display_name)
            for tag in db.session.scalars(owned(Tag, owner).order_by(Tag.id))]
    entries = [(entry.id, entry.body, entry.version)
               for entry in db.session.scalars(owned(Entry, owner).order_by(Entry.id))]
    links = db.session.execute(
        select(EntryTag.entry_id, EntryTag.tag_id)
        .join(Entry, Entry.id == EntryTag.entry_id)
        .where(Entry.owner_id == owner.id).order_by(EntryTag.entry_id, EntryTag.tag_id)).all()
    return tags, entries, links


class TagTree(HTMLParser):
    """Reads the ``/tags/`` page into ``(depth, label, count text or None)`` rows, in
    page order; depth 1 is a top-level tag."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: list[list] = []
        self.depth = 0
        self._reading = None  # "label" or "count"
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "ul" and "tag-tree" in classes:
            self.depth += 1
        elif tag == "a" and "tag" in classes and self.depth:
            self.rows.append([self.depth, "", None])
            self._reading = "label"
        elif tag == "span" and "tag-count" in classes:
            self.rows[-1][2] = ""
            self._reading = "count"

    def handle_endtag(self, tag):
        if tag == "ul" and self.depth:
            self.depth -= 1
        if tag in ("a", "span"):
            self._reading = None

    def handle_data(self, data):
        if self._reading == "label":
            self.rows[-1][1] += data.strip()
        elif self._reading == "count":
            self.rows[-1][2] += data.strip()


def tag_tree_on(html: str) -> list[tuple]:
    return [tuple(row) for row in TagTree(html).rows]


# --- canonical names ----------------------------------------------------------------

TAG_LIKE = st.text(
    alphabet=st.one_of(
        st.characters(categories=["Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No", "Mn"]),
        st.sampled_from("-_/# \t.&"),
    ),
    max_size=80,
)


@given(st.one_of(TAG_LIKE, st.text(max_size=80)))
def test_canonical_tag_is_idempotent_and_has_no_space_comma_quote_or_control(raw):
    try:
        name = canonical_tag(raw)
    except InvalidTag as problem:
        assert problem.raw == raw
        assert f"“{raw}”" in str(problem)
        return
    assert canonical_tag(name) == name
    assert 1 <= len(name) <= MAX_TAG_LENGTH
    assert not any(char.isspace() or char in ',"' for char in name)
    assert not name.startswith(("/", "#", "~")) and not name.endswith("/") and "//" not in name
    assert not {".", ".."} & set(name.split("/"))


def canonical_under_the_old_rules(raw: str) -> str | None:
    """What names were before they kept symbols: letters, digits, - _ and / only."""
    name = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", raw).casefold().strip())
    name = name.removeprefix("#")
    if not name or len(name) > MAX_TAG_LENGTH or not all(
            char.isalnum() or char in "-_/" for char in name):
        return None
    if name.startswith("/") or name.endswith("/") or "//" in name:
        return None
    return name


@given(st.one_of(TAG_LIKE, st.text(max_size=80)))
def test_every_spelling_of_a_stored_tag_still_resolves_to_it(raw):
    """The rules only grew: what the old ones accepted keeps its canonical name, so
    stored tags keep their names and addresses and nothing needs rewriting."""
    old = canonical_under_the_old_rules(raw)
    if old is not None:
        assert canonical_tag(raw) == old


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Work", "work"), ("  #Launch ", "launch"), ("Work/Launch", "work/launch"),
     ("Straße", "strasse"), ("ﬁnance", "finance"), ("q3-plan_v2", "q3-plan_v2")],
)
def test_canonical_tag_folds_case_and_compatibility_forms(raw, expected):
    assert canonical_tag(raw) == expected


def test_tags_that_differ_only_in_symbols_stay_apart():
    names = [canonical_tag(raw) for raw in
             ("C", "C++", "C#", "#c#", ".NET", "Node.js", "R&D", "work/c++", "semi;colon")]
    assert names == ["c", "c++", "c#", "c#", ".net", "node.js", "r&d", "work/c++",
                     "semi;colon"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("has space", "a space"), ("", "empty"), ("#", "empty"), ("a" * 65, "at most 64"),
     ("/work", "cannot start"), ("work/", "cannot start"), ("a//b", "cannot start"),
     ("a,b", "“,”, which separates tags"), ('say"hi"', "quotation marks"),
     ("a\u200bb", "invisible control character"), (".", "cannot be “.” or “..”"),
     ("work/..", "cannot be “.” or “..”"), ("~rename", "cannot start with “~”"),
     ("##double", "cannot start with “#”")],
)
def test_an_invalid_tag_is_refused_with_a_message_naming_it(raw, reason):
    with pytest.raises(InvalidTag) as caught:
        canonical_tag(raw)
    assert f"“{raw}” is not a valid tag" in str(caught.value)
    assert reason in str(caught.value)


# --- #tags in the text ----------------------------------------------------------------

def names_in(body: str) -> list[str]:
    return [name for name, _shown in inline_tags(body)]


def test_hash_words_in_the_text_are_tags():
    body = "Kicked off the #launch with the team.\nNext: #work/launch review, then #Retro."
    assert names_in(body) == ["launch", "work/launch", "retro"]


def test_a_tag_keeps_how_it_was_typed_for_display():
    assert inline_tags("Met the #DesignTeam") == [("designteam", "DesignTeam")]


def test_trailing_punctuation_is_not_part_of_a_tag():
    assert names_in("Done with #launch. Then (#retro), #review-, #plan/") == [
        "launch", "retro", "review", "plan"]


def test_inline_tags_keep_plus_hash_and_inner_dots():
    body = "Ported the #C++ parser to #C#, then #node.js and #.NET. Ended the day at #work."
    assert inline_tags(body) == [("c++", "C++"), ("c#", "C#"), ("node.js", "node.js"),
                                 (".net", ".NET"), ("work", "work")]
    assert names_in("Is it #c? Or #c++? Or #c#!") == ["c", "c++", "c#"]


def test_tags_inside_code_are_not_tags():
    body = "\n".join([
        "Real #outside tag, but `#inline_code` is code.",
        "",
        "```",
        "#fenced in backticks",
        "```",
        "~~~python",
        "x = 1  #tilde_fence",
        "~~~",
        "",
        "    #indented code block",
        "",
        "After the code: #after",
    ])
    assert names_in(body) == ["outside", "after"]


def test_markdown_headings_are_not_tags():
    body = "# Heading\n\n## Notes\n\n###### Small\n\nText with #real tag."
    assert names_in(body) == ["real"]


@pytest.mark.parametrize(
    "body",
    ["See https://x.org/a#frag for details",
     "It&#39;s done &#x27;quoted&#x27;",
     "Fixed issue #123 and #4567",
     "an email@host#part",
     "C#sharp and path/to#anchor"],
)
def test_url_fragments_entities_and_issue_numbers_are_not_tags(body):
    assert names_in(body) == []


def test_rewriting_inline_tags_leaves_code_and_lookalikes_alone():
    body = "#work and #work/launch, `#work` in code, #workshop and #Work."
    assert rename_inline_tags(body, "work", "job") == (
        "#job and #job/launch, `#work` in code, #workshop and #job.")


# --- tags with symbols, wherever a tag is written -------------------------------------

def test_tags_with_symbols_stay_apart_from_the_form_to_the_tag_pages(client, logged_in):
    bodies = {"c": "Plain C today.", "c++": "Templates again.", "c#": "LINQ is neat.",
              ".net": "Runtime upgrade.", "node.js": "Event loop."}
    ids = {}
    for tag, body in bodies.items():
        response = client.post("/entries/new", data={"body": body, "tags": tag.upper()})
        assert response.status_code == 302
        ids[tag] = int(response.headers["Location"].rsplit("/", 1)[-1])

    assert tag_names(logged_in) == sorted(bodies)
    listing = client.get("/tags/").get_data(as_text=True)
    for address in ('href="/tags/c"', 'href="/tags/c++"', 'href="/tags/c%23"',
                    'href="/tags/.net"', 'href="/tags/node.js"'):
        assert address in listing
    assert "#C#" in listing and "#NODE.JS" in listing
    for tag, address in [("c", "/tags/c"), ("c++", "/tags/c++"), ("c#", "/tags/c%23"),
                         (".net", "/tags/.net"), ("node.js", "/tags/node.js")]:
        response = client.get(address)
        assert response.status_code == 200, address
        assert entry_ids_on(response.get_data(as_text=True)) == [ids[tag]]
    entry_page = client.get(f"/entries/{ids['c#']}").get_data(as_text=True)
    assert 'href="/tags/c%23"' in entry_page


def test_inline_tags_with_symbols_are_stored_and_a_sentence_period_ends_a_tag(
        client, logged_in):
    client.post("/entries/new", data={
        "body": "Moved the #c++ build to #node.js tooling, then back to #work.", "tags": ""})
    entry = db.session.scalar(owned(Entry, logged_in))
    assert tags_of(entry.id) == ["c++", "node.js", "work"]


def test_renaming_and_deleting_a_tag_with_a_hash_in_its_name(client, logged_in, make_entry):
    sharp = make_entry(logged_in, "Learning #c# and some #c.")
    response = client.post("/tags/~rename/c%23", data={"new_name": "F#"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/tags/f%23")
    assert stored_entry(sharp.id).body == "Learning #f# and some #c."
    assert tags_of(sharp.id) == ["c", "f#"]

    response = client.post("/tags/~delete/f%23")
    assert response.status_code == 302
    assert tags_of(sharp.id) == ["c"]
    assert stored_entry(sharp.id).body == "Learning f# and some #c."


# --- the tag list and a tag's page ------------------------------------------------------

def test_tags_page_lists_own_tags_as_a_tree_with_counts(client, logged_in, make_entry):
    make_entry(logged_in, "Planning day.", tags="work")
    make_entry(logged_in, "Launch prep.", tags="work/launch")
    make_entry(logged_in, "Launch went out.", tags="work/launch")
    make_entry(logged_in, "Fixed the sink.", tags="home")
    make_entry(logged_in, "Only a child: #garden/roses")

    response = client.get("/tags/")

    assert response.status_code == 200
    assert tag_tree_on(response.get_data(as_text=True)) == [
        (1, "#garden", None),  # a level only its children use: no count of its own
        (2, "#roses", "1 entry"),
        (1, "#home", "1 entry"),
        (1, "#work", "1 entry"),
        (2, "#launch", "2 entries"),
    ]


def test_tags_page_with_no_tags_invites_writing(client, logged_in):
    html = client.get("/tags/").get_data(as_text=True)
    assert "No tags yet" in html
    assert 'href="/entries/new"' in html


def test_tag_page_shows_the_tag_and_its_children_but_not_lookalikes(
        client, logged_in, make_entry):
    planning = make_entry(logged_in, "Planning.", tags="work")
    launch = make_entry(logged_in, "Launch day.", tags="work/launch")
    workshop = make_entry(logged_in, "Pottery.", tags="workshop")
    work_x = make_entry(logged_in, "Something else.", tags="work_x")

    response = client.get("/tags/work")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert sorted(entry_ids_on(html)) == sorted([planning.id, launch.id])
    assert workshop.id not in entry_ids_on(html)
    assert work_x.id not in entry_ids_on(html)
    assert "Including entries tagged" in html
    assert 'href="/tags/work/launch"' in html


def test_an_underscore_in_a_tag_is_not_a_wildcard(client, logged_in, make_entry):
    underscore = make_entry(logged_in, "Underscore.", tags="a_b")
    lookalike = make_entry(logged_in, "Lookalike.", tags="axb/c")

    html = client.get("/tags/a_b").get_data(as_text=True)

    assert entry_ids_on(html) == [underscore.id]
    assert lookalike.id not in entry_ids_on(html)


def test_a_parent_level_without_entries_of_its_own_still_has_a_page(
        client, logged_in, make_entry):
    roses = make_entry(logged_in, "Pruned the #garden/roses")

    response = client.get("/tags/garden")

    assert response.status_code == 200
    assert entry_ids_on(response.get_data(as_text=True)) == [roses.id]


def test_a_tag_page_is_reached_by_any_spelling_of_the_tag(client, logged_in, make_entry):
    entry = make_entry(logged_in, "Launch.", tags="Work/Launch")
    html = client.get("/tags/WORK/launch").get_data(as_text=True)
    assert entry_ids_on(html) == [entry.id]


def test_a_long_tag_page_is_split_into_pages_without_repeats(client, logged_in, make_entry):
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    tagged = []
    for number in range(25):
        # Pairs of entries share a timestamp, so the page boundary falls inside a tie.
        moment = start + timedelta(hours=number // 2)
        tagged.append(make_entry(logged_in, f"Work note {number}", tags="work",
                                 created_at=moment).id)
    make_entry(logged_in, "Not work.", tags="home", created_at=start)

    first = client.get("/tags/work")
    first_html = first.get_data(as_text=True)
    older = re.search(r'rel="next" href="([^"]+)"', first_html)
    assert older, "the first page links to older entries"
    second = client.get(unescape(older.group(1)))
    second_html = second.get_data(as_text=True)

    first_ids, second_ids = entry_ids_on(first_html), entry_ids_on(second_html)
    assert first.status_code == second.status_code == 200
    assert len(first_ids) == 20
    assert len(second_ids) == 5
    assert set(first_ids).isdisjoint(second_ids)
    assert first_ids + second_ids == sorted(tagged, reverse=True)  # newest first
    assert 'rel="next"' not in second_html
    assert 'rel="prev"' in second_html


@pytest.mark.parametrize(
    "url",
    ["/tags/has space", "/tags/%00", "/tags/a%0Ab", "/tags/a//b", "/tags/" + "x" * 65,
     "/tags/~rename/has space", "/tags/~delete/%00", "/tags/~rename/%00"],
)
def test_an_invalid_tag_name_in_the_address_is_not_found(client, logged_in, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_a_tag_nobody_uses_is_not_found(client, logged_in):
    response = client.get("/tags/nothing-here")
    assert response.status_code == 404
    assert "You have no entries with this tag." in response.get_data(as_text=True)


def test_tags_need_a_sign_in(client, user):
    response = client.get("/tags/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


# --- renaming and merging -----------------------------------------------------------------

def test_renaming_a_tag_moves_its_children_and_rewrites_the_text(
        client, logged_in, make_entry):
    kickoff = make_entry(logged_in, "Kickoff for #work today. Also `#work` in code.",
                         tags="work")
    launch = make_entry(logged_in, "Shipped #work/launch and #Work/Launch/q3.")
    pottery = make_entry(logged_in, "A #workshop on pottery.")

    response = client.post("/tags/~rename/work", data={"new_name": "job"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/tags/job"
    assert tag_names(logged_in) == ["job", "job/launch", "job/launch/q3", "workshop"]
    kickoff = stored_entry(kickoff.id)
    assert kickoff.body == "Kickoff for #job today. Also `#work` in code."
    assert kickoff.version == 2
    launch = stored_entry(launch.id)
    assert launch.body == "Shipped #job/launch and #job/Launch/q3."
    assert launch.version == 2
    assert tags_of(launch.id) == ["job/launch", "job/launch/q3"]
    pottery = stored_entry(pottery.id)
    assert pottery.body == "A #workshop on pottery."
    assert pottery.version == 1

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Renamed to #job." in page
    assert sorted(entry_ids_on(page)) == sorted([kickoff.id, launch.id])


def test_renaming_to_another_spelling_of_the_same_tag_changes_how_it_is_shown(
        client, logged_in, make_entry):
    entry = make_entry(logged_in, "Launch.", tags="launch")

    response = client.post("/tags/~rename/launch", data={"new_name": "Launch"},
                           follow_redirects=True)

    assert response.status_code == 200
    assert tag_names(logged_in) == ["launch"]
    assert db.session.scalar(owned(Tag, logged_in)).display_name == "Launch"
    assert "#Launch" in response.get_data(as_text=True)
    assert tags_of(entry.id) == ["launch"]


def test_renaming_onto_an_existing_tag_merges_the_two(client, logged_in, make_entry):
    only_work = make_entry(logged_in, "One.", tags="work")
    only_job = make_entry(logged_in, "Two.", tags="job")
    both = make_entry(logged_in, "Three.", tags="work, job")
    work_launch = make_entry(logged_in, "Four.", tags="work/launch")
    job_launch = make_entry(logged_in, "Five.", tags="job/launch")

    response = client.post("/tags/~rename/work", data={"new_name": "job"},
                           follow_redirects=True)

    assert response.status_code == 200
    assert "Merged into #job." in response.get_data(as_text=True)
    assert tag_names(logged_in) == ["job", "job/launch"]
    assert tags_of(only_work.id) == tags_of(only_job.id) == tags_of(both.id) == ["job"]
    assert tags_of(work_launch.id) == tags_of(job_launch.id) == ["job/launch"]
    links = db.session.scalar(select(func.count()).select_from(EntryTag))
    assert links == 5  # one link per entry: none doubled by the merge
    assert tag_tree_on(client.get("/tags/").get_data(as_text=True)) == [
        (1, "#job", "3 entries"),
        (2, "#launch", "2 entries"),
    ]


def test_a_tag_cannot_be_renamed_into_its_own_subtree(client, logged_in, make_entry):
    make_entry(logged_in, "Planning #work", tags="work/launch")
    before = snapshot(logged_in)

    response = client.post("/tags/~rename/work", data={"new_name": "work/inner"})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "“work/inner” is not a valid tag: a tag cannot move inside itself." in html
    assert snapshot(logged_in) == before


@pytest.mark.parametrize(("new_name", "message"), [
    ("has space", "“has space” is not a valid tag: it contains a space"),
    ("a,b", "“a,b” is not a valid tag"),
    ("/job", "“/job” is not a valid tag"),
    ("", "This field is required."),
])
def test_an_invalid_new_name_is_refused_and_nothing_changes(
        client, logged_in, make_entry, new_name, message):
    make_entry(logged_in, "Planning #work and #work/launch", tags="work")
    before = snapshot(logged_in)

    response = client.post("/tags/~rename/work", data={"new_name": new_name})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert 'aria-invalid="true"' in html
    assert snapshot(logged_in) == before


def test_a_rename_that_would_make_a_child_too_long_changes_nothing(
        client, logged_in, make_entry):
    child = "a/" + "c" * 60
    make_entry(logged_in, "Deep.", tags=f"a, {child}")
    before = snapshot(logged_in)

    response = client.post("/tags/~rename/a", data={"new_name": "b" * 10})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "is not a valid tag: use at most 64 characters." in html
    assert "b" * 10 + "/" + "c" * 60 in html  # the message names the name that does not fit
    assert snapshot(logged_in) == before


def test_the_rename_form_is_offered_on_a_tag_page(client, logged_in, make_entry):
    make_entry(logged_in, "Launch.", tags="Launch")

    html = client.get("/tags/~rename/launch").get_data(as_text=True)

    assert 'action="/tags/~rename/launch"' in html
    assert 'name="new_name"' in html


def test_an_editor_opened_before_a_rename_cannot_silently_undo_it(
        client, logged_in, make_entry):
    """The tags field is part of what the editor shows, so a rename changes the entry
    the editor was opened on: saving that stale editor must be a conflict (409), not a
    quiet return of the old tag."""
    entry = make_entry(logged_in, "Planning the quarter.", tags="work")
    editor = client.get(f"/entries/{entry.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', editor).group(1)

    client.post("/tags/~rename/work", data={"new_name": "job"})
    response = client.post(f"/entries/{entry.id}/edit", data={
        "title": "", "body": "Planning the quarter, with notes.", "tags": "work",
        "version": version})

    assert response.status_code == 409
    assert tags_of(entry.id) == ["job"]
    assert tag_names(logged_in) == ["job"]


# --- deleting -------------------------------------------------------------------------------

def test_deleting_a_tag_keeps_the_entries_and_the_child_tags(client, logged_in, make_entry):
    planning = make_entry(logged_in, "Planning the #launch. See #launch/retro.", tags="launch")
    retro = make_entry(logged_in, "Retro notes.", tags="launch/retro")
    code = make_entry(logged_in, "Only code: `#launch`", tags="launch")

    confirm = client.get("/tags/~delete/launch")
    assert confirm.status_code == 200
    assert "the entries themselves stay" in confirm.get_data(as_text=True)

    response = client.post("/tags/~delete/launch", follow_redirects=True)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tag #launch removed from 2 entries; the entries are kept." in html
    assert tag_names(logged_in) == ["launch/retro"]
    planning = stored_entry(planning.id)
    assert planning.body == "Planning the launch. See #launch/retro."
    assert planning.version == 2
    assert tags_of(planning.id) == ["launch/retro"]
    assert tags_of(retro.id) == ["launch/retro"]
    code = stored_entry(code.id)
    assert code.body == "Only code: `#launch`" and tags_of(code.id) == []
    assert tag_tree_on(html) == [(1, "#launch", None), (2, "#retro", "2 entries")]


def test_re_saving_an_entry_after_deleting_its_tag_does_not_bring_it_back(
        client, logged_in, make_entry):
    entry = make_entry(logged_in, "We shipped the #launch on time.", tags="launch")
    client.post("/tags/~delete/launch")
    editor = client.get(f"/entries/{entry.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', editor).group(1)
    body = stored_entry(entry.id).body

    response = client.post(f"/entries/{entry.id}/edit", data={
        "title": "", "body": body, "tags": "", "version": version})

    assert response.status_code == 302
    assert body == "We shipped the launch on time."
    assert tags_of(entry.id) == []
    assert tag_names(logged_in) == []


def test_only_an_existing_tag_can_be_deleted(client, logged_in, make_entry):
    make_entry(logged_in, "Roses.", tags="garden/roses")
    before = snapshot(logged_in)

    response = client.post("/tags/~delete/garden")  # a level, not a tag of its own

    assert response.status_code == 404
    assert snapshot(logged_in) == before


# --- privacy --------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "url"), [
    ("GET", "/tags/work"),
    ("GET", "/tags/work/launch"),
    ("GET", "/tags/~rename/work"),
    ("POST", "/tags/~rename/work"),
    ("GET", "/tags/~delete/work"),
    ("POST", "/tags/~delete/work"),
    ("POST", "/tags/~delete/work/launch"),
])
def test_another_users_tags_are_not_found_and_stay_untouched(
        client, user, other_user, login, make_entry, method, url):
    secret = make_entry(user, "Ana's quokka #work/launch notes.", tags="work")
    before = snapshot(user)
    login(other_user, "a different long passphrase")

    response = client.open(url, method=method, data={"new_name": "stolen"})

    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "quokka" not in html and f"/entries/{secret.id}" not in html
    assert snapshot(user) == before
    assert tag_names(other_user) == []


def test_two_people_with_the_same_tag_each_see_and_rename_only_their_own(
        client, user, other_user, login, make_entry):
    anas = make_entry(user, "Ana's work.", tags="work")
    bos = make_entry(other_user, "Bo's work.", tags="work")
    anas_before = snapshot(user)
    login(other_user, "a different long passphrase")

    page = client.get("/tags/work").get_data(as_text=True)
    tree = tag_tree_on(client.get("/tags/").get_data(as_text=True))
    client.post("/tags/~rename/work", data={"new_name": "job"})

    assert entry_ids_on(page) == [bos.id]
    assert anas.id not in entry_ids_on(page)
    assert tree == [(1, "#work", "1 entry")]
    assert tag_names(other_user) == ["job"]
    assert snapshot(user) == anas_before


@pytest.mark.parametrize("common_from", [0, 10_000])
def test_a_tags_pages_are_the_same_whether_its_entries_or_its_links_are_walked(
        client, logged_in, other_user, make_entry, monkeypatch, common_from):
    """A common tag's page walks the entries newest first, a rare one's reads its links:
    both give the same entries, pages and order, and only the owner's."""
    from journal.tags import queries

    monkeypatch.setattr(queries, "COMMON_TAG_ENTRIES", common_from)
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    for number in range(30):
        tags = "work/launch" if number % 3 == 0 else ("work" if number % 3 == 1 else "home")
        make_entry(logged_in, f"Entry {number:02d}", tags=tags,
                   created_at=start + timedelta(hours=number))
    make_entry(other_user, "Not yours", tags="work", created_at=start)
    first = client.get("/tags/work").get_data(as_text=True)
    shown = re.findall(r"Entry (\d\d)", first)
    expected = [f"{n:02d}" for n in range(29, -1, -1) if n % 3 != 2]
    assert shown == expected[:len(shown)] and len(shown) >= 10
    assert "Not yours" not in first
