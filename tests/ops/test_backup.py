"""`flask backup` under writes and `flask restore` with its checks."""

from __future__ import annotations

import sqlite3
import threading

from sqlalchemy import text

from tests.ops.conftest import build_app


def _write_rows(application, stop: threading.Event, written: list[int]) -> None:
    """Commit one small site after another until told to stop; remember what was committed."""
    from facilities.extensions import db
    from facilities.inventory import rules, services

    number = 0
    while not stop.is_set():
        number += 1
        with application.app_context():
            services.create_site(rules.clean_site({"code": f"W-{number}", "name": f"Written {number}",
                                                   "kind": "social_hub", "status": "open", "services": []}))
            db.session.commit()
        written.append(number)


def _codes(path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {row[0] for row in connection.execute("SELECT code FROM sites")}
    finally:
        connection.close()


def test_backup_under_writes_then_restore_into_a_fresh_file_has_every_committed_row(sqlite_app, tmp_path):
    stop = threading.Event()
    written: list[int] = []
    writer = threading.Thread(target=_write_rows, args=(sqlite_app, stop, written))
    writer.start()
    try:
        while len(written) < 30:
            threading.Event().wait(0.01)
        committed_before = set(written)
        result = sqlite_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup.sqlite3")])
        committed_after = set(written)
        while len(written) < len(committed_after) + 10:  # writes go on after the backup
            threading.Event().wait(0.01)
    finally:
        stop.set()
        writer.join(30)
    assert result.exit_code == 0, result.output
    assert "integrity check ok" in result.output
    assert not (tmp_path / "backup.sqlite3-wal").exists()  # one self-contained file

    in_backup = _codes(tmp_path / "backup.sqlite3")
    numbers = {int(code.split("-")[1]) for code in in_backup}
    assert {f"W-{n}" for n in committed_before} <= in_backup  # every row committed before it started
    assert numbers == set(range(1, max(numbers) + 1))  # a consistent prefix, no gap, nothing torn
    assert numbers <= committed_after | {max(committed_after) + 1}

    fresh = build_app(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    result = fresh.test_cli_runner().invoke(args=["restore", "--yes", str(tmp_path / "backup.sqlite3")])
    assert result.exit_code == 0, result.output
    from facilities.extensions import db

    with fresh.app_context():
        restored = set(db.session.execute(text("SELECT code FROM sites")).scalars())
        db.engine.dispose()
    assert restored == in_backup


def test_restore_refuses_a_file_that_is_not_sqlite_and_changes_nothing(sqlite_app, tmp_path):
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_text("not a database")
    before = (tmp_path / "ops.sqlite3").read_bytes()
    result = sqlite_app.test_cli_runner().invoke(args=["restore", "--yes", str(bogus)])
    assert result.exit_code != 0
    assert "is not a SQLite database" in result.output and "Nothing was changed" in result.output
    assert (tmp_path / "ops.sqlite3").read_bytes() == before


def test_restore_refuses_another_schema_revision_or_a_foreign_database(sqlite_app, tmp_path):
    old = tmp_path / "old.sqlite3"
    assert sqlite_app.test_cli_runner().invoke(args=["backup", str(old)]).exit_code == 0
    connection = sqlite3.connect(old)
    connection.execute("UPDATE alembic_version SET version_num = 'abc123'")
    connection.commit()
    connection.close()
    result = sqlite_app.test_cli_runner().invoke(args=["restore", "--yes", str(old)])
    assert result.exit_code != 0 and "revision abc123" in result.output

    foreign = tmp_path / "foreign.sqlite3"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE notes (id INTEGER)")
    connection.commit()
    connection.close()
    result = sqlite_app.test_cli_runner().invoke(args=["restore", "--yes", str(foreign)])
    assert result.exit_code != 0 and "tables missing" in result.output


def test_restore_refuses_a_corrupt_file(sqlite_app, tmp_path):
    good = tmp_path / "good.sqlite3"
    assert sqlite_app.test_cli_runner().invoke(args=["backup", str(good)]).exit_code == 0
    data = bytearray(good.read_bytes())
    for offset in range(4096, len(data), 4096):  # scribble over every b-tree page's own header, keep the file's
        data[offset:offset + 64] = b"\xff" * 64
    good.write_bytes(bytes(data))
    result = sqlite_app.test_cli_runner().invoke(args=["restore", "--yes", str(good)])
    assert result.exit_code != 0
    assert "integrity check" in result.output or "not a readable SQLite database" in result.output


def test_postgres_backup_prints_the_pg_dump_commands(tmp_path):
    application = build_app("postgresql+psycopg://facilities:secret@db.internal:5432/facilities")
    result = application.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.dump")])
    assert result.exit_code == 1
    assert "pg_dump --format=custom" in result.output and "pg_restore" in result.output
    assert "secret" not in result.output
    assert not (tmp_path / "x.dump").exists()
