"""The progress page of a large import, its JSON status, and cancelling it.

The page works without JavaScript: while the job runs it reloads itself every few
seconds (a ``<meta http-equiv="refresh">``) and has a Refresh link; with JavaScript,
``static/js/app.js`` polls the status instead. Another user's job answers 404.
"""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from journal.extensions import db
from journal.imports import bp
from journal.imports.forms import CancelImportForm
from journal.imports.jobs import cancel_job
from journal.imports.runner import ensure_runner, wake_runner
from journal.models import ImportJob
from journal.ownership import get_owned_or_404

REFRESH_SECONDS = 3


@bp.before_app_request
def _start_runner() -> None:
    """Each app process starts its job runner with its first request."""
    ensure_runner(current_app._get_current_object())


def _status(job: ImportJob) -> dict:
    return {"state": job.state, "done": job.done, "total": job.total,
            "percent": job.percent, "finished": job.finished}


@bp.route("/jobs/<id:job_id>")
@login_required
def job(job_id: int):
    """The job's progress, and what it did once finished; 404 unless it is yours."""
    found = get_owned_or_404(ImportJob, job_id, current_user)
    return render_template("imports/job.html", job=found, cancel=CancelImportForm(),
                           refresh=REFRESH_SECONDS)


@bp.route("/jobs/<id:job_id>/status")
@login_required
def job_status(job_id: int):
    """The job's state and progress as JSON, for the page's script; 404 unless yours."""
    return _status(get_owned_or_404(ImportJob, job_id, current_user))


@bp.route("/jobs/<id:job_id>/cancel", methods=["POST"])
@login_required
def cancel_job_view(job_id: int):
    """Stop the job and remove what it wrote; nothing of it ever shows. 404 unless
    yours."""
    found = get_owned_or_404(ImportJob, job_id, current_user)
    form = CancelImportForm()
    if form.validate() and cancel_job(found):
        db.session.commit()
        wake_runner(current_app._get_current_object())
        flash("The import is cancelled. What it had written is being removed; none of "
              "it shows in your journal.", "info")
    else:
        flash("That import had already finished.", "info")
    return redirect(url_for("imports.job", job_id=job_id), 303)
