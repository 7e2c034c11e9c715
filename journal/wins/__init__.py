"""Wins: the entries a user marked as a win, their own part in each, a brag document
to download, and the evidence panel that sets past wins beside a doubt."""

from flask import Blueprint

bp = Blueprint("wins", __name__)

from journal.wins import views  # noqa: E402, F401 - registers the routes
