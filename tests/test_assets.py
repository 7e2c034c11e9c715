"""The stylesheet, written in parts, reaches browsers as one file with a content hash
in its URL; the script and the icon carry their digest too, and all are kept a year."""

import os
import re
from pathlib import Path

import pytest

from journal.assets.bundle import Assets

STATIC = Path(__file__).resolve().parent.parent / "static"
STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="(/assets/app\.([0-9a-f]{16})\.css)">')


def linked_stylesheet(client) -> tuple[str, str]:
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    match = STYLESHEET_LINK.search(html)
    assert match, "the page links no hashed stylesheet"
    return match.group(1), match.group(2)


def test_pages_load_one_stylesheet_joined_from_every_part_in_order(client):
    url, _ = linked_stylesheet(client)
    css = client.get(url).get_data(as_text=True)

    parts = sorted((STATIC / "css").glob("[0-9][0-9]-*.css"))
    assert len(parts) > 10
    positions = [css.index(part.read_text().strip()) for part in parts]
    assert positions == sorted(positions)
    assert css.count(":root {") >= 2  # the theme and the chart scales, each once


def test_the_stylesheet_with_its_current_digest_is_kept_a_year(client, logged_in):
    url, digest = linked_stylesheet(client)
    response = client.get(url)

    assert response.status_code == 200
    assert response.mimetype == "text/css"
    cache = response.headers["Cache-Control"]
    assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache
    assert "no-store" not in cache
    assert client.get(url, headers={"If-None-Match": f'"{digest}"'}).status_code == 304


def test_an_old_digest_still_gets_the_current_stylesheet_but_revalidated(client):
    url, _ = linked_stylesheet(client)
    response = client.get("/assets/app.0000000000000000.css")

    assert response.status_code == 200
    assert response.data == client.get(url).data
    assert "no-cache" in response.headers["Cache-Control"]
    assert "immutable" not in response.headers["Cache-Control"]


@pytest.mark.parametrize("filename", ["js/app.js", "img/favicon.svg"])
def test_the_script_and_icon_carry_their_digest_and_are_kept_a_year(client, logged_in,
                                                                    filename):
    html = client.get("/").get_data(as_text=True)
    match = re.search(rf'"(/static/{re.escape(filename)}\?v=([0-9a-f]{{16}}))"', html)
    assert match, f"{filename} is not linked with its digest"

    kept = client.get(match.group(1))
    assert kept.status_code == 200
    assert "immutable" in kept.headers["Cache-Control"]

    unversioned = client.get(f"/static/{filename}")
    assert unversioned.status_code == 200
    assert "immutable" not in unversioned.headers.get("Cache-Control", "")
    assert "no-store" in unversioned.headers["Cache-Control"]  # signed in: not kept


def test_a_changed_part_changes_the_digest_under_the_debug_server(app, tmp_path):
    (tmp_path / "css").mkdir()
    part = tmp_path / "css" / "01-a.css"
    part.write_text("a { color: red; }")
    app.static_folder = str(tmp_path)
    app.debug = True
    assets = Assets(app)
    first = assets.stylesheet().digest
    part.write_text("a { color: blue; }")
    os.utime(part, (1, 1))
    assert assets.stylesheet().digest != first
    assert b"blue" in assets.stylesheet().text
