"""The progress page of a large import, its JSON status, and cancelling it.

The page works without JavaScript: while the job runs it reloads itself every few
seconds (a ``<meta http-equiv="refresh">``) and has a Refresh link; with JavaScript,
``static/js/app.js`` polls the status instead. Another user's job answers 404. A job
waiting for its journal's key (its server restarted) continues when either is opened:
they hand the key this session holds to the runner (:func:`journal.imports.runner.hand_over`).
"""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from journal.crypto.rows import LOCKED
from journal.extensions import db
from journal.imports import bp
from journal.imports.forms import CancelImportForm
from journal.imports.jobs import cancel_job, may_write_for
from journal.imports.runner import ensure_runner, hand_over, wake_runner
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


def _resume(job: ImportJob) -> None:
    """A job waiting for its key gets the one this session holds."""
    if job.waiting:
        hand_over(current_app._get_current_object(), job.id, current_user.id)


@bp.route("/jobs/<id:job_id>")
@login_required
def job(job_id: int):
    """The job's progress, and what it did once finished; a job waiting for its key
    continues; 404 unless it is yours."""
    found = get_owned_or_404(ImportJob, job_id, current_user)
    _resume(found)
    return render_template("imports/job.html", job=found, cancel=CancelImportForm(),
                           refresh=REFRESH_SECONDS,
                           stuck=found.waiting and (not may_write_for(current_user.id)
                                                    or found.unreadable == LOCKED))


@bp.route("/jobs/<id:job_id>/status")
@login_required
def job_status(job_id: int):
    """The job's state and progress as JSON, for the page's script (a job waiting for
    its key continues); 404 unless yours."""
    found = get_owned_or_404(ImportJob, job_id, current_user)
    _resume(found)
    return _status(found)


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
