"""Benchmark of issue 20's national-scale reads: OGC API – Features pages, search by index, the streamed GeoJSON and
the communes menu, on N synthetic sites (`demo synth`: about 50 spaces each).

Run: .venv/bin/python benchmarks/bench_ogc.py --sizes 10000 [--databases sqlite,postgresql] [--pg-url URL]

Each size gets a fresh database (SQLite file in a temporary folder, or the benchmark's own PostgreSQL database
`bench_ogc`, dropped and made again), the communes of Hauts-de-Seine, N synthetic sites and ANALYZE; then every
request runs through the test client with a director's bearer token (`repeat` times: median and 95th percentile,
SQL statements of one request). The streamed GeoJSON is read to its end, chunk by chunk as a client reads it; its
added memory is the peak of what Python allocated meanwhile (tracemalloc, in a second run). Prints one table (Markdown).
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import DEFAULT_PG_URL, counting, ensure_postgres_database, make_app, summary  # noqa: E402


def build(app, sites: int) -> str:
    """Schema, communes, N synthetic sites, a director's token, ANALYZE; returns the token."""
    from sqlalchemy import text

    from facilities.auth.services import create_token, create_user
    from facilities.data import COMMUNES_92
    from facilities.extensions import db
    from facilities.maps.services import import_boundaries
    from facilities.maps.synth import add_synthetic_sites

    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        import_boundaries(COMMUNES_92, "code", "nom")
        add_synthetic_sites(sites, 42)
        user = create_user("director@bench.example", "director", "benchmark-password-1")
        _token, raw = create_token(user, "bench")
        db.session.commit()
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    return raw


def measure(app, token: str, path: str, repeat: int, headers: dict | None = None) -> tuple[float, float, int, int]:
    """(median ms, p95 ms, SQL statements, body bytes) of GET path, the body read to its end."""
    from facilities.extensions import db

    client = app.test_client()
    sent = {"Authorization": f"Bearer {token}", **(headers or {})}
    times, size, statements = [], 0, 0
    for attempt in range(repeat + 1):  # the first warms the caches (boundaries, compiled statements)
        with app.app_context(), counting(db.engine) as seen:
            started = time.perf_counter()
            response = client.get(path, headers=sent)
            body = response.get_data()
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code, body[:300])
        if attempt:
            times.append(elapsed * 1000)
        size, statements = len(body), len(seen)
    median, p95 = summary(times)
    return median, p95, statements, size


def streamed_geojson(app, token: str) -> tuple[float, float, int, int, int]:
    """(seconds, added peak memory MB, features, bytes, gzip bytes) of the whole /api/v1/sites.geojson."""
    import json

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    with app.app_context():
        started = time.perf_counter()
        response = client.get("/api/v1/sites.geojson", headers=headers)
        size = sum(len(chunk) for chunk in response.response)  # consumed as a client would, chunk by chunk
        elapsed = time.perf_counter() - started
    with app.app_context():  # again under tracemalloc (slower): the peak of memory Python allocated meanwhile
        tracemalloc.start()
        response = client.get("/api/v1/sites.geojson", headers=headers)
        for _chunk in response.response:
            pass
        added = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    with app.app_context():
        zipped = client.get("/api/v1/sites.geojson", headers={**headers, "Accept-Encoding": "gzip"}).get_data()
    features = len(json.loads(gzip.decompress(zipped))["features"])
    return elapsed, added, features, size, len(zipped)


def new_token(app) -> str:
    """A token of the director of a database built by an earlier run (--reuse)."""
    from sqlalchemy import select

    from facilities.auth.models import User
    from facilities.auth.services import create_token
    from facilities.extensions import db

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "director@bench.example"))
        _token, raw = create_token(user, "bench")
        db.session.commit()
    return raw


def run(kind: str, sites: int, pg_url: str, repeat: int, folder: Path, reuse: bool = False) -> list[tuple]:
    if kind == "sqlite":
        url = f"sqlite:///{folder / f'ogc-{sites}.sqlite3'}"
    else:
        url = pg_url
        ensure_postgres_database(url)
    app = make_app(url)
    started = time.perf_counter()
    token = new_token(app) if reuse else build(app, sites)
    rows = [] if reuse else [(kind, sites, f"build (demo synth, communes, ANALYZE): {time.perf_counter() - started:.0f} s",
                              "", "", "", "")]
    # The west half of the département (hand-checked: about half the synthetic sites fall in it).
    bbox = "2.15,48.75,2.25,48.95"
    requests = [
        ("OGC /ogc/collections/sites/items?limit=1000", "/ogc/collections/sites/items?limit=1000"),
        ("OGC items limit=1000, bbox, offset=2000", f"/ogc/collections/sites/items?limit=1000&bbox={bbox}&offset=2000"),
        ("OGC items limit=1000, status=open", "/ogc/collections/sites/items?limit=1000&status=open"),
        ("OGC buildings limit=1000, bbox", f"/ogc/collections/buildings/items?limit=1000&bbox={bbox}"),
        ("OGC /ogc/collections (extents)", "/ogc/collections"),
        ("OGC one site", "/ogc/collections/sites/items/1"),
        ("/search?q=asni (sites, buildings, spaces, works)", "/search?q=asni"),
        ("/search?q=asnieres (accents folded)", "/search?q=asnieres"),
        ("/search?q=bureau (capped counts)", "/search?q=bureau"),
        ("/sites?q=asni (site list, by index)", "/sites?q=asni"),
        ("/sites (communes menu)", "/sites"),
    ]
    session_paths = {"/search", "/sites"}
    client = app.test_client()
    with app.app_context():
        client.post("/login", data={"email": "director@bench.example", "password": "benchmark-password-1"})
    for label, path in requests:
        if path.split("?")[0] in session_paths:  # pages: the session (a token opens the API only)
            median, p95, statements, size = measure_page(app, client, path, repeat)
        else:
            median, p95, statements, size = measure(app, token, path, repeat)
        rows.append((kind, sites, label, f"{median:.0f}", f"{p95:.0f}", str(statements), f"{size / 1024:.0f} kB"))
    seconds, added, features, size, zipped = streamed_geojson(app, token)
    rows.append((kind, sites, f"/api/v1/sites.geojson streamed, {features:,} features, gzip {zipped / 1e6:.1f} MB",
                 f"{seconds * 1000:.0f}", "", f"+{added:.1f} MB peak", f"{size / 1e6:.1f} MB"))
    return rows


def measure_page(app, client, path: str, repeat: int) -> tuple[float, float, int, int]:
    from facilities.extensions import db

    times, size, statements = [], 0, 0
    for attempt in range(repeat + 1):
        with app.app_context(), counting(db.engine) as seen:
            started = time.perf_counter()
            response = client.get(path)
            body = response.get_data()
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        if attempt:
            times.append(elapsed * 1000)
        size, statements = len(body), len(seen)
    median, p95 = summary(times)
    return median, p95, statements, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--databases", default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL.rsplit("/", 1)[0] + "/bench_ogc")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="PostgreSQL: measure the database an earlier run built")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.databases.split(","):
            for sites in (int(size) for size in args.sizes.split(",")):
                rows += run(kind, sites, args.pg_url, args.repeat, Path(folder), args.reuse and kind == "postgresql")
    print("| database | sites | request | median ms | p95 ms | SQL | size |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


if __name__ == "__main__":
    main()
