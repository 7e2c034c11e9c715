"""Titles, excerpts and search snippets read as plain text: what a reader of the
rendered entry sees, without Markdown syntax or the tags that end a line, while the
body keeps what was written and exports keep the real title."""

import json
import re
from datetime import UTC, datetime
from html import unescape

import pytest

from journal import summaries
from journal.extensions import db
from journal.models import Entry
from journal.rendering import plain_lines
from journal.summaries import display_title, excerpt, without_tags

MARKDOWN_BODY = ("Shipped the *export* fix today\\. #work\n"
                 "It took **three** tries, see [the ticket](https://example.org/t/42) "
                 "and `make test`; the _flaky_ check \\#3 is gone. #ci #release")


def card_texts(html: str) -> list[tuple[str, str]]:
    """``(title, excerpt)`` of each entry card on a page, as a reader sees them."""
    cards = re.findall(r'<article class="entry-card">(.*?)</article>', html, re.DOTALL)
    found = []
    for card in cards:
        title = re.search(r'<a href="/entries/\d+">(.*?)</a>', card, re.DOTALL).group(1)
        shown = re.search(r'<p class="entry-excerpt">(.*?)</p>', card, re.DOTALL)
        found.append((unescape(title.strip()), unescape(shown.group(1)) if shown else ""))
    return found


@pytest.mark.parametrize(("body", "title"), [
    ("Shipped the *export* fix today. #work", "Shipped the export fix today."),
    ("Day One escapes: fine\\. really\\!", "Day One escapes: fine. really!"),
    ("## A *heading* with [a link](https://example.org)", "A heading with a link"),
    ("#work #daily\n\n> Quoted __start__ of the day", "Quoted start of the day"),
    ("Moved the #launch date. #work", "Moved the launch date."),
    ("Ported it to #node.js.", "Ported it to node.js."),
    ("- [x] `code` & more", "[x] code & more"),
    ("![](dayone-moment://3F2D1F8A)", "Untitled entry"),
    ("x" * 120, "x" * 79 + "…"),
])
def test_a_missing_title_is_the_first_line_as_a_reader_sees_it(body, title):
    assert display_title(None, body) == title


def test_a_real_title_is_kept_as_written_and_a_reframe_falls_back_to_what_happened():
    assert display_title("My *own* title", MARKDOWN_BODY) == "My *own* title"
    assert display_title(None, "#work", "The *demo* crashed") == "The demo crashed"


def test_tags_inside_a_sentence_stay_as_words_and_code_is_left_alone():
    assert without_tags("Ran `#not-a-tag` for #c++ (#perf). #work, #ci") == (
        "Ran `#not-a-tag` for c++ (perf).")


def test_an_excerpt_has_no_markdown_and_skips_the_line_used_as_title():
    assert excerpt(MARKDOWN_BODY, skip_first_line=True) == (
        "It took three tries, see the ticket and make test; the flaky check #3 is gone.")
    assert excerpt(MARKDOWN_BODY, length=40) == "Shipped the export fix today. It took…"


def test_the_list_and_entry_page_show_plain_text_and_the_body_stays_as_written(
        client, logged_in, make_entry):
    entry = make_entry(logged_in, MARKDOWN_BODY)

    cards = card_texts(client.get("/entries/").get_data(as_text=True))
    assert cards == [("Shipped the export fix today.",
                      "It took three tries, see the ticket and make test; the flaky check #3 "
                      "is gone.")]
    detail = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "<h1>Shipped the export fix today.</h1>" in detail
    assert "<em>export</em>" in detail  # the body is still rendered as Markdown
    db.session.expire_all()
    stored = db.session.get(Entry, entry.id)
    assert (stored.title, stored.body) == (None, MARKDOWN_BODY)
    assert [tag.name for tag in stored.sorted_tags] == ["ci", "release", "work"]


def test_search_snippets_show_no_markdown_and_keep_link_text(client, logged_in, make_entry):
    make_entry(logged_in, "Intro line.\n\n" + "Filler words here. " * 40 + "\n\n"
               "The **quokka** exporter, see [our notes](https://example.org/quokka) and "
               "_docs_\\. #launch")

    page = client.get("/search", query_string={"q": "quokka"}).get_data(as_text=True)

    snippet = re.search(r'<p class="entry-excerpt search-snippet">(.*?)</p>', page,
                        re.DOTALL).group(1)
    assert "The <mark>quokka</mark> exporter, see our notes and docs." in snippet
    assert not re.search(r"[*_\\#]|https?:", snippet)


def test_exports_keep_the_real_title_or_none(client, logged_in, make_entry):
    make_entry(logged_in, MARKDOWN_BODY, created_at=datetime(2026, 1, 5, 9, tzinfo=UTC))
    make_entry(logged_in, "Body.", title="Kept *as typed*",
               created_at=datetime(2026, 1, 6, 9, tzinfo=UTC))

    document = json.loads(client.get("/account/export/json").get_data(as_text=True))

    assert [(entry["title"], entry["body"]) for entry in document["entries"]] == [
        (None, MARKDOWN_BODY), ("Kept *as typed*", "Body.")]


def test_a_list_reads_only_the_head_of_a_long_entry_and_reads_it_once(
        client, logged_in, make_entry, monkeypatch):
    read = []

    def counting_plain_lines(text):
        read.append(len(text))
        return plain_lines(text)

    monkeypatch.setattr(summaries, "plain_lines", counting_plain_lines)
    summaries._plain_lines.cache_clear()
    long_body = "A *long* first line.\n\n" + "Many more words in this entry. " * 5_000
    make_entry(logged_in, long_body)

    for _ in range(3):
        (title, shown), = card_texts(client.get("/entries/").get_data(as_text=True))
        assert title == "A long first line."
        assert shown.startswith("Many more words in this entry.") and shown.endswith("…")

    assert len(read) == 1 and read[0] <= summaries.HEAD_CHARS < len(long_body)
