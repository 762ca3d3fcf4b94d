"""Background jobs, for every area: a durable queue whose `jobs` table is the source of truth.

An area registers each kind of job it runs, once, when its module is imported (the app imports every area, so
web processes and workers know the same kinds), and creates jobs from its routes:

    from facilities import jobs

    @jobs.job_kind("inventory_import", label=_l("Inventory import"), back_endpoint="inventory.import_page")
    def run_import(context: jobs.JobContext) -> jobs.JobResult | None:
        rows = context.params["rows"]                # the parameters given to create_job (JSON)
        context.progress(10, _("Reading the file…"))  # percent and a message on the job page; also a heartbeat
        path, relative = context.new_file(".pdf")     # a file in the results folder, removed if the job fails
        ...                                           # services flush; the job's transaction is committed once,
        return jobs.JobResult(path=relative, name="report.pdf", mimetype="application/pdf",
                              message=_("12 rows imported"))  # or None: no file

    # in a route (the request's commit hands the job to a worker):
    try:
        job = jobs.create_job("inventory_import", {"upload": token}, user=current_user, locale=...)
    except jobs.JobLimitReached as limit:
        flash(limit.message, "warning")
    ...
    return redirect(url_for("jobs.detail", job_id=job.id))

A job runs in a worker's app context, in the locale it was created in, with `context.user_id` as its author. A
job that raises is failed with its error shown; a job whose worker dies is run again (JOB_MAX_ATTEMPTS), so a
runner must be safe to start over. Workers: see facilities/jobs/worker.py; settings: queue.DEFAULTS.
The worker module is loaded with the package: its after_commit listener hands committed jobs to a worker.
"""

from __future__ import annotations

from flask import Flask

from facilities.jobs.models import Job, JobStatus
from facilities.jobs.queue import (
    JobContext,
    JobLimitReached,
    JobResult,
    active_jobs,
    create_job,
    create_job_now,
    job_kind,
    recent_jobs,
    register_kind,
    result_file,
    results_folder,
)
from facilities.jobs.worker import get_job

__all__ = ["Job", "JobContext", "JobLimitReached", "JobResult", "JobStatus", "active_jobs", "create_job", "create_job_now", "get_job", "init_app",
           "job_kind", "recent_jobs", "register_kind", "result_file", "results_folder"]


def init_app(app: Flask) -> None:
    """The job pages (/jobs/<id>), `flask worker` and `flask jobs ...`."""
    from facilities.jobs import cli, routes

    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.worker_command)
    app.cli.add_command(cli.cli)
