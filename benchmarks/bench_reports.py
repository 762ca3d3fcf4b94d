"""Benchmark of the PDF reports on a temporary SQLite database filled with synthetic sites.

- fact sheet of the demo Asnières building (target ≤ 1 s, after a warm-up render);
- inventory PDF of a 7-floor building with 200 spaces (target ≤ 3 s);
- portfolio report of 1,000 buildings (target ≤ 90 s and ≤ 500 MB peak RSS of the rendering process, measured
  in a child process with resource.getrusage);
- with --inventory-spaces N (e.g. 10000): the inventory PDF of one building of N spaces, laid out as one
  document ("single", how requests rendered it before it became a job) and in chunks ("chunked", the job's way),
  each in a child process (time, CPU time, peak RSS).

- with --selection-database FILE (a SQLite portfolio, e.g. 10,000 sites of `demo synth` built by
  `bench_imports.py --sites 10000 --keep DIR`): the portfolio PDF of a selection (--selection, default
  kind=child_welfare_home,status=open: 1,026 of those 10,000 sites; target 60 s), and the summary alone of the
  whole portfolio, each in a child process (issue 20 point 6).

Run: /work/main/.venv/bin/python benchmarks/bench_reports.py [--buildings 1000] [--keep DIR] [--timeout 600]
     /work/main/.venv/bin/python benchmarks/bench_reports.py --selection-database DIR/portfolio-10000.sqlite3
     /work/main/.venv/bin/python benchmarks/bench_reports.py --inventory-spaces 10000 [--modes single,chunked]

Wall-clock time is what the targets are about; CPU time is printed beside it because a shared machine's load
inflates wall-clock time (the load average is printed too).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPACE_TYPES = ["interview_office", "office", "medical_cabinet", "meeting_room", "digital_space", "sanitary",
               "mediation_space", "storage"]


def make_app(database: Path):
    from facilities import create_app

    return create_app({"DATABASE_URL": f"sqlite:///{database}", "SERVER_NAME": "localhost", "TESTING": True,
                       "REPORTS_FOLDER": str(database.parent / "reports"), "WTF_CSRF_ENABLED": False,
                       "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False, "SECRET_KEY": "bench"})


def fill(app, buildings: int, seed: int = 6) -> dict:
    """The demo, a 7-floor building with 200 spaces, and synthetic sites up to `buildings` buildings."""
    from facilities.demo.loader import load_demo
    from facilities.extensions import db
    from facilities.inventory.models import Building, Floor, Site, SiteService, Space

    rng = random.Random(seed)
    with app.app_context():
        db.create_all()
        load_demo(with_users=False)
        big_site = Site(code="BENCH-BIG", name="Bench big site", kind="social_hub", status="open",
                        communes_served=[], latitude=48.85, longitude=2.25, commune_name="Nanterre")
        big = Building(site=big_site, code="BENCH-BIG-B1", name="Bâtiment de 200 locaux", cost_cents=950_000_000)
        for level in range(7):
            floor = Floor(building=big, level=level, name=f"R+{level}" if level else "RDC", is_public=level < 2,
                          area_m2=Decimal(400))
            count = 29 if level < 4 else 28  # 4 × 29 + 3 × 28 = 200
            for n in range(count):
                floor.spaces.append(Space(code=f"{level}.{n:02d}", name=f"Local {level}.{n:02d}",
                                          space_type=SPACE_TYPES[n % len(SPACE_TYPES)], area_m2=Decimal("12.50"),
                                          workstations=n % 3, pcs=n % 2, is_public=level < 2,
                                          equipment="Poste, armoire, téléphone" if n % 4 == 0 else None))
        db.session.add(big_site)
        existing = db.session.query(Building).count()
        number = 0
        while existing + number < buildings:
            site = Site(code=f"SYN-{number:04d}", name=f"Site synthétique {number:04d}", kind="social_hub",
                        status="open", communes_served=[], address=f"{number} avenue de la République",
                        postcode="92000", commune_name="Nanterre", latitude=48.8 + rng.random() / 10,
                        longitude=2.2 + rng.random() / 10, synthetic=True)
            site.service_links = [SiteService(service_code=code) for code in rng.sample(["pmi", "ase", "social_action"], 2)]
            for b in range(rng.choice([1, 1, 2, 3])):
                if existing + number >= buildings:
                    break
                building = Building(site=site, code=f"SYN-{number:04d}-B{b + 1}", name=f"Bâtiment {number:04d}-{b + 1}",
                                    cost_cents=rng.randrange(1, 20) * 100_000_000)
                for level in range(rng.randint(1, 4)):
                    floor = Floor(building=building, level=level, name=f"R+{level}" if level else "RDC",
                                  is_public=level == 0)
                    for n in range(rng.randint(2, 8)):
                        floor.spaces.append(Space(code=f"{level}.{n:02d}", name=f"Local {n}",
                                                  space_type=rng.choice(SPACE_TYPES), area_m2=Decimal(12),
                                                  workstations=rng.randint(0, 4)))
                number += 1
            db.session.add(site)
        db.session.commit()
        return {"asnieres": db.session.query(Building.id).filter_by(code="PS-ASN-B1").scalar(),
                "big": db.session.query(Building.id).filter_by(code="BENCH-BIG-B1").scalar(),
                "buildings": db.session.query(Building).count(), "sites": db.session.query(Site).count()}


def timed_request(app, url: str) -> tuple[float, float, bytes]:
    from facilities.auth.services import create_user
    from facilities.extensions import db

    with app.app_context():
        if not getattr(app, "_bench_user", None):
            create_user("bench@example.org", "director", "correct-horse-battery")
            db.session.commit()
            app._bench_user = True
    client = app.test_client()
    client.post("/login", data={"email": "bench@example.org", "password": "correct-horse-battery"})
    client.get(url)  # warm-up: imports, fonts, template compilation
    start, cpu_start = time.perf_counter(), time.process_time()
    response = client.get(url)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    assert response.status_code == 200, response.status_code
    return elapsed, cpu, response.data


def portfolio_child(database: str, target: str) -> None:
    """Runs in a child process: render the portfolio, print seconds and peak RSS."""
    from flask_babel import force_locale

    from facilities.reports.portfolio import render_portfolio

    app = make_app(Path(database))
    with app.app_context(), force_locale("fr"):
        start, cpu_start = time.perf_counter(), time.process_time()
        pages = render_portfolio(Path(target))
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.2f} {cpu:.2f} {peak_mb:.0f} {pages}")


def selection_child(database: str, selection: str, summary: str, target: str) -> None:
    """Runs in a child process: the portfolio PDF of a selection ("kind=…,status=…"), or its summary alone."""
    from flask_babel import force_locale

    from facilities.inventory.services import SiteFilters
    from facilities.reports.portfolio import render_portfolio

    filters = SiteFilters(**dict(part.split("=", 1) for part in selection.split(",") if part))
    app = make_app(Path(database))
    with app.app_context(), app.test_request_context(), force_locale("fr"):
        start, cpu_start = time.perf_counter(), time.process_time()
        pages = render_portfolio(Path(target), filters=filters, summary_only=summary == "summary")
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.2f} {cpu:.2f} {peak_mb:.0f} {pages}")


def bench_selection(database: Path, selection: str, out: Path, timeout: float) -> None:
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print("| portfolio PDF | wall s | CPU s | peak RSS MB | pages |\n| --- | ---: | ---: | ---: | ---: |")
    for label, chosen, summary in ((f"selection {selection}", selection, "full"),
                                   ("summary alone, whole portfolio", "", "summary")):
        result = run_child(["--selection-child", str(database), chosen, summary,
                            str(out / f"portfolio-{summary}.pdf")], timeout)
        if isinstance(result, str):
            print(f"| {label} | {result} | | | |")
            continue
        seconds, cpu, peak, pages = result
        print(f"| {label} | {seconds:.1f} | {cpu:.1f} | {peak} | {pages} |", flush=True)


def run_child(arguments: list[str], timeout: float) -> tuple[float, float, str, str] | str:
    """Run this script with `arguments` in a child process: (seconds, CPU seconds, peak MB, pages) or why not."""
    child = subprocess.run([sys.executable, __file__, *arguments], capture_output=True, text=True,
                           env={**os.environ}, timeout=timeout)
    if child.returncode:
        return f"failed: {child.stderr.strip().splitlines()[-1:]}"
    seconds, cpu, peak, pages = child.stdout.split()[-4:]
    return float(seconds), float(cpu), peak, pages


def fill_huge_building(app, spaces: int, per_floor: int = 500) -> int:
    """One building of `spaces` spaces, `per_floor` to a floor; returns its id."""
    from facilities.extensions import db
    from facilities.inventory.models import Building, Floor, Site, Space

    with app.app_context():
        db.create_all()
        site = Site(code="BENCH-HUGE", name="Bench huge site", kind="social_hub", status="open", communes_served=[],
                    commune_name="Nanterre")
        building = Building(site=site, code="BENCH-HUGE-B1", name=f"Bâtiment de {spaces} locaux")
        for level in range((spaces + per_floor - 1) // per_floor):
            floor = Floor(building=building, level=level, name=f"R+{level}" if level else "RDC", is_public=level == 0)
            for n in range(min(per_floor, spaces - level * per_floor)):
                floor.spaces.append(Space(code=f"{level}.{n:03d}", name=f"Local {level}.{n:03d}",
                                          space_type=SPACE_TYPES[n % len(SPACE_TYPES)], area_m2=Decimal("12.50"),
                                          workstations=n % 3, pcs=n % 2, is_public=level == 0,
                                          equipment="Poste, armoire, téléphone" if n % 4 == 0 else None))
        db.session.add(site)
        db.session.commit()
        return building.id


def inventory_child(mode: str, database: str, building_id: str, target: str) -> None:
    """Runs in a child process: the inventory PDF of one building, as one document or in chunks."""
    from flask_babel import force_locale

    from facilities.reports import services
    from facilities.reports.pdf import render_pdf

    app = make_app(Path(database))
    with app.app_context(), force_locale("fr"):
        start, cpu_start = time.perf_counter(), time.process_time()
        if mode == "single":
            building = services.load_building_inventory(int(building_id))
            body = render_pdf("inventory.html", title="Inventaire", **services.inventory_context(building))
            Path(target).write_bytes(body)
            from pypdf import PdfReader

            pages = len(PdfReader(target).pages)
        else:
            from facilities.reports.inventory_pdf import render_inventory

            pages = render_inventory(int(building_id), Path(target))
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.2f} {cpu:.2f} {peak_mb:.0f} {pages}")


def bench_inventory(spaces: int, modes: list[str], out: Path, workdir: Path, timeout: float) -> None:
    database = workdir / "inventory.sqlite3"
    app = make_app(database)
    building_id = fill_huge_building(app, spaces)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"{'inventory PDF, ' + str(spaces) + ' spaces':<40} {'time':>9} {'cpu':>9} {'peak RSS':>9} {'pages':>6}")
    for mode in modes:
        result = run_child(["--inventory-child", mode, str(database), str(building_id),
                            str(out / f"inventory-{spaces}-{mode}.pdf")], timeout)
        if isinstance(result, str):
            print(f"{mode:<40} {result}")
            continue
        seconds, cpu, peak, pages = result
        print(f"{mode:<40} {seconds:>8.1f}s {cpu:>8.1f}s {peak:>6} MB {pages:>6}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--buildings", type=int, default=1000, help="portfolio size (default 1000)")
    parser.add_argument("--keep", help="write the PDFs into this folder")
    parser.add_argument("--timeout", type=float, default=600,
                        help="seconds after which the portfolio child is stopped (default 600)")
    parser.add_argument("--inventory-spaces", type=int, help="benchmark the inventory PDF of one building this big")
    parser.add_argument("--modes", default="single,chunked", help="inventory layouts to measure (single,chunked)")
    parser.add_argument("--selection-database", type=Path, help="measure a selection's PDF on this SQLite portfolio")
    parser.add_argument("--selection", default="kind=child_welfare_home,status=open",
                        help="the selection (site list filters), comma separated")
    parser.add_argument("--selection-child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--inventory-child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        portfolio_child(*args.child)
        return
    if args.inventory_child:
        inventory_child(*args.inventory_child)
        return
    if args.selection_child:
        selection_child(*args.selection_child)
        return
    if args.selection_database:
        with tempfile.TemporaryDirectory() as workdir:
            out = Path(args.keep or workdir)
            out.mkdir(parents=True, exist_ok=True)
            bench_selection(args.selection_database, args.selection, out, args.timeout)
        return
    if args.inventory_spaces:
        with tempfile.TemporaryDirectory() as workdir:
            out = Path(args.keep or workdir)
            out.mkdir(parents=True, exist_ok=True)
            bench_inventory(args.inventory_spaces, args.modes.split(","), out, Path(workdir), args.timeout)
        return
    with tempfile.TemporaryDirectory() as workdir:
        out = Path(args.keep or workdir)
        out.mkdir(parents=True, exist_ok=True)
        database = Path(workdir) / "bench.sqlite3"
        app = make_app(database)
        start = time.perf_counter()
        ids = fill(app, args.buildings)
        print(f"filled {ids['sites']} sites, {ids['buildings']} buildings in {time.perf_counter() - start:.1f} s")
        rows = []
        fact_s, fact_cpu, fact = timed_request(app, f"/buildings/{ids['asnieres']}/fact-sheet.pdf")
        (out / "fact-sheet.pdf").write_bytes(fact)
        rows.append(("fact sheet (Asnières)", fact_s, fact_cpu, 1.0, "", ""))
        inv_s, inv_cpu, inv = timed_request(app, f"/buildings/{ids['big']}/inventory.pdf")
        (out / "inventory.pdf").write_bytes(inv)
        rows.append(("inventory, 7 floors, 200 spaces", inv_s, inv_cpu, 3.0, "", ""))
        child = subprocess.run([sys.executable, __file__, "--child", str(database), str(out / "portfolio.pdf")],
                               capture_output=True, text=True, check=True, env={**os.environ}, timeout=args.timeout)
        seconds, cpu, peak, pages = child.stdout.split()[-4:]
        rows.append((f"portfolio, {ids['buildings']} buildings ({pages} pages)", float(seconds), float(cpu), 90.0,
                     f"{peak} MB", "500 MB"))
        print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
        print(f"{'report':<46} {'time':>8} {'cpu':>8} {'target':>8} {'peak RSS':>10} {'target':>8}  ok")
        for name, seconds, cpu, target, rss, rss_target in rows:
            ok = seconds <= target and (not rss or float(rss.split()[0]) <= float(rss_target.split()[0]))
            print(f"{name:<46} {seconds:>7.2f}s {cpu:>7.2f}s {target:>7.0f}s {rss:>10} {rss_target:>8}  "
                  f"{'yes' if ok else 'NO'}")


if __name__ == "__main__":
    main()
