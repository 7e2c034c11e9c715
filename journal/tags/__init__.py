"""Tags: one's own tags as a tree, entries under a tag, rename, merge and delete."""

from flask import Blueprint

bp = Blueprint("tags", __name__)

from journal.tags import views  # noqa: E402, F401 - registers the routes
