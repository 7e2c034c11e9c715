"""Search: full-text search over one's own entries, with a forgiving query language."""

from flask import Blueprint

bp = Blueprint("search", __name__)

from journal.search import views  # noqa: E402, F401 - registers the routes
