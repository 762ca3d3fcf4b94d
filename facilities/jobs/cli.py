"""`flask --app wsgi worker` (runs jobs: RQ with REDIS_URL, else the database queue) and `flask jobs ...`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

cli = AppGroup("jobs", help="Background jobs: maintenance of the queue and of job files.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when no job is waiting.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run background jobs: from RQ when REDIS_URL is set, else from the database queue."""
    from facilities.jobs import worker

    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        worker.run_rq_worker(app, burst=burst)
    else:
        worker.run_database_worker(app, burst=burst, log=click.echo)


@cli.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete job files older than JOB_RESULT_RETENTION_HOURS (the workers also do it as they run)."""
    from facilities.jobs import queue

    deleted = queue.purge_expired()
    click.echo(f"{deleted} expired job file(s) deleted.")


@cli.command("requeue-stale")
@with_appcontext
def requeue_command() -> None:
    """Queue again the running jobs whose worker stopped beating (workers also do it as they run)."""
    from facilities.jobs import worker

    app = current_app._get_current_object()
    ids = worker.reconcile_rq(app) if app.config.get("REDIS_URL") else worker.maintain(app, force=True)
    click.echo(f"{len(ids)} job(s) queued again.")
