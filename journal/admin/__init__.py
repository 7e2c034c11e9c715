"""Administration: accounts and invitations. Administrators manage accounts; they
never see what anyone wrote (no entry text, titles or tag names appear here)."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from journal.admin import views  # noqa: E402, F401 - registers the routes
