"""Prompts: the library by theme, today's prompt, and one's own prompts."""

from flask import Blueprint

bp = Blueprint("prompts", __name__)

from journal.prompts import views  # noqa: E402, F401 - registers the routes
