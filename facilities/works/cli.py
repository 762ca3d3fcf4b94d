"""Command-line group of the works area."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from facilities.extensions import db
from facilities.validation import ValidationError

cli = AppGroup("works", help="Commands of the works area.")


@cli.command("import-ledger")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_ledger(path: Path) -> None:
    """Import actuals and AP revisions from a .csv or .xlsx file (all or nothing)."""
    from facilities.works import ledger_import

    try:
        report = ledger_import.import_file(path.read_bytes(), path.name)
    except ValidationError as error:
        raise click.BadParameter(" ".join(error.errors.values()), param_hint="PATH") from None
    if not report.ok:
        db.session.rollback()
        for where, message in report.errors.items():
            click.echo(f"{where}: {message}", err=True)
        click.echo("Nothing was written.", err=True)
        sys.exit(1)
    click.echo(f"{report.applied} line(s) imported.")
