"""Page timings at 100, 1,000 and 10,000 sites, on SQLite and PostgreSQL; run: benchmarks/run --help

Each size gets a fresh database: the demo portfolio plus N synthetic sites (one building, 2-5 floors of 16
spaces each: ~500,000 spaces at 10,000 sites), built with bulk Core inserts. Pages are fetched through the
Flask test client signed in as a director (no network, no server: what is measured is the application and
its database). Writes the table to docs/performance.md between markers, keeping the rest of the note.
"""

from __future__ import annotations

import argparse
import csv
import io
import multiprocessing
import tempfile
import time
from pathlib import Path

from common import (  # noqa: E402  (common puts the project on sys.path)
    DEFAULT_PG_URL,
    DIRECTOR,
    PASSWORD,
    PROJECT_ROOT,
    build_portfolio,
    counting,
    ensure_postgres_database,
    git_revision,
    machine_description,
    make_app,
    summary,
    timed,
)

DOC = PROJECT_ROOT / "docs" / "performance.md"
START, END = "<!-- benchmark:start -->", "<!-- benchmark:end -->"

# (label, endpoint that must exist, function(targets) -> URL)
PAGES = [
    ("site list", "inventory.site_list", lambda t: "/sites"),
    ("site list, text filter", "inventory.site_list", lambda t: "/sites?q=asni"),
    ("site page", "inventory.site_detail", lambda t: f"/sites/{t['site']}"),
    ("building page", "inventory.building_detail", lambda t: f"/buildings/{t['building']}"),
    ("floor page", "inventory.floor_detail", lambda t: f"/floors/{t['floor']}"),
    ("search", "search.search", lambda t: "/search?q=asni"),
    ("map page", "maps.site_map", lambda t: "/map"),
    ("map page, communes choropleth", "maps.site_map", lambda t: "/map?indicator=sites_count"),
    # The viewports a director's map asks for: the département, a commune, a street (Hauts-de-Seine, where the
    # synthetic sites are), and France as a whole.
    ("map viewport, France (zoom 6)", "maps_api.map_viewport",
     lambda t: "/api/v1/map/viewport?bbox=-5.5,41.0,9.8,51.3&zoom=6"),
    ("map viewport, département (zoom 11)", "maps_api.map_viewport",
     lambda t: "/api/v1/map/viewport?bbox=2.10,48.72,2.38,48.96&zoom=11"),
    # The other colourings of the whole portfolio (the default is by kind): status, energy label, safety.
    ("map viewport, France by status", "maps_api.map_viewport",
     lambda t: "/api/v1/map/viewport?bbox=-5.5,41.0,9.8,51.3&zoom=6&color_by=status"),
    ("map viewport, France by DPE", "maps_api.map_viewport",
     lambda t: "/api/v1/map/viewport?bbox=-5.5,41.0,9.8,51.3&zoom=6&color_by=dpe"),
    ("map viewport, France by safety", "maps_api.map_viewport",
     lambda t: "/api/v1/map/viewport?bbox=-5.5,41.0,9.8,51.3&zoom=6&color_by=safety"),
    ("map viewport, commune (zoom 14)", "maps_api.map_viewport",
     lambda t: "/api/v1/map/viewport?bbox=2.25,48.88,2.31,48.92&zoom=14"),
    ("map viewport, street (zoom 17)", "maps_api.map_viewport",
     lambda t: "/api/v1/map/viewport?bbox=2.280,48.895,2.292,48.902&zoom=17"),
    ("OGC items, 1,000 sites", "ogc.sites_items", lambda t: "/ogc/collections/sites/items?limit=1000"),
    ("sites.geojson", "maps_api.sites_geojson", lambda t: "/api/v1/sites.geojson"),
    ("energy dashboard", "energy.dashboard", lambda t: "/energy"),
    ("programme page", "works.envelope_detail", lambda t: f"/envelopes/{t['envelope']}" if t.get("envelope") else None),
]


