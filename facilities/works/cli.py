"""Command-line group of the works area."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from facilities.extensions import db
from facilities.money import money_text
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


@cli.command("carry-over")
@click.option("--year", type=int, required=True, help="The year whose unpaid CP are re-spread (year end: the year closing).")
@click.option("--mode", type=click.Choice(["next", "even"]), default="next", show_default=True,
              help="next: all onto the next year; even: evenly over each operation's remaining years.")
@click.option("--envelope", "envelope_id", type=int, help="One envelope (default: every envelope but scenarios).")
def carry_over(year: int, mode: str, envelope_id: int | None) -> None:
    """Carry over the unpaid CP of a year onto later years (all envelopes or none)."""
    from sqlalchemy import select

    from facilities.works import rules, services
    from facilities.works.models import Envelope

    try:
        values = rules.clean_carry_over({"year": year, "mode": mode})
        query = select(Envelope).where(Envelope.scenario_of_id.is_(None))
        if envelope_id is not None:
            query = select(Envelope).where(Envelope.id == envelope_id)
        envelopes = list(db.session.execute(query).scalars())
        if not envelopes:
            raise ValidationError({"envelope": f"Envelope {envelope_id} does not exist"})
        records = [record for envelope in envelopes for record in services.carry_over_envelope(envelope, values)]
    except ValidationError as error:
        db.session.rollback()
        for where, message in error.errors.items():
            click.echo(f"{where}: {message}", err=True)
        click.echo("Nothing was written.", err=True)
        sys.exit(1)
    total = sum(r.amount_cents for r in records)
    click.echo(f"{len(records)} operation(s): {money_text(total)} € of unpaid CP {year} carried over ({mode}).")
