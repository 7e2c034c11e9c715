"""The start page and the health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from journal.main import views  # noqa: E402, F401 - registers the routes
