"""Consistent SQLite backups through SQLite's online backup API, and checked restores.

A plain file copy of a WAL database loses the committed pages still in the -wal file and can tear pages
being written; the backup API copies a consistent snapshot while the application keeps writing.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

SQLITE_HEADER = b"SQLite format 3\x00"


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why and nothing was changed."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    tables: int
    bytes: int


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL; None for other databases and in-memory SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
        return None
    return Path(url.database)


def postgres_commands(database_url: str, path: str) -> tuple[str, str]:
    """The pg_dump and pg_restore commands for this database, password left out (use ~/.pgpass or PGPASSWORD)."""
    url = make_url(database_url)
    plain = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    plain = plain.render_as_string(hide_password=False)
    dump = f"pg_dump --format=custom --no-owner --file {path} '{plain}'"
    restore = f"pg_restore --clean --if-exists --no-owner --single-transaction --dbname '{plain}' {path}"
    return dump, restore


def backup_sqlite(source: Path, destination: Path) -> BackupReport:
    """Copy a consistent snapshot of a (running) SQLite database into a new self-contained file."""
    if not source.exists():
        raise BackupError(f"The database file {source} does not exist.")
    destination = destination.resolve()
    if destination == source.resolve():
        raise BackupError("The backup must not overwrite the database itself.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    source_connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=15)
    target = sqlite3.connect(partial)
    try:
        # One step (pages=-1): the whole copy reads one snapshot, so it is consistent; under WAL it does not
        # block the application's writers.
        source_connection.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=DELETE")  # a single file, nothing left in a -wal beside it
        _check_integrity(target, partial)
        tables = len(_tables(target))
    finally:
        target.close()
        source_connection.close()
    os.replace(partial, destination)  # the backup appears whole or not at all
    return BackupReport(destination, tables, destination.stat().st_size)


def check_backup(path: Path, expected_tables: set[str], expected_revision: str | None) -> None:
    """Refuse anything that is not an intact SQLite database of this application at the current migration."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database.")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _check_integrity(connection, path)
        tables = _tables(connection)
        missing = sorted(expected_tables - tables)
        if missing:
            raise BackupError(f"{path} is not a backup of this application: tables missing: {', '.join(missing)}.")
        if expected_revision is not None:
            if "alembic_version" not in tables:
                raise BackupError(f"{path} has no alembic_version table: its schema version is unknown.")
            revisions = {row[0] for row in connection.execute("SELECT version_num FROM alembic_version")}
            if revisions != {expected_revision}:
                found = ", ".join(sorted(revisions)) or "none"
                raise BackupError(
                    f"{path} is at schema revision {found}, the application at {expected_revision}: "
                    "restore it with the version of the application that made it, then run `flask db upgrade`."
                )
    finally:
        connection.close()


def restore_sqlite(backup: Path, target: Path) -> BackupReport:
    """Replace the content of the target database with the (checked) backup, through the backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source_connection = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    # Writing through SQLite (not a file copy) keeps the target's WAL coherent for any process still open on it.
    destination = sqlite3.connect(target, timeout=15)
    try:
        source_connection.backup(destination, pages=-1)
        destination.execute("PRAGMA journal_mode=WAL")
        _check_integrity(destination, target)
        tables = len(_tables(destination))
    finally:
        destination.close()
        source_connection.close()
    return BackupReport(target, tables, target.stat().st_size)


def _tables(connection: sqlite3.Connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    try:
        result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database: {error}.") from error
    if result != ["ok"]:
        raise BackupError(f"{path} failed the integrity check: {'; '.join(result[:5])}.")
