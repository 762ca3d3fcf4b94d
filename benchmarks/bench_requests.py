"""Benchmark of the work requests (issue 19): their pages and API at 100,000 synthetic requests.

Run: .venv/bin/python benchmarks/bench_requests.py [--requests 100000] [--sites 200] [--databases sqlite,postgresql]
     [--pg-url URL] [--repeat 15]

Each database gets the demo portfolio, N synthetic sites (`demo synth`), a facilities manager, a requester assigned
to one site, and the requests inserted in bulk (Core executemany): spread over the sites, every status and
priority, due dates around today (some late), created over two years, a fiftieth raised by the requester, ANALYZE.
Each page or API call runs through the test client `repeat` times (median and 95th percentile, after one warm-up
call) and its SQL statements are counted: the count must not grow with the number of requests. Prints one table.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (  # noqa: E402
    DEFAULT_PG_URL,
    PASSWORD,
    counting,
    ensure_postgres_database,
    make_app,
    summary,
    timed,
)

STATUSES = ["new", "assigned", "in_progress", "done", "closed", "closed", "closed", "refused", "cancelled"]
PRIORITIES = ["critical", "high", "normal", "low"]


def build(app, requests: int, sites: int, seed: int = 7) -> dict:
    """Fresh schema, demo, synthetic sites, two accounts and `requests` requests; returns ids used by the calls."""
    from sqlalchemy import insert, select, text

    from facilities.auth.models import UserSite
    from facilities.auth.services import create_token, create_user
    from facilities.demo.loader import load_demo
    from facilities.extensions import db
    from facilities.inventory.models import Building
    from facilities.maps.synth import add_synthetic_sites
    from facilities.requests.models import WorkRequest

    rng = random.Random(seed)
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        load_demo(with_users=False)
        add_synthetic_sites(sites, seed)
        manager = create_user("manager@bench.example", "facilities_manager", PASSWORD)
        requester = create_user("requester@bench.example", "requester", PASSWORD)
        db.session.flush()
        buildings = db.session.execute(select(Building.id, Building.site_id)).all()
        own_site = buildings[0].site_id
        db.session.add(UserSite(user_id=requester.id, site_id=own_site))
        _token, manager_token = create_token(manager, "bench")
        _token, requester_token = create_token(requester, "bench")
        db.session.commit()
        now = datetime.now(UTC)
        rows, batch = [], 10_000
        for index in range(requests):
            mine = index % 50 == 0
            building_id, site_id = buildings[0] if mine else buildings[rng.randrange(len(buildings))]
            status = rng.choice(STATUSES)
            priority = None if status == "new" else rng.choice(PRIORITIES)
            created = now - timedelta(days=rng.uniform(0, 730))
            closed = created + timedelta(days=rng.uniform(0.2, 40)) if status in ("closed", "refused") else None
            due = (created.date() + timedelta(days=rng.choice([1, 3, 10, 30]))) if priority else None
            rows.append({"title": f"Demande synthétique {index}", "description": "Synthétique", "urgency": "normal",
                         "site_id": site_id, "building_id": building_id, "status": status, "priority": priority,
                         "due_on": due, "created_at": created, "closed_at": closed, "illustrative": False,
                         "requester_id": requester.id if mine else manager.id, "version": 1})
            if len(rows) == batch:
                db.session.execute(insert(WorkRequest), rows)
                rows = []
        if rows:
            db.session.execute(insert(WorkRequest), rows)
        db.session.commit()
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
        return {"site_id": own_site, "manager_token": manager_token, "requester_token": requester_token,
                "request_id": db.session.scalar(select(WorkRequest.id).order_by(WorkRequest.id.desc()).limit(1))}


def signed_in(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def run(database: str, url: str, requests: int, sites: int, repeat: int) -> list[tuple]:
    app = make_app(url)
    _seconds, ids = timed(build, app, requests, sites)
    manager = signed_in(app, "manager@bench.example")
    requester = signed_in(app, "requester@bench.example")
    bearer = {"Authorization": f"Bearer {ids['manager_token']}"}
    own = {"Authorization": f"Bearer {ids['requester_token']}"}
    calls = [
        ("manager: /requests (page 1)", manager, "/requests", None),
        ("manager: /requests?page=2000", manager, "/requests?page=2000", None),
        ("manager: /requests?late=1", manager, "/requests?late=1", None),
        ("manager: /requests?site_id&status", manager, f"/requests?site_id={ids['site_id']}&status=assigned", None),
        ("manager: /requests/<id>", manager, f"/requests/{ids['request_id']}", None),
        ("manager: / (dashboard)", manager, "/", None),
        ("requester: /requests (theirs)", requester, "/requests", None),
        ("requester: /requests/new", requester, "/requests/new", None),
        ("API: /work-requests?limit=100", manager, "/api/v1/work-requests?limit=100", bearer),
        ("API: /work-requests?late=true", manager, "/api/v1/work-requests?late=true&limit=100", bearer),
        ("API requester: /work-requests", requester, "/api/v1/work-requests?limit=100", own),
    ]
    out = []
    with app.app_context():
        from facilities.extensions import db

        engine = db.engine
    for label, client, path, headers in calls:
        client.get(path, headers=headers)  # warm-up
        times = []
        for _ in range(repeat):
            with counting(engine) as statements:
                seconds, response = timed(client.get, path, headers=headers)
            assert response.status_code == 200, (label, response.status_code)
            times.append(seconds * 1000)
        median, p95 = summary(times)
        out.append((database, requests, label, median, p95, len(statements)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--databases", default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL.replace("/bench", "/bench_requests"))
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    rows = []
    for database in args.databases.split(","):
        if database == "postgresql":
            ensure_postgres_database(args.pg_url)
            url = args.pg_url
        else:
            url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
        rows += run(database, url, args.requests, args.sites, args.repeat)
    print(f"Work requests benchmark ({date.today().isoformat()}, {args.sites} synthetic sites, repeat {args.repeat})")
    print()
    print("| database | requests | call | median ms | p95 ms | SQL statements |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    for database, count, label, median, p95, statements in rows:
        print(f"| {database} | {count:,} | {label} | {median:.1f} | {p95:.1f} | {statements} |")


if __name__ == "__main__":
    main()
