"""A second floor for ``bench/pages.py``: the journal app itself with one more route,
``/bench/newest``, that answers a signed-in request the way every page does (the session
looked up, the account loaded, the request logged) and then runs only the query of
``bench/bare_app.py``: the account's 20 newest entries, as a small JSON list. A page's
ratio to it is what the page costs beyond one indexed read in the journal's own app.

Served like the journal, with its gunicorn settings and only the app swapped:

    JOURNAL_DATABASE_URL=sqlite:///... .venv/bin/gunicorn -c gunicorn.conf.py \\
        --pythonpath bench app_route:app
"""

from flask import jsonify
from flask_login import current_user, login_required

from journal import create_app
from journal.extensions import db
from journal.models import Entry
from journal.ownership import owned

app = create_app()


@app.get("/bench/newest")
@login_required
def newest():
    """The signed-in account's 20 newest entries, newest first (titles are sealed: the
    rows are read whole and opened, as every page of the journal does)."""
    rows = db.session.scalars(
        owned(Entry, current_user).order_by(Entry.created_at.desc()).limit(20)).all()
    return jsonify([{"id": row.id, "title": row.title, "created_at": str(row.created_at)}
                    for row in rows])
