"""A worker killed (SIGKILL) in the middle of an all-or-nothing import leaves the database as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.ops.conftest import build_app, create_schema, postgres_url

PROJECT_ROOT = Path(__file__).resolve().parents[2]

IMPORT_SCRIPT = textwrap.dedent("""
    import sys, time
    from facilities import create_app
    from facilities.extensions import db
    from facilities.inventory import rules, services

    app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "x"})
    with app.app_context():
        site = services.create_site(rules.clean_site({"code": "IMPORT-1", "name": "Imported", "kind": "social_hub",
                                                       "status": "open", "services": []}))
        building = services.create_building(site, rules.clean_building({"code": "IMPORT-1-B1", "name": "B"}))
        floor = services.create_floor(building, {"level": 0, "name": "RDC", "area_m2": None, "is_public": True})
        for number in range(1_000_000):
            services.create_space(floor, rules.clean_space({"code": f"S{number:07d}", "name": "Room",
                                                            "space_type": "office", "area_m2": "12"}))
            if number % 500 == 499:
                db.session.flush()  # rows are in the database's transaction, not committed
            if number == 999:
                print("started", flush=True)
        db.session.commit()
""")


def _counts(application) -> tuple[int, int]:
    from facilities.extensions import db
    from facilities.inventory.models import Site, Space

    with application.app_context():
        result = (db.session.execute(select(func.count(Site.id))).scalar_one(),
                  db.session.execute(select(func.count(Space.id))).scalar_one())
        db.session.remove()
        return result


def _kill_mid_import(database_url: str) -> None:
    process = subprocess.Popen([sys.executable, "-c", IMPORT_SCRIPT, database_url], cwd=PROJECT_ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    try:
        line = process.stdout.readline()
        assert line.strip() == "started", process.stderr.read()[-2000:]
        time.sleep(0.3)  # well inside the import: thousands of rows flushed, more coming
        assert process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL


def _check(application, database_url: str) -> None:
    from facilities.extensions import db
    from facilities.inventory.models import Site
    from tests.ops.conftest import signed_in

    signed_in(application, "director")  # some committed state before the import
    before = _counts(application)
    with application.app_context():
        db.engine.dispose()
    _kill_mid_import(database_url)
    assert _counts(application) == before
    with application.app_context():
        assert db.session.execute(select(Site).where(Site.code == "IMPORT-1")).scalar_one_or_none() is None


def test_sigkill_mid_import_on_sqlite_leaves_nothing(sqlite_app, tmp_path):
    _check(sqlite_app, f"sqlite:///{tmp_path / 'ops.sqlite3'}")
    # The database is still writable and intact after the crash recovery.
    from facilities.extensions import db

    with sqlite_app.app_context():
        assert db.session.execute(select(func.count()).select_from(db.text("pragma_integrity_check"))).scalar_one() == 1


@pytest.mark.postgres_only
def test_sigkill_mid_import_on_postgres_leaves_nothing():
    from facilities.extensions import db

    application = build_app(postgres_url())
    create_schema(application, stamp=False)
    try:
        _check(application, postgres_url())
    finally:
        with application.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
