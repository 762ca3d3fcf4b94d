"""Command-line group of the safety area: seeding its reference tables."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from facilities.safety import reference

cli = AppGroup("safety", help="Commands of the safety area.")


@cli.command("seed-reference")
def seed_reference_command() -> None:
    """Fill the empty safety reference tables (ERP thresholds and scale) with their seed rows; once per database."""
    inserted = reference.ensure_seeded()
    click.echo(f"{inserted} reference rows inserted" if inserted else "reference tables already filled; nothing inserted")