def targets(app) -> dict:
    """A synthetic site in the middle of the portfolio, its building and ground floor, the first envelope."""
    from sqlalchemy import func, select

    from facilities.extensions import db
    from facilities.inventory.models import Building, Floor, Site

    with app.app_context():
        count = db.session.scalar(select(func.count(Site.id)).where(Site.synthetic.is_(True)))
        site = db.session.execute(select(Site.id).where(Site.synthetic.is_(True)).order_by(Site.id)
                                  .offset(count // 2).limit(1)).scalar_one()
        building = db.session.execute(select(Building.id).where(Building.site_id == site).limit(1)).scalar_one()
        floor = db.session.execute(select(Floor.id).where(Floor.building_id == building)
                                   .order_by(Floor.level).limit(1)).scalar_one()
        envelope = None
        try:
            from facilities.works.models import Envelope

            envelope = db.session.execute(select(Envelope.id).order_by(Envelope.id).limit(1)).scalar_one_or_none()
        except ImportError:
            pass
    return {"site": site, "building": building, "floor": floor, "envelope": envelope}


def endpoint_exists(app, endpoint: str) -> bool:
    if endpoint in app.view_functions:
        return True
    # The geojson endpoint's function name is the area's choice: accept any endpoint on that URL.
    return endpoint == "maps_api.sites_geojson" and any(
        rule.rule == "/api/v1/sites.geojson" for rule in app.url_map.iter_rules())


def fetch(client, url: str):
    """GET the whole answer and close it: a streamed answer left open keeps its request's context (and signed-in
    user) pushed into the next requests."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def time_pages(app, repeat: int) -> list[tuple[str, float, float, int, int]]:
    """(page, median ms, p95 ms, queries, body bytes) for each page the app has."""
    from facilities.extensions import db

    client = app.test_client()
    response = client.post("/login", data={"email": DIRECTOR, "password": PASSWORD})
    assert response.status_code == 302, "the benchmark director could not sign in"
    where = targets(app)
    with app.app_context():
        engine = db.engine
    rows = []
    for label, endpoint, url_for in PAGES:
        url = url_for(where)
        if url is None or not endpoint_exists(app, endpoint):
            rows.append((label, None, None, None, None))
            continue
        try:
            for _ in range(2):  # warm caches (templates, statement cache), as a running server has them
                fetch(client, url)
            durations, queries = [], 0
            for _ in range(repeat):
                with counting(engine) as statements:
                    elapsed, response = timed(fetch, client, url)
                assert response.status_code == 200, f"{url} answered {response.status_code}"
                durations.append(elapsed * 1000)
                queries, size = len(statements), len(response.get_data())
        except Exception as error:  # noqa: BLE001  (one failing page is reported, the others are still measured)
            print(f"{url} failed: {type(error).__name__}: {error}"[:300], flush=True)
            rows.append((label, None, None, None, None))
            client = app.test_client()  # a fresh session after a failure
            client.post("/login", data={"email": DIRECTOR, "password": PASSWORD})
            continue
        median, p95 = summary(durations)
        rows.append((label, median, p95, queries, size))
    return rows


def spaces_csv(spaces: int) -> bytes:
    """One site, buildings of 10 floors × 100 spaces, in the bulk importer's CSV layout."""
    from facilities.inventory.bulk_columns import CSV_HEADERS

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_HEADERS, extrasaction="ignore")
    writer.writeheader()
    writer.writerow({"entity": "site", "code": "IMP-1", "name": "Import benchmark", "kind": "social_hub",
                     "status": "open"})
    per_building = 1000
    for b in range(max(1, spaces // per_building)):
        code = f"IMP-1-B{b:03d}"
        writer.writerow({"entity": "building", "site_code": "IMP-1", "code": code, "name": f"Building {b}"})
        for level in range(10):
            writer.writerow({"entity": "floor", "building_code": code, "level": level, "name": f"Level {level}"})
            for number in range(per_building // 10):
                writer.writerow({"entity": "space", "building_code": code, "level": level,
                                 "code": f"{level}.{number:03d}", "name": f"Room {number}",
                                 "space_type": "office", "area_m2": "12.5", "workstations": 1})
    return out.getvalue().encode()


def time_import(app, spaces: int) -> str:
    """Seconds to import `spaces` spaces from CSV, all-or-nothing, committed; 'n/a' without an importer."""
    try:
        from facilities.inventory.bulk import import_file
    except ImportError:
        return "n/a"
    from facilities.extensions import db

    data = spaces_csv(spaces)
    with app.app_context():
        started = time.perf_counter()
        report = import_file(data, "csv", apply=True)
        if not report.ok:
            return f"refused: {report.file_error or 'a line was refused'}"
        db.session.commit()
        return f"{time.perf_counter() - started:.1f} s"


def time_pdf(app) -> str:
    """Seconds of `flask reports portfolio`; 'n/a' when the command does not exist."""
    group = app.cli.commands.get("reports")
    if group is None or "portfolio" not in getattr(group, "commands", {}):
        return "n/a"
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["reports", "portfolio", str(Path(folder) / "p.pdf")])
        elapsed = time.perf_counter() - started
    if result.exit_code != 0:
        reason = repr(result.exception) if result.exception else result.output
        return "failed: " + " ".join(reason.split())[-100:].replace("|", "/")
    return f"{elapsed:.1f} s"


def _build_child(url: str, size: int, answer) -> None:
    answer.put(timed(build_portfolio, make_app(url), size))


def build_apart(url: str, size: int) -> tuple[float, dict]:
    """Build the portfolio in a process of its own: the process that then times the pages starts with a small heap
    (after building 10,000 sites in it, the map page took ten times longer: collecting its garbage walked what the
    build had left)."""
    context = multiprocessing.get_context("spawn")
    answer = context.Queue()
    child = context.Process(target=_build_child, args=(url, size, answer))
    child.start()
    result = answer.get()
    child.join()
    if child.exitcode:
        raise SystemExit(f"building {size} sites failed (exit code {child.exitcode})")
    return result


def reusable(app) -> bool:
    """A kept portfolio of this script: its director signs in (an empty or foreign file is built afresh)."""
    client = app.test_client()
    try:
        return client.post("/login", data={"email": DIRECTOR, "password": PASSWORD}).status_code == 302
    except Exception:  # noqa: BLE001  (no schema yet)
        return False


def database_url(kind: str, folder: Path, size: int, pg_url: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / f'bench-{size}.sqlite3'}"
    ensure_postgres_database(pg_url)
    return pg_url


def kilobytes(size: int | None) -> str:
    if size is None:
        return "n/a"
    return f"{size / 1000:.1f}" if size < 10_000 else f"{size / 1000:,.0f}"


def fmt(value: float | None, places: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{places}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="site counts, comma separated")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--repeat", type=int, default=20, help="requests per page (median and p95 over them)")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="a PostgreSQL database of the benchmark's own")
    parser.add_argument("--import-spaces", type=int, default=100_000, help="spaces in the import test; 0 skips it")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF report timing")
    parser.add_argument("--pdf-max-sites", type=int, default=1000,
                        help="time the portfolio PDF up to this size (its target is for 1,000 buildings; 10,000 "
                             "buildings take ~6 minutes a database)")
    parser.add_argument("--pg-max-sites", type=int, default=10_000,
                        help="measure PostgreSQL up to this size (the issue's figures: 10,000 on PostgreSQL)")
    parser.add_argument("--keep", type=Path, help="keep the SQLite portfolios in this folder, and reuse one found there "
                                                   "(built by this script: 100,000 sites take about 15 minutes)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    kinds = [k.strip() for k in args.databases.split(",") if k.strip()]

    rows, extras = [], []
    with tempfile.TemporaryDirectory(prefix="facilities-bench-") as tmp:
        for kind in kinds:
            for size in sizes:
                if kind == "postgresql" and size > args.pg_max_sites:
                    continue
                folder = args.keep if args.keep and kind == "sqlite" else Path(tmp)
                folder.mkdir(parents=True, exist_ok=True)
                url = database_url(kind, folder, size, args.pg_url)
                app = make_app(url)
                kept = folder / f"bench-{size}.sqlite3"
                if kind == "sqlite" and args.keep and kept.exists() and kept.stat().st_size > 0 and reusable(app):
                    build = "reused"
                    print(f"[{kind} {size}] reused {kept}", flush=True)
                else:
                    build_seconds, created = build_apart(url, size)
                    build = f"{build_seconds:.1f} s"
                    print(f"[{kind} {size}] built {created} in {build}", flush=True)
                for label, median, p95, queries, body in time_pages(app, args.repeat):
                    rows.append((label, kind, size, median, p95, queries, body))
                    print(f"[{kind} {size}] {label}: median {fmt(median)} ms, p95 {fmt(p95)} ms, {queries} queries, "
                          f"{kilobytes(body)} kB", flush=True)
                pdf = "skipped" if args.no_pdf or size > args.pdf_max_sites else time_pdf(app)
                imported = time_import(app, args.import_spaces) if args.import_spaces and size == sizes[0] else "—"
                extras.append((kind, size, build, imported, pdf))
                print(f"[{kind} {size}] import {imported}, PDF {pdf}", flush=True)
                from facilities.extensions import db

                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()

    table = ["| page | database | sites | median ms | p95 ms | SQL queries | kB |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for label, kind, size, median, p95, queries, body in sorted(
            rows, key=lambda r: ([p[0] for p in PAGES].index(r[0]), r[1], r[2])):
        table.append(f"| {label} | {kind} | {size:,} | {fmt(median)} | {fmt(p95)} | "
                     f"{'n/a' if queries is None else queries} | {kilobytes(body)} |")
    other = ["| database | sites | portfolio build (bulk) | import "
             f"{args.import_spaces:,} spaces from CSV | PDF portfolio report |",
             "| --- | ---: | ---: | ---: | ---: |"]
    other += [f"| {kind} | {size:,} | {build} | {imported} | {pdf} |" for kind, size, build, imported, pdf in extras]
    command = "benchmarks/run " + " ".join(
        f"--{name.replace('_', '-')} {value}" for name, value in
        (("sizes", args.sizes), ("databases", args.databases), ("repeat", args.repeat)))
    block = "\n".join([
        START,
        f"Run on {time.strftime('%Y-%m-%d %H:%M %Z')} at commit {git_revision()} with `{command}`.",
        "",
        *machine_description(args.pg_url if "postgresql" in kinds else None),
        "",
        *table,
        "",
        *other,
        END,
    ])
    print()
    print(block)
    if not args.no_write:
        write_doc(block)
        print(f"\nWritten to {DOC.relative_to(PROJECT_ROOT)}")


def write_doc(block: str) -> None:
    """Replace the measured block in docs/performance.md, keep the hand-written notes around it."""
    DOC.parent.mkdir(exist_ok=True)
    if DOC.exists() and START in DOC.read_text():
        text = DOC.read_text()
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1] if END in rest else ""
        DOC.write_text(before + block + after)
    else:
        DOC.write_text("# Performance\n\n" + block + "\n")


if __name__ == "__main__":
    main()
