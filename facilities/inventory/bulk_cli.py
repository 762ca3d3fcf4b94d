"""`flask inventory import FILE [--dry-run]` and `flask inventory export FILE` (CSV or XLSX by extension)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from facilities.extensions import db
from facilities.inventory import bulk
from facilities.inventory.bulk_columns import FileError, file_format
from facilities.inventory.bulk_export import write_export
from facilities.inventory.bulk_plan import OUTCOMES, UNCHANGED, UPDATE, ImportReport
from facilities.trail.recorder import acting_as

cli = AppGroup("inventory", help="Bulk import and export of the inventory (sites, buildings, floors, spaces).")


def print_report(report: ImportReport, limit: int = 200) -> None:
    """The report as text: counts, then the refused, created and updated lines."""
    if report.file_error:
        click.echo(f"Error: {report.file_error}", err=True)
        return
    counts = report.counts
    click.echo(" · ".join(f"{counts[outcome]} {outcome}" for outcome in OUTCOMES))
    for line in report.notable(limit):
        detail = ""
        if line.errors:
            detail = "; ".join(f"{name}: {message}" for name, message in line.errors.items())
        elif line.outcome == UPDATE:
            detail = "; ".join(f"{name}: {old!s} → {new!s}" for name, (old, new) in line.changes.items())
        click.echo(f"  {line.where}: {line.outcome} {line.entity} {line.key}" + (f" — {detail}" if detail else ""))
    hidden = sum(n for outcome, n in counts.items() if outcome != UNCHANGED) - limit
    if hidden > 0:
        click.echo(f"  … and {hidden} more line(s)")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only report what would change; write nothing.")
def import_command(path: Path, dry_run: bool) -> None:
    """Import sites, buildings, floors and spaces from a .csv or .xlsx file (all or nothing)."""
    try:
        fmt = file_format(path.name)
    except FileError as error:
        raise click.BadParameter(str(error), param_hint="FILE") from None
    with acting_as(source="import"):
        report = bulk.import_file(path, fmt, apply=not dry_run)  # read from disk as it goes
        print_report(report)
        if not report.ok:
            db.session.rollback()
            click.echo("Nothing was written.", err=True)
            sys.exit(1)
        if dry_run:
            db.session.rollback()
            click.echo("Dry run: nothing was written.")
            return
    click.echo("Import applied." if report.changes_anything else "Nothing to change.")


@cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_command(path: Path) -> None:
    """Export every site, building, floor and space to a .csv or .xlsx file."""
    try:
        fmt = file_format(path.name)
    except FileError as error:
        raise click.BadParameter(str(error), param_hint="FILE") from None
    with path.open("wb") as out:  # written as it is read
        write_export(fmt, out)
    click.echo(f"Exported to {path} ({path.stat().st_size:,} bytes).")
