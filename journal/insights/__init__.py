"""Insights: figures and charts about one's own writing over time."""

from flask import Blueprint

bp = Blueprint("insights", __name__)

from journal.insights import views  # noqa: E402, F401 - registers the routes
