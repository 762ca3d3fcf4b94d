"""Command-line group of the reports area, and the RQ worker command.

`worker_command` is a top-level command (`flask --app wsgi worker`), registered in facilities/areas.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale

cli = AppGroup("reports", help="Commands of the reports area.")


@cli.command("portfolio")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--locale", default="fr", show_default=True, type=click.Choice(["fr", "en"]),
              help="Language of the report.")
def portfolio_command(path: Path, locale: str) -> None:
    """Render the portfolio report to PATH in the foreground, with a progress bar."""
    from facilities.reports.portfolio import render_portfolio

    if path.suffix.lower() != ".pdf":
        raise click.BadParameter("the file name must end with .pdf", param_hint="PATH")
    with click.progressbar(length=100, label="Portfolio", show_percent=True) as bar, force_locale(locale):
        def progress(percent: int, message: str) -> None:
            bar.label = message[:60]
            bar.update(max(0, percent - bar.pos))

        pages = render_portfolio(path, progress)
    click.echo(f"{path}: {pages} pages.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run background jobs from the RQ queue (needs REDIS_URL); each job runs in this app's configuration."""
    from redis import Redis
    from rq import Worker

    from facilities.reports import jobs

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.UsageError("REDIS_URL is not set: jobs run in the application's local worker, "
                               "no separate worker is needed.")
    jobs.set_worker_parent_pid(os.getpid())
    worker = Worker([jobs.QUEUE_NAME], connection=Redis.from_url(url))
    worker.work(burst=burst)
