from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from journal.extensions import db
from journal.models import Prompt
from journal.ownership import own_prompt_or_404, visible_prompt_or_404
from journal.prompts import bp
from journal.prompts.forms import OwnPromptForm
from journal.prompts.queries import answer_counts, prompt_library
from journal.prompts.rotation import prompt_for_day
from journal.prompts.services import (
    create_own_prompt,
    hide_prompt,
    set_archived,
    unhide_prompt,
    update_own_prompt,
)
from journal.timezones import local_today
from journal.urls import safe_next

MAX_ALTERNATIVES = 1000


@bp.route("/")
@login_required
def index():
    """The prompt library by theme, today's prompt above it, the hidden prompts and one's
    archived own."""
    return render_template("prompts/index.html", library=prompt_library(current_user),
                           prompt=prompt_for_day(current_user))


@bp.route("/today")
@login_required
def today():
    """Today's prompt; ``?another=n`` offers the n-th alternative."""
    another = min(max(request.args.get("another", 0, type=int), 0), MAX_ALTERNATIVES)
    prompt = prompt_for_day(current_user, another=another)
    counts = answer_counts(current_user)
    return render_template("prompts/today.html", prompt=prompt, another=another,
                           today=local_today(current_user),
                           answered=counts.get(prompt.id, 0) if prompt else 0)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Add one's own prompt to the daily rotation."""
    form = OwnPromptForm()
    if form.validate_on_submit():
        create_own_prompt(current_user, text=form.text.data, theme=form.theme.data)
        db.session.commit()
        flash("Your prompt is added. It joins your daily rotation.", "success")
        return redirect(url_for("prompts.index"))
    return render_template("prompts/new.html", form=form), 400 if form.errors else 200


@bp.route("/<id:prompt_id>/edit", methods=["GET", "POST"])
@login_required
def edit(prompt_id: int):
    """Reword one's own prompt; 404 for a built-in or anyone else's."""
    prompt = own_prompt_or_404(prompt_id, current_user)
    form = OwnPromptForm(obj=prompt)
    if form.validate_on_submit():
        update_own_prompt(prompt, text=form.text.data, theme=form.theme.data)
        db.session.commit()
        flash("Prompt saved. Entries that answered it keep the wording they answered.",
              "success")
        return redirect(url_for("prompts.index"))
    return render_template("prompts/edit.html", form=form, prompt=prompt), \
        400 if form.errors else 200


@bp.route("/<id:prompt_id>/archive", methods=["POST"])
@login_required
def archive(prompt_id: int):
    """Archive (``archived=1``) or bring back (``archived=0``) one's own prompt."""
    prompt = own_prompt_or_404(prompt_id, current_user)
    archived = request.form.get("archived", "1") == "1"
    set_archived(prompt, archived)
    db.session.commit()
    flash("Prompt archived; your answers to it stay." if archived
          else "Prompt back in your rotation.", "success")
    return redirect(url_for("prompts.index"))


@bp.route("/<id:prompt_id>/hide", methods=["POST"])
@login_required
def hide(prompt_id: int):
    """Stop offering a built-in prompt to this user (own prompts are archived instead)."""
    prompt = visible_prompt_or_404(prompt_id, current_user)
    if not prompt.is_builtin:
        abort(404)
    hide_prompt(current_user, prompt)
    db.session.commit()
    flash("That prompt will not be offered again. You can bring it back from the prompt "
          "library.", "success")
    return redirect(_back_to(url_for("prompts.index")))


@bp.route("/<id:prompt_id>/unhide", methods=["POST"])
@login_required
def unhide(prompt_id: int):
    """Offer a hidden built-in prompt again; 404 when it is not a built-in."""
    if db.session.scalar(select(Prompt.id).where(Prompt.id == prompt_id,
                                                 Prompt.owner_id.is_(None))) is None:
        abort(404)
    unhide_prompt(current_user, prompt_id)
    db.session.commit()
    flash("That prompt is back in your rotation.", "success")
    return redirect(url_for("prompts.index"))


def _back_to(default: str) -> str:
    return safe_next(request.form.get("next")) or default
