"""Command-line group of the energy area: consumption import, OPERAT export, reference seeding."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from facilities import years
from facilities.energy import efas, operat, services, transfer
from facilities.extensions import db

cli = AppGroup("energy", help="Commands of the energy area.")


@cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report, write nothing.")
def import_command(path: Path, dry_run: bool) -> None:
    """Import yearly consumption from a CSV file (building_code,year,carrier,kwh[,area_m2][,source])."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise click.ClickException(f"cannot read {path}: {error.strerror}") from None
    with force_locale("en"):  # the command line speaks English, the rules' messages too
        report = transfer.import_consumption_csv(data, write=not dry_run)
    for line in report.lines:
        click.echo(line.describe())
    if not report.written:
        db.session.rollback()
    click.echo(report.summary(), err=not report.ok)
    if not report.ok:
        sys.exit(1)


@cli.command("operat-export")
@click.argument("year", type=int)
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default=None,
              help="csv or xlsx (default: from the file's extension, else csv).")
def operat_export_command(year: int, path: Path, fmt: str | None) -> None:
    """Write the OPERAT declaration of YEAR: one row per EFA subject to the Décret tertiaire (subject buildings
    in no EFA first get one of their own)."""
    last = date.today().year
    if not years.CONSUMPTION.first <= year <= last:  # a consumption year, and over: it can be declared
        raise click.BadParameter(f"year must be between {years.CONSUMPTION.first} and {last} (got {year})",
                                 param_hint="YEAR")
    fmt = fmt or ("xlsx" if path.suffix.lower() == ".xlsx" else "csv")
    proposed = efas.propose_efas([item.site_id for item in efas.unassigned_subject_buildings()])
    if proposed:
        click.echo(f"{len(proposed)} EFA(s) proposed for subject buildings in none.")
    data, count = operat.operat_xlsx(year) if fmt == "xlsx" else operat.operat_csv(year)
    try:
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {path}: {error.strerror}") from None
    click.echo(f"{count} EFA(s) written to {path} for {year}.")


@cli.command("seed-reference")
def seed_reference_command() -> None:
    """Fill the empty energy reference tables with the seed rows (tables with rows are left alone)."""
    inserted = services.ensure_reference_seeded()
    for table, count in inserted.items():
        click.echo(f"{table}: {count} row(s) inserted")


standings_cli = AppGroup("standings", help="Each building's stored energy standing (the dashboard's figures).")
cli.add_command(standings_cli)


@standings_cli.command("refresh")
def standings_refresh_command() -> None:
    """Recompute every building's stored standing (class, trajectory status, gap) and the portfolio's yearly totals."""
    from facilities.energy import standings

    written = standings.refresh()
    standings.refresh_totals()
    click.echo(f"{written} energy standings recomputed.")
