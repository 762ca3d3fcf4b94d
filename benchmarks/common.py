"""Shared helpers of the benchmark and load scripts: apps on a chosen database, synthetic portfolios, timing."""

from __future__ import annotations

import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))  # run as a script from anywhere, without installing

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
PASSWORD = "benchmark-password-1"
DIRECTOR = "director@bench.example"


def make_app(database_url: str):
    """The real application on the given database, cookies usable over plain HTTP by the test client."""
    from facilities import create_app

    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": "benchmark", "WTF_CSRF_ENABLED": False,
                       "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})


def ensure_postgres_database(url: str) -> None:
    """Create the benchmark's own PostgreSQL database when it is missing (never touches another one)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                    {"n": target.database}).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def build_portfolio(app, sites: int, seed: int = 1) -> dict[str, int]:
    """Empty schema, the communes of Hauts-de-Seine, the demo portfolio (with energy and works demo records), then
    `sites` synthetic sites in bulk, spread over those communes with their energy data (what `demo synth` makes).

    Reuses facilities/maps/synth.py (Core executemany of every row) and adds a director account.
    """
    from sqlalchemy import text

    from facilities.auth.services import create_user
    from facilities.data import COMMUNES_92
    from facilities.demo.loader import load_demo
    from facilities.extensions import db
    from facilities.maps.services import import_boundaries
    from facilities.maps.synth import add_synthetic_sites

    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        import_boundaries(COMMUNES_92, "code", "nom")  # the choropleth, the commune filters and menus have data
        load_demo(with_users=False)
        created = add_synthetic_sites(sites, seed)
        create_user(DIRECTOR, "director", PASSWORD)
        create_user("manager@bench.example", "facilities_manager", PASSWORD)
        db.session.commit()  # past SYNC_LIMIT buildings, the commit marks the standings stale for the job
        refresh_standings()  # what the `energy_standings` job then does, in a transaction of its own
        db.session.commit()
        with db.engine.connect() as connection:  # fresh statistics, as a production database would have
            connection.execute(text("ANALYZE"))
            connection.commit()
    return created


def refresh_standings() -> None:
    """Every building's stored energy standing and the yearly totals, as the `energy_standings` job writes them."""
    from facilities.energy import standings

    standings.refresh()
    standings.refresh_totals()


@contextmanager
def counting(engine):
    """Count the SQL statements sent inside the block (PRAGMA and savepoints excluded)."""
    from sqlalchemy import event

    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not re.match(r"\s*(PRAGMA|SAVEPOINT|RELEASE)", statement, re.I):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> tuple[float, float]:
    """Median and 95th percentile."""
    return statistics.median(values), percentile(values, 0.95)


def timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def machine_description(pg_url: str | None) -> list[str]:
    """CPU model, cores, memory, Python, SQLite and PostgreSQL versions."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    lines = [f"- CPU: {cpu}, {os.cpu_count()} logical cores; memory {memory}",
             f"- OS: {platform.platform()}",
             f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"]
    if pg_url:
        try:
            from sqlalchemy import create_engine, text

            engine = create_engine(pg_url)
            with engine.connect() as connection:
                version = connection.execute(text("SHOW server_version")).scalar()
            engine.dispose()
            lines.append(f"- PostgreSQL {version} (same machine, loopback, default settings)")
        except Exception as error:  # noqa: BLE001
            lines.append(f"- PostgreSQL: not reachable ({error.__class__.__name__})")
    try:
        load = Path("/proc/loadavg").read_text().split()[:3]
        lines.append(f"- load average when the run ended: {' '.join(load)} (other work on the machine skews timings)")
    except OSError:
        pass
    return lines


def git_revision() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
