from flask import current_app, render_template
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from journal.auth.services import has_any_user
from journal.entries.forms import EntryForm
from journal.extensions import db
from journal.main import bp
from journal.models import Entry
from journal.ownership import owned

RECENT_ENTRIES = 5


@bp.route("/")
def index():
    """Signed out: a short welcome with the sign-in form's address. Signed in: a quick
    entry box and the most recent entries."""
    if not current_user.is_authenticated:
        return render_template("main/welcome.html", first_visit=not has_any_user())
    recent = db.session.scalars(
        owned(Entry, current_user).options(selectinload(Entry.tags))
        .order_by(Entry.created_at.desc(), Entry.id.desc()).limit(RECENT_ENTRIES)
    ).all()
    return render_template("main/index.html", form=EntryForm(formdata=None), recent=recent)


@bp.route("/healthz")
def healthz():
    """200 ``ok`` when the database answers, 503 otherwise (for a proxy or container)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("Health check: the database does not answer")
        db.session.rollback()
        return {"status": "unavailable", "database": "down"}, 503
    return {"status": "ok"}, 200
