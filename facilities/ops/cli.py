"""`flask backup PATH` and `flask restore PATH`: SQLite through the online backup API; PostgreSQL through pg_dump."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from facilities.ops.backup import (
    BackupError,
    backup_sqlite,
    check_backup,
    postgres_commands,
    restore_sqlite,
    sqlite_path,
)


def current_revision() -> str | None:
    """The head revision of the migrations shipped with this code (None when there are none)."""
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate

    migrate: Migrate = current_app.extensions["migrate"]
    config = migrate.migrate.get_config(migrate.directory)  # type: ignore[attr-defined]
    return ScriptDirectory.from_config(config).get_current_head()


def _postgres_advice(url: str, path: str, action: str) -> None:
    dump, restore = postgres_commands(url, path)
    click.echo(f"The database is not SQLite: {action} it with PostgreSQL's own tools.", err=True)
    click.echo(f"  backup:  {dump}", err=True)
    click.echo(f"  restore: {restore}", err=True)
    click.echo("Stop the application servers (or take them out of the load balancer) before a restore.", err=True)
    raise SystemExit(1)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a consistent copy of the running SQLite database to PATH."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    source = sqlite_path(url)
    if source is None:
        _postgres_advice(url, str(path), "back up")
    try:
        report = backup_sqlite(source, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {report.path} ({report.tables} tables, {report.bytes:,} bytes); integrity check ok.")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup at PATH, after checking it; refuses and changes nothing otherwise."""
    from facilities.extensions import db

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    target = sqlite_path(url)
    if target is None:
        _postgres_advice(url, str(path), "restore")
    try:
        check_backup(path, set(db.metadata.tables), current_revision())
    except BackupError as error:
        raise click.ClickException(f"{error} Nothing was changed.") from error
    if not yes:
        click.confirm(f"Replace every record of {target} with the content of {path}?", abort=True)
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps reading the old pages
    try:
        report = restore_sqlite(path, target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {report.path} from {path} ({report.tables} tables); integrity check ok.")
