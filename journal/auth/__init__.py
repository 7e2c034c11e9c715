"""Accounts: register, sign in and out, change password."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from journal.auth import views  # noqa: E402, F401 - registers the routes
