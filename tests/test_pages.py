"""Every page a signed-in user can open, walked from ``app.url_map``: the main
navigation marks exactly the page it links to, and every id a page refers to
(``list``, ``for``, ``aria-*``) is on that page."""

from datetime import date
from html.parser import HTMLParser

import pytest
from flask import url_for

from journal.auth.tokens import create_invite
from journal.extensions import db
from journal.models import Prompt

# GET endpoints that are not pages: files, downloads, and links only a token opens.
NOT_PAGES = {"static", "assets.stylesheet", "main.healthz", "exports.download", "wins.brag",
             "auth.reset_password"}

# The one main-navigation link marked as the current page, for the pages it links to.
CURRENT = {"entries.new": "Write", "entries.index": "Entries", "search.index": "Search",
           "tags.index": "Tags", "prompts.index": "Prompts", "insights.index": "Insights"}

ID_REFERENCES = ("list", "for", "aria-describedby", "aria-controls", "aria-labelledby")


class Page(HTMLParser):
    """The ids on a page, the ids its attributes refer to, and the main navigation's
    links: their text, aria-current, and whether they are in the account menu."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []
        self.nav_links: list[tuple[str, str | None, bool]] = []
        self._nav_depth = 0
        self._menu_depth = 0
        self._link: list | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        for name in ID_REFERENCES:
            for target in (attributes.get(name) or "").split():
                self.references.append((tag, name, target))
        if tag == "nav" and (self._nav_depth or attributes.get("aria-label") == "Main"):
            self._nav_depth += 1
        if tag == "details" and self._nav_depth:
            self._menu_depth += 1
        if tag == "a" and self._nav_depth:
            self._link = ["", attributes.get("aria-current"), self._menu_depth > 0]

    def handle_endtag(self, tag):
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1
        if tag == "details" and self._menu_depth:
            self._menu_depth -= 1
        if tag == "a" and self._link is not None:
            self.nav_links.append((self._link[0].strip(), *self._link[1:]))
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link[0] += data


@pytest.fixture(params=["new", "busy"])
def pages(request, app, client, logged_in, make_user, make_entry):
    """Every GET page the signed-in administrator can open, as ``{endpoint: html}``:
    as a new user with nothing written, and with an entry, a tag, an own prompt,
    another account and an invitation to show."""
    other = make_user("bo")
    values = {"user_id": other.id}
    day = date.today()
    if request.param == "busy":
        entry = make_entry(logged_in, "Shipped the importer. #work", title="Importer",
                           tags="work/launch")
        prompt = Prompt(owner_id=logged_in.id, theme="value", text="Whose day did it save?")
        db.session.add(prompt)
        create_invite(logged_in, None)
        db.session.commit()
        values |= {"entry_id": entry.id, "name": "work/launch", "prompt_id": prompt.id}
        day = entry.created_at.date()
    values |= {"year": day.year, "month": day.month, "day": day.day}
    found = {}
    for rule in app.url_map.iter_rules():
        if ("GET" not in rule.methods or rule.endpoint in NOT_PAGES
                or not rule.arguments <= set(values)):
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            found[rule.endpoint] = response.get_data(as_text=True)
        else:  # only a page that sends you elsewhere when there is nothing to show
            assert response.status_code == 302, (url, response.status_code)
    return found

def test_the_walk_reaches_every_page_in_the_navigation(pages):
    assert set(CURRENT) <= set(pages)
    assert len(pages) >= 20


def test_the_main_navigation_marks_only_the_page_it_links_to(pages):
    for endpoint, html in pages.items():
        links = Page(html).nav_links
        in_bar = [label for label, _, in_menu in links if not in_menu]
        in_menu = [label for label, _, in_menu in links if in_menu]
        assert in_bar == ["Journal", "Write", "Entries", "Search", "Tags", "Prompts",
                          "Insights"], endpoint
        assert "Insights" not in in_menu, endpoint
        current = [label for label, mark, _ in links if mark is not None]
        expected = [CURRENT[endpoint]] if endpoint in CURRENT else []
        assert current == expected, endpoint


def test_every_id_a_page_refers_to_is_on_the_page(pages):
    missing = []
    for endpoint, html in pages.items():
        page = Page(html)
        missing += [(endpoint, tag, name, target) for tag, name, target in page.references
                    if target not in page.ids]
    assert not missing


def test_the_start_page_suggests_only_ones_own_tags(client, logged_in, other_user,
                                                     make_entry):
    make_entry(logged_in, "Mine.", tags="work/launch, team")
    make_entry(other_user, "Theirs.", tags="secret-project")
    page = client.get("/").get_data(as_text=True)
    suggestions = page.split('<datalist id="tag-suggestions">')[1].split("</datalist>")[0]
    assert 'value="team"' in suggestions and 'value="work/launch"' in suggestions
    assert "secret-project" not in page
