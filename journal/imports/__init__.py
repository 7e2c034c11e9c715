"""Bringing entries in from a file: our JSON, jrnl, Day One, a Markdown zip."""

from flask import Blueprint

bp = Blueprint("imports", __name__)

from journal.imports import job_views, views  # noqa: E402, F401 - registers the routes
