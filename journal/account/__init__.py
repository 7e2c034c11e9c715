"""One's own account settings."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from journal.account import encryption, recovery, views  # noqa: E402, F401 - registers the routes
