"""What protects a journal that holds people's private doubts: security headers on every
answer, error pages that stay inside the site, pages without inline code and without
anything loaded from elsewhere, refusal of mangled or oversized input, and CSRF."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from journal import create_app
from journal.extensions import db
from journal.models import Entry, Tag, UserSession
from journal.ownership import owned
from tests.conftest import OTHER_PASSWORD, PASSWORD, csrf_token_from, make_config

MIB = 1024 * 1024
INVALID_UTF8_FORM = {"data": b"body=%FF%FE&tags=work",
                     "content_type": "application/x-www-form-urlencoded"}

# An entry whose text tries every trick: a link elsewhere (allowed: the reader chooses
# to follow it), an image elsewhere (dropped), and raw HTML (shown as text).
TRICKY_BODY = "\n".join([
    "Read the [launch report](https://example.org/report) #work/launch",
    "",
    "![tracking pixel](https://tracker.example.com/p.gif)",
    "",
    '<script>alert("x")</script> <b style="color:red" onclick="steal()">bold</b>',
    "<style>body{display:none}</style>",
])


# --- helpers -------------------------------------------------------------------------------

def entry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Entry))


def version_from(html: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)


class PageAudit(HTMLParser):
    """Collects what a Content-Security-Policy without 'unsafe-inline' would block, and
    every address the page refers to (noting which ones sit in an entry's own text)."""

    URL_ATTRIBUTES = {"src", "href", "action", "formaction", "srcset", "poster", "data"}

    def __init__(self, html: str):
        super().__init__()
        self.inline_scripts: list[str] = []
        self.style_elements = 0
        self.style_attributes: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[tuple[str, str, bool]] = []  # (attribute, value, in user text?)
        self._user_text_depth = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "div":
            if self._user_text_depth:
                self._user_text_depth += 1
            elif "entry-body" in (attributes.get("class") or "").split():
                self._user_text_depth = 1
        if tag == "script" and not attributes.get("src"):
            self.inline_scripts.append(self.get_starttag_text())
        if tag == "style":
            self.style_elements += 1
        for name, value in attrs:
            if name == "style":
                self.style_attributes.append(self.get_starttag_text())
            if re.fullmatch(r"on\w+", name):
                self.handlers.append(self.get_starttag_text())
            if name in self.URL_ATTRIBUTES and value is not None:
                self.urls.append((name, value, bool(self._user_text_depth)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "div" and self._user_text_depth:
            self._user_text_depth -= 1

    def handle_endtag(self, tag):
        if tag == "div" and self._user_text_depth:
            self._user_text_depth -= 1


def assert_no_inline_code(html: str) -> None:
    audit = PageAudit(html)
    assert audit.inline_scripts == []
    assert audit.style_elements == 0
    assert audit.style_attributes == []
    assert audit.handlers == []


def is_same_site(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc or parts.netloc == "localhost"


def assert_everything_loads_from_this_site(html: str) -> None:
    audit = PageAudit(html)
    assert audit.urls, "the page refers to nothing at all"
    elsewhere = [(attribute, url) for attribute, url, in_user_text in audit.urls
                 if not is_same_site(url) and not (in_user_text and attribute == "href")]
    assert elsewhere == []


def assert_in_site_layout(html: str, status: int) -> None:
    assert re.search(r'<a class="brand" href="/">Journal</a>', html)
    assert '<main id="main"' in html
    assert f"Error {status}" in html
    assert re.search(r'href="/assets/app\.[0-9a-f]{16}\.css"', html)


def assert_security_headers(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:]
                  for part in (piece.strip() for piece in policy.split(";")) if part}
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"same-origin", "no-referrer",
                                                   "strict-origin-when-cross-origin"}


def assert_private_to_this_browser(response) -> None:
    assert "no-store" in response.headers.get("Cache-Control", "")
    assert "Cookie" in response.vary


# --- headers on every answer --------------------------------------------------------------

SIGNED_OUT_ANSWERS = {
    "a page": ("GET", "/auth/login", {}, 200),
    "not found": ("GET", "/no-such-page", {}, 404),
    "wrong method": ("GET", "/auth/logout", {}, 405),
    "bad request": ("POST", "/auth/login", INVALID_UTF8_FORM, 400),
    "a redirect": ("GET", "/entries/", {}, 302),
    "a static file": ("GET", "/static/js/app.js", {}, 200),
}

SIGNED_IN_ANSWERS = {
    "a page": ("GET", "/entries/", {}, 200),
    "not found": ("GET", "/entries/999999", {}, 404),
    "wrong method": ("GET", "/auth/logout", {}, 405),
    "bad request": ("POST", "/entries/new", INVALID_UTF8_FORM, 400),
    "damaged page link": ("GET", "/entries/?before=not-a-cursor", {}, 400),
    "a redirect": ("POST", "/entries/new", {"data": {"body": "Saved."}}, 302),
}


@pytest.mark.parametrize("name", SIGNED_OUT_ANSWERS)
def test_every_answer_to_a_visitor_carries_the_security_headers(client, user, name):
    method, url, extra, status = SIGNED_OUT_ANSWERS[name]

    response = client.open(url, method=method, **extra)

    assert response.status_code == status
    assert_security_headers(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("name", SIGNED_IN_ANSWERS)
def test_every_answer_to_a_signed_in_person_is_private_to_their_browser(
        client, logged_in, name):
    method, url, extra, status = SIGNED_IN_ANSWERS[name]

    response = client.open(url, method=method, **extra)

    assert response.status_code == status
    assert_security_headers(response)
    assert_private_to_this_browser(response)


def test_a_wrong_method_says_which_methods_are_allowed(client, user):
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "POST" in {method.strip() for method in response.headers["Allow"].split(",")}


def test_frames_and_window_openers_are_refused(client, user):
    response = client.get("/auth/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


# --- error pages in the site's layout ---------------------------------------------------

@pytest.mark.parametrize(("method", "url", "extra", "status"), [
    ("POST", "/auth/login", INVALID_UTF8_FORM, 400),
    ("GET", "/no-such-page", {}, 404),
    ("GET", "/auth/logout", {}, 405),
])
def test_error_pages_for_visitors_are_in_the_site_layout(client, user, method, url, extra,
                                                         status):
    response = client.open(url, method=method, **extra)

    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert_in_site_layout(html, status)
    assert_no_inline_code(html)
    assert_everything_loads_from_this_site(html)


def test_a_damaged_page_link_gets_a_readable_400(client, logged_in):
    response = client.get("/entries/?before=garbage")

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert_in_site_layout(html, 400)
    assert "That page link is damaged." in html


def test_an_oversized_entry_gets_the_413_page_and_nothing_is_saved(client, logged_in):
    response = client.post("/entries/new", data={"body": "x" * (MIB + 1), "tags": "big"})

    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert_in_site_layout(html, 413)
    assert "1 MiB" in html
    assert entry_count() == 0
    assert_no_inline_code(html)


def test_an_entry_just_under_the_limit_is_saved(client, logged_in):
    response = client.post("/entries/new", data={"body": "y" * (MIB - 1000)})
    assert response.status_code == 302
    assert entry_count() == 1


def test_repeated_failed_sign_ins_get_the_429_page(client, user, login):
    for _ in range(5):
        failed = login(user, "not the password at all")
        assert failed.status_code == 200
        assert "That username and password do not match an account." in (
            failed.get_data(as_text=True))

    response = login(user, "not the password at all")

    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert_in_site_layout(html, 429)
    assert "You can try again after" in html
    assert int(response.headers["Retry-After"]) > 0
    assert_no_inline_code(html)
    assert_everything_loads_from_this_site(html)
    # The right password is refused too while the pause lasts.
    assert login(user, PASSWORD).status_code == 429


def test_an_unexpected_error_gets_the_500_page(database):
    app = create_app(make_config(database, PROPAGATE_EXCEPTIONS=False))

    @app.route("/test-only/boom")
    def boom():
        raise RuntimeError("a bug in a view")

    with app.app_context():
        response = app.test_client().get("/test-only/boom")
        db.engine.dispose()

    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert_in_site_layout(html, 500)
    assert "Something went wrong on our side" in html
    assert "a bug in a view" not in html  # no internals shown
    assert "Traceback" not in html
    assert_security_headers(response)
    assert_no_inline_code(html)
    assert_everything_loads_from_this_site(html)


def test_saving_over_a_newer_version_gets_the_409_page_with_both_texts(
        client, logged_in, make_entry):
    entry = make_entry(logged_in, "First draft.")
    stale_version = version_from(client.get(f"/entries/{entry.id}/edit").get_data(as_text=True))
    client.post(f"/entries/{entry.id}/edit",
                data={"body": "Saved from my phone.", "tags": "", "version": stale_version})

    response = client.post(f"/entries/{entry.id}/edit",
                           data={"body": "Typed on my laptop.", "tags": "",
                                 "version": stale_version})

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert re.search(r'<a class="brand" href="/">Journal</a>', html)
    assert "This entry changed while you were editing" in html
    assert "Typed on my laptop." in html
    assert "Saved from my phone." in html
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).body == "Saved from my phone."
    assert_no_inline_code(html)
    assert_everything_loads_from_this_site(html)


# --- text that is not UTF-8 ------------------------------------------------------------------

@pytest.mark.parametrize("raw", [b"body=%FF%FE", b"body=\xff\xfe+done", b"title=%C3&body=ok",
                                 b"%FF=value&body=ok"])
def test_a_form_that_is_not_utf8_is_refused_and_nothing_is_stored(client, logged_in, raw):
    response = client.post("/entries/new", data=raw,
                           content_type="application/x-www-form-urlencoded")

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "not valid UTF-8" in html
    assert_in_site_layout(html, 400)
    assert entry_count() == 0


def test_a_multipart_form_with_text_that_is_not_utf8_is_refused(client, logged_in):
    boundary = "journalboundary"
    raw = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n".encode()
           + b"abc\xff\xfedef" + f"\r\n--{boundary}--\r\n".encode())
    response = client.post("/entries/new", data=raw,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert "not valid UTF-8" in response.get_data(as_text=True)
    assert entry_count() == 0


def test_a_valid_multipart_form_saves(client, logged_in):
    response = client.post("/entries/new", data={"body": "Grüße from a multipart form"},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(owned(Entry, logged_in)).body == "Grüße from a multipart form"


def test_a_valid_utf8_form_with_any_script_is_saved_as_typed(client, logged_in):
    body = "Grüße, 你好, مرحبا, 🚀 shipped"
    response = client.post("/entries/new", data={"body": body})
    assert response.status_code == 302
    assert db.session.scalar(owned(Entry, logged_in)).body == body


# --- no inline code, nothing from elsewhere --------------------------------------------------

# name: (signed in?, how to reach it, expected status)
PAGES = {
    "welcome": (False, lambda c, e: c.get("/"), 200),
    "sign in": (False, lambda c, e: c.get("/auth/login"), 200),
    "sign in, failed": (False, lambda c, e: c.post(
        "/auth/login", data={"username": "ana", "password": "wrong password!!"}), 200),
    "register": (False, lambda c, e: c.get("/auth/register"), 200),
    "not found, signed out": (False, lambda c, e: c.get("/nothing"), 404),
    "dashboard": (True, lambda c, e: c.get("/"), 200),
    "entries": (True, lambda c, e: c.get("/entries/"), 200),
    "entry": (True, lambda c, e: c.get(f"/entries/{e.id}"), 200),
    "new entry": (True, lambda c, e: c.get("/entries/new"), 200),
    "new entry, with errors": (True, lambda c, e: c.post(
        "/entries/new", data={"body": "", "tags": "bad tag"}), 400),
    "edit entry": (True, lambda c, e: c.get(f"/entries/{e.id}/edit"), 200),
    "delete entry": (True, lambda c, e: c.get(f"/entries/{e.id}/delete"), 200),
    "tags": (True, lambda c, e: c.get("/tags/"), 200),
    "tag": (True, lambda c, e: c.get("/tags/work"), 200),
    "rename tag": (True, lambda c, e: c.get("/tags/~rename/work"), 200),
    "rename tag, with errors": (True, lambda c, e: c.post(
        "/tags/~rename/work", data={"new_name": "no spaces"}), 400),
    "delete tag": (True, lambda c, e: c.get("/tags/~delete/work/launch"), 200),
    "settings": (True, lambda c, e: c.get("/account/"), 200),
    "password": (True, lambda c, e: c.get("/auth/password"), 200),
    "not found, signed in": (True, lambda c, e: c.get("/entries/999999"), 404),
    "wrong method": (True, lambda c, e: c.get("/auth/logout"), 405),
    "bad request": (True, lambda c, e: c.post("/entries/new", **INVALID_UTF8_FORM), 400),
    "too large": (True, lambda c, e: c.post("/entries/new", data={"body": "x" * (MIB + 1)}),
                  413),
}


@pytest.fixture
def visit(client, user, login, make_entry):
    """``visit(name)``: the response for one of :data:`PAGES`, seen by Ana, who has an
    entry with a link in it."""

    def open_page(name):
        signed_in, reach, status = PAGES[name]
        entry = make_entry(user, TRICKY_BODY, title="Launch notes", tags="work")
        if signed_in:
            assert login(user).status_code == 302
        response = reach(client, entry)
        assert response.status_code == status, response.get_data(as_text=True)[:2000]
        return response

    return open_page


def test_the_page_audit_catches_what_it_looks_for():
    """The checks below are only as good as this parser, so it is checked first."""
    audit = PageAudit(
        '<script>x()</script><script src="/static/js/app.js"></script>'
        '<style>p{}</style><p style="color:red" onclick="x()">hi</p>'
        '<img src="https://cdn.example.com/a.png"><a href="/entries/1">ok</a>'
        '<div class="entry-body"><div><a href="https://example.org">theirs</a></div></div>'
        '<a href="https://example.net">ours</a>'
    )
    assert len(audit.inline_scripts) == 1
    assert audit.style_elements == 1
    assert len(audit.style_attributes) == 1
    assert len(audit.handlers) == 1
    assert audit.urls == [
        ("src", "/static/js/app.js", False),
        ("src", "https://cdn.example.com/a.png", False),
        ("href", "/entries/1", False),
        ("href", "https://example.org", True),
        ("href", "https://example.net", False),
    ]


@pytest.mark.parametrize("name", PAGES)
def test_no_page_has_inline_scripts_styles_or_event_handlers(visit, name):
    assert_no_inline_code(visit(name).get_data(as_text=True))


@pytest.mark.parametrize("name", PAGES)
def test_every_page_loads_everything_from_this_site(visit, name):
    assert_everything_loads_from_this_site(visit(name).get_data(as_text=True))


def test_a_link_in_an_entry_is_the_only_address_elsewhere_and_images_are_dropped(visit):
    html = visit("entry").get_data(as_text=True)

    audit = PageAudit(html)
    elsewhere = [(attribute, url, in_user_text) for attribute, url, in_user_text in audit.urls
                 if not is_same_site(url)]
    assert elsewhere == [("href", "https://example.org/report", True)]
    assert "tracker.example.com" not in html
    assert "&lt;script&gt;" in html  # raw HTML is shown as text, never run
    assert 'rel="noopener noreferrer nofollow"' in html


# --- CSRF ------------------------------------------------------------------------------------

class TestWithCsrfProtection:
    """With CSRF protection on, as in production: a form posted without a valid token
    answers 400 and changes nothing."""

    @pytest.fixture
    def config_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    @pytest.fixture
    def signed_in(self, client, user):
        page = client.get("/auth/login").get_data(as_text=True)
        response = client.post("/auth/login", data={
            "username": "ana", "password": PASSWORD, "csrf_token": csrf_token_from(page)})
        assert response.status_code == 302
        return user

    @pytest.fixture(params=["no token", "forged token"])
    def bad_token(self, request):
        return {} if request.param == "no token" else {"csrf_token": "IjA4ZGE.forged.value"}

    def test_signing_in_needs_the_token_too(self, client, user):
        response = client.post("/auth/login", data={"username": "ana", "password": PASSWORD})

        assert response.status_code == 400
        assert_in_site_layout(response.get_data(as_text=True), 400)
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0

    def test_a_new_entry_without_a_token_is_not_saved_but_comes_back(self, client, signed_in,
                                                                     bad_token):
        response = client.post("/entries/new", data={
            "title": "Tuesday", "body": "The demo went well & the client signed.",
            "tags": "wins", **bad_token})

        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "The demo went well &amp; the client signed." in html
        assert 'value="wins"' in html
        assert "nothing was saved yet" in html
        assert entry_count() == 0
        # The page comes back with a fresh token that does save.
        saved = client.post("/entries/new", data={
            "body": "The demo went well & the client signed.", "tags": "wins",
            "csrf_token": csrf_token_from(html)})
        assert saved.status_code == 302
        assert entry_count() == 1

    def test_an_edit_without_a_token_changes_nothing_and_keeps_the_text(
            self, client, signed_in, make_entry, bad_token):
        entry = make_entry(signed_in, "Original words.")

        response = client.post(f"/entries/{entry.id}/edit", data={
            "body": "Rewritten words.", "tags": "", "version": "1", **bad_token})

        assert response.status_code == 400
        assert "Rewritten words." in response.get_data(as_text=True)
        db.session.expire_all()
        stored = db.session.get(Entry, entry.id)
        assert (stored.body, stored.version) == ("Original words.", 1)

    def test_signing_out_without_a_token_keeps_the_sign_in(self, client, signed_in, bad_token):
        response = client.post("/auth/logout", data=bad_token)

        assert response.status_code == 400
        assert_in_site_layout(response.get_data(as_text=True), 400)
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1
        assert client.get("/entries/").status_code == 200

    def test_deleting_a_tag_without_a_token_keeps_it(self, client, signed_in, make_entry,
                                                     bad_token):
        make_entry(signed_in, "Something about x.", tags="x")

        response = client.post("/tags/~delete/x", data=bad_token)

        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "did not come from this site, so nothing was changed" in html
        assert [tag.name for tag in db.session.scalars(owned(Tag, signed_in))] == [
            "x"]

    def test_renaming_a_tag_without_a_token_changes_nothing(self, client, signed_in,
                                                           make_entry, bad_token):
        make_entry(signed_in, "About #x.", tags="x")

        response = client.post("/tags/~rename/x", data={"new_name": "y", **bad_token})

        assert response.status_code == 400
        assert [tag.name for tag in db.session.scalars(owned(Tag, signed_in))] == [
            "x"]
        assert db.session.scalar(owned(Entry, signed_in)).body == "About #x."

    def test_deleting_an_entry_without_a_token_keeps_it(self, client, signed_in, make_entry,
                                                        bad_token):
        entry = make_entry(signed_in, "Keep me.")

        response = client.post(f"/entries/{entry.id}/delete", data=bad_token)

        assert response.status_code == 400
        assert entry_count() == 1

    def test_deleting_an_entry_with_its_token_works(self, client, signed_in, make_entry):
        entry = make_entry(signed_in, "Delete me.")
        page = client.get(f"/entries/{entry.id}/delete").get_data(as_text=True)

        response = client.post(f"/entries/{entry.id}/delete",
                               data={"csrf_token": csrf_token_from(page)})

        assert response.status_code == 302
        assert entry_count() == 0

    def test_a_token_from_another_browser_does_not_work(self, app, client, signed_in,
                                                       make_user, make_entry):
        make_user("bo", OTHER_PASSWORD)
        other_browser = app.test_client()
        other_page = other_browser.get("/auth/login").get_data(as_text=True)
        entry = make_entry(signed_in, "Keep me too.")

        response = client.post(f"/entries/{entry.id}/delete",
                               data={"csrf_token": csrf_token_from(other_page)})

        assert response.status_code == 400
        assert entry_count() == 1


# --- static files ----------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "mimetype"), [
    ("/static/img/favicon.svg", "image/svg+xml"),
    ("/static/js/app.js", "text/javascript"),
])
def test_the_icon_styles_and_script_are_served_from_this_site(client, path, mimetype):
    response = client.get(path)

    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.data
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_every_static_file_a_page_refers_to_exists(client, logged_in):
    html = client.get("/").get_data(as_text=True)
    static = sorted({url for _, url, _ in PageAudit(html).urls
                     if url.startswith(("/static/", "/assets/"))})

    assert static  # the icon, the styles and the script at least
    for url in static:
        assert client.get(url).status_code == 200, url


def test_the_stylesheet_loads_nothing_from_elsewhere(client):
    html = client.get("/auth/login").get_data(as_text=True)
    stylesheet = re.search(r'href="(/assets/app\.[0-9a-f]+\.css)"', html).group(1)
    css = client.get(stylesheet).get_data(as_text=True)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert "@import" not in css
