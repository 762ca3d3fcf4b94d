"""`flask users …`: create accounts, password reset links and API tokens from the command line.

Nobody types or reads another person's password here: a new account gets a one-time link instead.
"""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from facilities.auth import services
from facilities.extensions import db
from facilities.permissions import Role
from facilities.timeutil import utcnow
from facilities.validation import ValidationError

users_cli = AppGroup("users", help="Manage accounts and API tokens.")


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


def _print_reset_link(user) -> None:
    from flask import current_app

    from facilities.auth.routes import reset_url

    _reset, raw = services.issue_reset(user)
    hours = int(services.RESET_LIFETIME.total_seconds() // 3600)
    public = current_app.config.get("PUBLIC_URL")
    with current_app.test_request_context(base_url=public or "http://localhost"):
        link = reset_url(raw)
    click.echo(f"One-time link for {user.email} to choose a password (valid {hours} hours):")
    if not public:
        link = link.removeprefix("http://localhost")
        click.echo("(set PUBLIC_URL to print the whole address; prefix the path with the site's address)")
    click.echo(link)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, help=f"One of: {', '.join(r.value for r in Role)}")
def create_user_command(email: str, role: str) -> None:
    """Create an account with a role and print a one-time link for its owner to choose a password."""
    try:
        with force_locale("en"):  # the command line speaks English, the rules' messages too
            user = services.create_user(email, role)
    except ValidationError as error:
        _fail("; ".join(error.errors.values()))
    click.echo(f"Created {user.email} ({user.role}).")
    _print_reset_link(user)


@users_cli.command("reset-link")
@click.argument("email")
def reset_link_command(email: str) -> None:
    """Print a new one-time link for the account's owner to choose a password (earlier links stop working)."""
    user = services.find_user(email)
    if user is None:
        _fail(f"No account for {email}.")
    if not user.active:
        _fail(f"The account {email} is deactivated.")
    _print_reset_link(user)


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="A name to recognise the token by.")
@click.option("--expires-in-days", type=click.IntRange(1, 3650), default=None, help="Expire after N days.")
def token_command(email: str, name: str, expires_in_days: int | None) -> None:
    """Create a personal API token and print it alone on the last line."""
    user = services.find_user(email)
    if user is None:
        _fail(f"No account for {email}.")
    if not user.active:
        _fail(f"The account {email} is deactivated.")
    expires_at = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
    token, raw = services.create_token(user, name, expires_at)
    click.echo(f"Token '{token.name}' for {user.email} ({user.role})"
               + (f", expires {expires_at:%Y-%m-%d}" if expires_at else "") + ":")
    click.echo(raw)
