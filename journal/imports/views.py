"""Import pages: upload a file, read the preview, confirm or cancel.

The upload is read whole before anything is kept; a file that cannot be imported is
explained on the form. A good file waits (one per user) until its owner confirms the
preview. A confirmed import is a job (:mod:`journal.imports.jobs`): a small one runs
within the request, a large one in the background with a progress page; either way it
writes in short transactions and is all or nothing.

Everything kept on the way is sealed under the journal's data key, which this
request's session holds; a session that cannot open its journal (after a password
reset, until the recovery key opens it again) cannot import into it. A job waiting for
its key is handed it by the import page itself (:func:`journal.imports.runner.hand_over`).
"""

from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge

from journal.extensions import csrf, db
from journal.imports import bp, readers
from journal.imports.forms import (
    DATE_UNDATED,
    DETECT,
    SKIP_UNDATED,
    CancelImportForm,
    ConfirmImportForm,
    ImportForm,
    UndatedChoiceForm,
)
from journal.imports.jobs import (
    current_jobs,
    may_write_for,
    queue_job,
    release_job,
    run_job,
    unfinished_job,
)
from journal.imports.limits import ImportsBusy, parsing_slot
from journal.imports.pending import discard_pending, pending_for, read_pending, store_pending
from journal.imports.preview import describe
from journal.imports.runner import hand_over, worker_name
from journal.imports.services import plan_import
from journal.models import ImportJob
from journal.models.imports import DONE, QUEUED
from journal.ownership import get_owned_or_404
from journal.requestlog import security_event
from journal.timezones import default_timezone_name
from journal.transfer.document import ImportProblem

LOCKED = ("Your journal is locked in this session (its password was reset), so nothing "
          "can be added to it. Open it with your recovery key under Settings, then import.")


