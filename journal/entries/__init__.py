"""Entries: write, read, edit, star, mark as a win and delete one's own entries; browse
them by date."""

from flask import Blueprint

bp = Blueprint("entries", __name__)

from journal.entries import calendar, carry, views, wins  # noqa: E402, F401 - registers the routes
