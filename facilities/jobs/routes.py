"""The page of a background job (its progress, then its file or error) and the file it produced."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, send_file, url_for
from flask_babel import gettext as _

from facilities.jobs import queue
from facilities.jobs.models import JobStatus
from facilities.jobs.worker import get_job
from facilities.permissions import Permission, requires

bp = Blueprint("jobs", __name__)


def _job_or_404(job_id: str):
    job = get_job(job_id) if len(job_id) <= 32 else None
    if job is None:
        abort(404)
    return job


@bp.route("/jobs/<job_id>")
@requires(Permission.READ)
def detail(job_id: str):
    """A job's status and progress (the page refreshes itself until the job ends), then its file or error."""
    job = _job_or_404(job_id)
    kind = queue.KINDS.get(job.kind)
    back_url = url_for(kind.back_endpoint) if kind and kind.back_endpoint else None
    return render_template("jobs/job.html", job=job, JobStatus=JobStatus, label=queue.kind_label(job),
                           back_url=back_url, has_file=queue.result_file(job) is not None,
                           refresh=current_app.config.get("JOB_PAGE_REFRESH_SECONDS", 2),
                           retention_hours=queue.setting("JOB_RESULT_RETENTION_HOURS"))


@bp.route("/jobs/<job_id>/file")
@requires(Permission.READ)
def file(job_id: str):
    """The file a finished job produced."""
    job = _job_or_404(job_id)
    path = queue.result_file(job)
    if path is None:
        abort(404, _("This job has no file (yet, or any more)."))
    return send_file(path, mimetype=job.result_mimetype or "application/octet-stream", as_attachment=True,
                     download_name=job.result_name or path.name, max_age=0)
