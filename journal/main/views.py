from flask import current_app, render_template
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from journal.auth.queries import has_any_user
from journal.entries.forms import EntryForm
from journal.entries.reflection import on_this_day, streak, years_written_on
from journal.extensions import db
from journal.main import bp
from journal.models import Entry
from journal.ownership import owned
from journal.prompts.rotation import prompt_for_day
from journal.tags.queries import tag_names
from journal.timezones import local_today

RECENT_ENTRIES = 5
# Earlier years shown on the start page; the "on this day" page has them all.
EARLIER_YEARS = 3


@bp.route("/")
def index():
    """Signed out: a short welcome. Signed in: today's prompt, a quick entry box, the
    streak, recent entries, entries from this day in the last few earlier years (a link
    leads to the rest), and the wins."""
    if not current_user.is_authenticated:
        return render_template("main/welcome.html", first_visit=not has_any_user())
    recent = db.session.scalars(
        owned(Entry, current_user).options(selectinload(Entry.tags))
        .order_by(Entry.created_at.desc(), Entry.id.desc()).limit(RECENT_ENTRIES)
    ).all()
    today = local_today(current_user)
    years = years_written_on(current_user, today)
    return render_template(
        "main/index.html", form=EntryForm(formdata=None), recent=recent,
        prompt=prompt_for_day(current_user, today), streak=streak(current_user, today),
        earlier_years=on_this_day(current_user, today, years=years[:EARLIER_YEARS]),
        more_years=len(years) > EARLIER_YEARS, today=today,
        tag_suggestions=tag_names(current_user),
        has_wins=db.session.scalar(owned(Entry, current_user).with_only_columns(Entry.id)
                                   .where(Entry.is_win).limit(1)) is not None)


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
