"""Command-line group of the reports area (the job worker is core: facilities/jobs/cli.py)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from facilities.formatting import LANGUAGES

cli = AppGroup("reports", help="Commands of the reports area.")


@cli.command("portfolio")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--locale", default="fr", show_default=True, type=click.Choice(LANGUAGES),
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

