"""The floor that ``bench/pages.py`` measures the journal's pages against: a bare Flask
app with one route, ``/``, that runs one simple query (the 20 newest entries of the
account ``BENCH_USERNAME``: id, title and time written) on the journal's database
(``JOURNAL_DATABASE_URL``) and answers them as a small JSON list. No session, no
templates, no sign-in: what gunicorn, Flask, SQLAlchemy and one indexed read cost.

Served like the journal, with its gunicorn settings and only the app swapped:

    BENCH_USERNAME=bench JOURNAL_DATABASE_URL=sqlite:///... \\
        .venv/bin/gunicorn -c gunicorn.conf.py --pythonpath bench bare_app:app
"""

import os

from flask import Flask, jsonify
from sqlalchemy import create_engine, text

NEWEST = text("SELECT id, title, created_at FROM entries WHERE owner_id = :owner "
              "ORDER BY created_at DESC LIMIT 20")

engine = create_engine(os.environ["JOURNAL_DATABASE_URL"])
with engine.connect() as connection:
    OWNER_ID = connection.execute(text("SELECT id FROM users WHERE username = :name"),
                                  {"name": os.environ["BENCH_USERNAME"]}).scalar_one()
engine.dispose()  # gunicorn loads this before it forks: no connection may cross over

app = Flask(__name__)


@app.get("/")
def newest():
    """The account's 20 newest entries, newest first."""
    with engine.connect() as connection:
        rows = connection.execute(NEWEST, {"owner": OWNER_ID}).all()
    return jsonify([{"id": row.id, "title": row.title, "created_at": str(row.created_at)}
                    for row in rows])
