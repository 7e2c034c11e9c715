"""Marking an entry as a win where it is read, with the user's part in it.

A win is a mark on the entry (``is_win``, ``win_part``), so the entries feature writes it;
the wins feature lists and exports wins.
"""

from flask import flash, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from journal.entries import bp
from journal.entries.services import set_win
from journal.extensions import db
from journal.models import Entry
from journal.ownership import get_owned_or_404


@bp.route("/<id:entry_id>/win", methods=["POST"])
@login_required
def mark_win(entry_id: int):
    """Mark the entry a win with the posted ``win_part``, or rewrite it; 404 unless yours."""
    entry = get_owned_or_404(Entry, entry_id, current_user)
    was_win = entry.is_win
    _save_win(entry, is_win=True, win_part=request.form.get("win_part", ""))
    flash("Your part in this win is saved." if was_win else
          "Marked as a win. You will find it on your wins page.", "success")
    return redirect(url_for("entries.detail", entry_id=entry_id))


@bp.route("/<id:entry_id>/win/remove", methods=["POST"])
@login_required
def unmark_win(entry_id: int):
    """Take the win mark off the entry, keeping the part written; 404 unless yours."""
    entry = get_owned_or_404(Entry, entry_id, current_user)
    _save_win(entry, is_win=False, win_part=entry.win_part)
    flash("No longer marked as a win. What you wrote about your part is kept, should you "
          "mark it again.", "success")
    return redirect(url_for("entries.detail", entry_id=entry_id))


def _save_win(entry: Entry, *, is_win: bool, win_part: str | None) -> None:
    """Write and commit once. An edit saved in between (the version moved on) wins the
    race: nothing is changed and the entry page says so."""
    try:
        set_win(entry, is_win=is_win, win_part=win_part)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash("This entry was changed elsewhere just now, so nothing was saved. Try again "
              "on the page as it is now.", "warning")
