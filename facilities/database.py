"""Database engine settings: SQLite gets WAL, foreign keys and a busy timeout on every connection."""

from __future__ import annotations

import sqlite3

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

_listening = False


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
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