def _size_label(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _jobs_resumed() -> list[ImportJob]:
    """The current user's jobs for the page; one waiting for its key gets it now."""
    jobs = current_jobs(current_user)
    for job in jobs:
        if job.waiting:
            hand_over(current_app._get_current_object(), job.id, current_user.id)
    return jobs


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    """The upload form. A file that reads cleanly is kept for the preview (303 to it);
    one that does not is explained beside the form (422), and nothing is kept."""
    limit = current_app.config["IMPORT_MAX_BYTES"]
    request.max_content_length = limit
    try:
        form = ImportForm()
    except RequestEntityTooLarge:
        return _too_large(limit)
    if not form.is_submitted():
        form.timezone.data = current_user.timezone or default_timezone_name()
    submitted = form.is_submitted()
    valid = submitted and form.validate()
    token = getattr(form, "csrf_token", None)  # absent when CSRF checks are switched off
    if submitted and token is not None and token.errors:
        raise CSRFError(token.errors[0])
    problem = None
    if valid and not may_write_for(current_user.id):
        problem = LOCKED
    elif valid:
        upload = form.file.data
        data = upload.stream.read(limit + 1)
        if len(data) > limit:
            return _too_large(limit)
        chosen = None if form.format.data == DETECT else form.format.data
        filename = upload.filename or "upload"
        try:
            with parsing_slot():
                journal = readers.read_journal(data, filename=filename, format=chosen,
                                               zone=ZoneInfo(form.timezone.data))
                plan_import(current_user, journal)
        except ImportsBusy as busy:
            return _busy(form, busy)
        except ImportProblem as error:
            problem = str(error)
            # the message may quote the file's text, which never goes into the log
            security_event("import_refused", format=form.format.data, size=str(len(data)))
        else:
            store_pending(current_user, filename=filename, fmt=journal.format,
                          timezone=form.timezone.data, data=data)
            db.session.commit()
            return redirect(url_for("imports.preview"), 303)
    pending = pending_for(current_user)
    status = 422 if problem or form.errors else 200
    return render_template("imports/index.html", form=form, pending=pending, problem=problem,
                           limit=_size_label(limit), jobs=_jobs_resumed()), status


csrf.exempt(index)  # the form checks its token itself, after the larger upload limit applies


def _busy(form: ImportForm, busy: ImportsBusy):
    """Every slot for reading an upload is taken: 503 with Retry-After, the form as
    it was chosen, and nothing kept."""
    limit = current_app.config["IMPORT_MAX_BYTES"]
    page = render_template("imports/index.html", form=form, pending=pending_for(current_user),
                           problem=str(busy), limit=_size_label(limit))
    return page, 503, {"Retry-After": str(busy.retry_after)}


def _too_large(limit: int):
    form = ImportForm(formdata=None)
    form.timezone.data = current_user.timezone or default_timezone_name()
    problem = (f"The file is larger than {_size_label(limit)}. For a Day One zip with "
               "photos, upload the .json file inside it.")
    return render_template("imports/index.html", form=form, pending=pending_for(current_user),
                           problem=problem, limit=_size_label(limit),
                           jobs=current_jobs(current_user)), 413


@bp.route("/preview")
@login_required
def preview():
    """What the waiting upload would add; sends back to the form when there is none."""
    pending = pending_for(current_user)
    if pending is None:
        flash("There is no upload waiting. Choose a file to import.", "info")
        return redirect(url_for("imports.index"))
    choice = UndatedChoiceForm(request.args)
    if not choice.validate():
        choice.undated.data = SKIP_UNDATED
    try:
        with parsing_slot():
            plan = plan_import(current_user, read_pending(pending),
                               date_undated=choice.undated.data == DATE_UNDATED)
    except ImportsBusy as busy:
        form = ImportForm(formdata=None)
        form.timezone.data = current_user.timezone or default_timezone_name()
        return _busy(form, busy)
    except ImportProblem as error:  # the reader changed since the upload
        flash(f"The uploaded file can no longer be read: {error}", "error")
        return redirect(url_for("imports.index"))
    confirm = ConfirmImportForm(digest=pending.digest, undated=choice.undated.data)
    return render_template("imports/preview.html", preview=describe(plan, pending.filename),
                           confirm=confirm, cancel=CancelImportForm(), choice=choice)


@bp.route("/confirm", methods=["POST"])
@login_required
def confirm():
    """Import the waiting upload: a small one here and now (then show the entries), a
    large one as a job (then show its progress page)."""
    form = ConfirmImportForm()
    pending = pending_for(current_user)
    if pending is None or not form.validate() or form.digest.data != pending.digest:
        flash("That upload is no longer waiting (it was imported, cancelled or replaced). "
              "Nothing was imported.", "error")
        return redirect(url_for("imports.index"))
    if not may_write_for(current_user.id):
        flash(LOCKED, "error")
        return redirect(url_for("imports.index"))
    running = unfinished_job(current_user)
    if running is not None:  # its entries are not there yet to be recognised as duplicates
        flash("Another import is still under way. Confirm this one when it is done; your "
              "upload waits for you.", "info")
        return redirect(url_for("imports.job", job_id=running.id))
    # A file this large is certainly a job for the runners: not read here at all.
    inline = len(pending.stored_file) < current_app.config["IMPORT_BACKGROUND_BYTES"]
    worker = worker_name()
    job_id = queue_job(current_user, pending, worker=worker,
                       date_undated=form.undated.data == DATE_UNDATED).id
    db.session.commit()
    state = (run_job(job_id, worker, inline_limit=current_app.config["IMPORT_BACKGROUND_FROM"])
             if inline else release_job(job_id, worker))
    if state == QUEUED:
        hand_over(current_app._get_current_object(), job_id, current_user.id)
        return redirect(url_for("imports.job", job_id=job_id), 303)
    job = get_owned_or_404(ImportJob, job_id, current_user)
    if state == DONE:
        flash(job.summary, "success")
        return redirect(url_for("entries.index"))
    flash(job.reason or "Nothing was imported.", "error")
    return redirect(url_for("imports.index"))


@bp.route("/cancel", methods=["POST"])
@login_required
def cancel():
    """Discard the user's waiting upload, if any; nothing is imported."""
    pending = pending_for(current_user)
    if pending is not None:
        discard_pending(pending)
        db.session.commit()
    flash("The upload was discarded. Nothing was imported.", "info")
    return redirect(url_for("imports.index"))
