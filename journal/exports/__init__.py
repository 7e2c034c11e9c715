"""Taking one's whole journal out: our JSON, a Markdown zip, jrnl JSON."""

from flask import Blueprint

bp = Blueprint("exports", __name__)

from journal.exports import views  # noqa: E402, F401 - registers the routes
