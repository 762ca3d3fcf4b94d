"""Benchmark of the capital renewal forecast (issue 19 point 4) at N synthetic items of equipment.

Run: .venv/bin/python benchmarks/bench_renewal.py --items 1000,10000,50000 [--databases sqlite,postgresql]

Each size gets a fresh database (SQLite file in a temporary folder, or the benchmark's own PostgreSQL database
`bench_renewal`, dropped and made again): the demo portfolio, then N items of equipment spread over its buildings
in bulk (installed 1990-2024, lives of 8-40 years, costs of 1,000-200,000 €, one in five with a condition), and
ANALYZE. Each request runs through the test client (pages with a facilities manager's session, the API with a
token; bench_ogc's measures) `repeat` times: median and 95th percentile in ms, SQL statements of one request (which must not grow
with N). The forecast's sums are cached while the register is unchanged: the "cold" rows time the first reading
after an item changed. Prints one table (Markdown).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_ogc import measure, measure_page  # noqa: E402
from benchmarks.common import DEFAULT_PG_URL, PASSWORD, ensure_postgres_database, make_app  # noqa: E402

CATEGORIES = ("electrical", "heating", "ventilation", "fire_alarm", "lift", "emergency_lighting", "extinguishers",
              "fire_doors", "hot_water", "other")


def build(app, items: int, seed: int = 7) -> tuple[str, int]:
    """Schema, demo, N items of equipment in bulk, a manager and a token; (token, a building id)."""
    from sqlalchemy import insert, select, text

    from facilities.auth.services import create_token, create_user
    from facilities.demo.loader import load_demo
    from facilities.extensions import db
    from facilities.inventory.models import Building
    from facilities.safety.models import Equipment

    rng = random.Random(seed)
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        load_demo(with_users=False)
        buildings = list(db.session.scalars(select(Building.id)))
        rows = []
        for number in range(items):
            installed = date(rng.randint(1990, 2024), rng.randint(1, 12), 1)
            condition = rng.randint(1, 5) if rng.random() < 0.2 else None
            rows.append({"building_id": buildings[number % len(buildings)], "category": rng.choice(CATEGORIES),
                         "name": f"Synthetic item {number}", "installed_on": installed,
                         "expected_life_years": rng.randint(8, 40),
                         "replacement_cost_cents": rng.randint(1_000, 200_000) * 100 if rng.random() > 0.05 else None,
                         "condition": condition, "condition_on": date(2025, 6, 1) if condition else None,
                         "illustrative": True, "version": 1})
        for start in range(0, len(rows), 10_000):
            db.session.execute(insert(Equipment), rows[start:start + 10_000])
        user = create_user("manager@bench.example", "facilities_manager", PASSWORD)
        _token, raw = create_token(user, "bench")
        db.session.commit()
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
        return raw, buildings[0]


def cold(app, client, token: str, path: str) -> tuple[float, int]:
    """(ms, SQL statements) of one request right after an item of the register changed (the cached sums are
    computed again)."""
    from sqlalchemy import select

    from benchmarks.common import counting
    from facilities.extensions import db
    from facilities.safety.models import Equipment

    with app.app_context():
        item = db.session.scalar(select(Equipment).order_by(Equipment.id.desc()).limit(1))
        item.replacement_cost_cents = (item.replacement_cost_cents or 0) + 100
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
    with app.app_context(), counting(db.engine) as seen:
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        response.get_data()
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed, len(seen)


def run(kind: str, items: int, pg_url: str, repeat: int, folder: Path) -> list[tuple]:
    if kind == "sqlite":
        url = f"sqlite:///{folder / f'renewal-{items}.sqlite3'}"
    else:
        url = pg_url
        ensure_postgres_database(url)
    app = make_app(url)
    started = time.perf_counter()
    token, building_id = build(app, items)
    rows = [(kind, items, f"build (demo, {items:,} items, ANALYZE): {time.perf_counter() - started:.0f} s",
             "", "", "", "")]
    client = app.test_client()
    with app.app_context():
        client.post("/login", data={"email": "manager@bench.example", "password": PASSWORD})
    year = date.today().year
    requests = [
        ("baseline: page /envelopes (no equipment read; the machine's load)", "/envelopes", None),
        ("page /renewal (portfolio, 10 years)", f"/renewal?from={year}&years=10", None),
        ("page /renewal, needs of one year, page 3", f"/renewal?from={year}&years=10&year={year + 3}&page=3", None),
        ("page /buildings/<id>/renewal", f"/buildings/{building_id}/renewal?from={year}", None),
        ("page /buildings/<id> (with the renewal panel)", f"/buildings/{building_id}", None),
        ("XLSX /renewal/forecast.xlsx (portfolio)", f"/renewal/forecast.xlsx?from={year}&years=10", None),
        ("API /api/v1/renewal-forecast (portfolio)", f"/api/v1/renewal-forecast?from={year}&years=10",
         True),
        ("API /api/v1/renewal-forecast?years=30", f"/api/v1/renewal-forecast?from={year}&years=30", True),
    ]
    for label, path, api in requests:
        median, p95, statements, size = (measure(app, token, path, repeat) if api
                                         else measure_page(app, client, path, repeat))
        rows.append((kind, items, label, f"{median:.0f}", f"{p95:.0f}", str(statements), f"{size / 1024:.0f} kB"))
    for label, path in (("page /renewal, cold: the first reading after an item changed", f"/renewal?from={year}"),
                        ("API /api/v1/renewal-forecast, cold", f"/api/v1/renewal-forecast?from={year}")):
        elapsed, statements = cold(app, client, token, path)
        rows.append((kind, items, label, f"{elapsed:.0f}", "", str(statements), ""))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", default="1000,10000,50000")
    parser.add_argument("--databases", default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL.rsplit("/", 1)[0] + "/bench_renewal")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.databases.split(","):
            for items in (int(size) for size in args.items.split(",")):
                rows += run(kind, items, args.pg_url, args.repeat, Path(folder))
    print("| database | items | request | median ms | p95 ms | SQL | size |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


if __name__ == "__main__":
    main()
