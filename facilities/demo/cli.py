"""`flask demo`: load the demo portfolio (idempotent)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from facilities.demo.data import DEMO_USERS
from facilities.demo.loader import load_demo
from facilities.maps.synth import remove_synth_command, synth_command


@click.group("demo", cls=AppGroup, invoke_without_command=True)
@click.pass_context
@with_appcontext
def demo_cli(ctx: click.Context) -> None:
    """Load the demo portfolio from the source documents (run alone); subcommands manage synthetic data."""
    if ctx.invoked_subcommand is not None:
        return
    demo_mode = bool(current_app.config.get("DEMO_MODE"))
    report = load_demo(with_users=demo_mode)
    created = ", ".join(f"{count} {kind}" for kind, count in report.created.items())
    click.echo(f"Demo data loaded (created: {created}).")
    if demo_mode:
        click.echo("Demo logins:")
        for user in DEMO_USERS:
            click.echo(f"  {user['role']:<20} {user['email']:<28} {user['password']}")
    else:
        click.echo("No demo accounts (set FACILITIES_DEMO=1 for them); create one with 'flask users create'.")


# `flask demo synth` / `flask demo remove-synth`: synthetic portfolios for scale tests.
demo_cli.add_command(synth_command)
demo_cli.add_command(remove_synth_command)
