"""Static assets with a content hash in their URL, so browsers may keep them a year.

The stylesheet is written as one file per area in ``static/css/`` and served as one
file at ``/assets/app.<digest>.css``. Scripts and images keep their static URL with
``?v=<digest>``. Templates link to either through the ``asset_url`` global.
"""

from flask import Blueprint

bp = Blueprint("assets", __name__)

from journal.assets import views  # noqa: E402, F401 - registers the routes
