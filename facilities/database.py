"""Database engine settings: SQLite gets WAL, foreign keys and a busy timeout on every connection.

Concurrent writers on SQLite queue on the write lock instead of failing: the driver's `timeout` connect
argument (15 s, facilities/config.py) is SQLite's busy timeout, and pysqlite opens the transaction at the
first write, so a request never upgrades a stale read snapshot to a write (the case busy timeouts cannot
fix). A wait longer than the timeout surfaces as OperationalError, which facilities/errors.py answers with
503 and Retry-After, after rolling the request back.
"""

from __future__ import annotations

import sqlite3

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

_listening = False
DEFAULT_BUSY_TIMEOUT_MS = 15_000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Never lower the busy timeout the driver set from `connect_args={"timeout": …}`; raise it when it is 0.
    cursor.execute("PRAGMA busy_timeout")
    if not cursor.fetchone()[0]:
        cursor.execute(f"PRAGMA busy_timeout={DEFAULT_BUSY_TIMEOUT_MS}")
    # WAL lets readers go on while one writer writes; in-memory databases cannot use it.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_database(app: Flask) -> None:
    """Install the SQLite connection settings once per process."""
    global _listening
    if not _listening:
        event.listen(Engine, "connect", _sqlite_pragmas)
        _listening = True
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        path = app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///"):]
        if path and not path.startswith(":"):
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
