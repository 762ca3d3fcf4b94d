"""`flask users …`: create accounts and API tokens from the command line."""

from __future__ import annotations

import sys
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


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, help=f"One of: {', '.join(r.value for r in Role)}")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(email: str, role: str, password_stdin: bool) -> None:
    """Create an account with a role; asks for the password unless --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with force_locale("en"):  # the command line speaks English, the rules' messages too
            user = services.create_user(email, role, password)
    except ValidationError as error:
        _fail("; ".join(error.errors.values()))
    click.echo(f"Created {user.email} ({user.role}).")


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
