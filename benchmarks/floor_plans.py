"""Benchmark of the floor plans (issue 17): a floor of 500 drawn rooms (its page and its plan's payload), and the
import of an IFC model of 7 storeys and 300 spaces (preview, then apply: time and peak memory).

Targets (issue 17): page at most 150 ms, payload at most 300 KB; IFC preview at most 15 s, apply at most 5 s more,
memory at most 1 GB. The IFC file is built by code (tests/plans/builders.py); the import runs in a child process
of its own on a temporary SQLite database, so that the peak resident memory is the import's alone.

Run: /work/main/.venv/bin/python benchmarks/floor_plans.py [--rooms 500] [--storeys 7] [--spaces 300] [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import DIRECTOR, PASSWORD, make_app  # noqa: E402


def _schema(app) -> None:
    from facilities.extensions import db

    with app.app_context():
        db.create_all()


def _grid(count: int, width: float = 4.0, depth: float = 3.0, per_row: int = 25):
    """`count` rooms of width × depth in rows of `per_row`, a 1.5 m corridor every two rows."""
    from tests.plans.builders import rectangle

    rooms = []
    for index in range(count):
        row, column = divmod(index, per_row)
        y = row * depth + (row // 2) * 1.5
        rooms.append(rectangle(column * width, y, width, depth))
    return rooms


def bench_floor(rooms: int, runs: int) -> dict:
    """A floor of `rooms` drawn rooms: median and 95th percentile of its page and of GET …/plan, and their sizes."""
    from facilities.auth.services import create_token, create_user
    from facilities.extensions import db
    from facilities.inventory import rules, services
    from facilities.plans import geometry
    from facilities.plans import services as plans

    with tempfile.TemporaryDirectory() as folder:
        app = make_app(f"sqlite:///{folder}/plans.sqlite3")
        _schema(app)
        with app.test_request_context():
            site = services.create_site(rules.clean_site({"code": "BENCH", "name": "Bench", "kind": "social_hub",
                                                          "status": "open"}))
            building = services.create_building(site, rules.clean_building({"code": "BENCH-B", "name": "Bench"}))
            floor = services.create_floor(building, {"level": 0, "name": "RDC", "area_m2": None, "is_public": True})
            types = ["interview_office", "office", "meeting_room", "waiting_area", "medical_cabinet"]
            for index, corners in enumerate(_grid(rooms)):
                space = services.create_space(floor, rules.clean_space({
                    "code": f"0.{index:03d}", "name": f"Bureau {index}", "space_type": types[index % len(types)],
                    "area_m2": "12" if index % 10 else "13", "workstations": index % 5, "is_public": index % 2 == 0}))
                plans.write_space_outline(space, floor, geometry.polygon_from_points(corners))
            create_user(DIRECTOR, "director", PASSWORD)
            _token, raw = create_token(db.session.scalar(db.select(__import__("facilities.auth.models",
                                                                                fromlist=["User"]).User)), "bench")
            floor_id = floor.id
            db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": DIRECTOR, "password": PASSWORD})
        results = {}
        for name, url, headers in (("floor page", f"/floors/{floor_id}", {}),
                                   ("GET /api/v1/floors/<id>/plan", f"/api/v1/floors/{floor_id}/plan",
                                    {"Authorization": f"Bearer {raw}"}),
                                   ("plan.svg export", f"/floors/{floor_id}/plan.svg", {})):
            client.get(url, headers=headers)  # warm
            times, cpu, size = [], [], 0
            for _ in range(runs):
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                size = len(response.get_data())
            times.sort()
            results[name] = {"median_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))],
                             "cpu_ms": statistics.median(cpu), "bytes": size}
        return results


def ifc_child(path: str, database: str) -> None:
    """In a child process: preview then apply the IFC file; print times and peak memory as JSON."""
    from facilities.extensions import db
    from facilities.inventory import rules, services
    from facilities.plans import importer

    app = make_app(f"sqlite:///{database}")
    _schema(app)
    with app.test_request_context():
        site = services.create_site(rules.clean_site({"code": "BENCH", "name": "Bench", "kind": "social_hub",
                                                      "status": "open"}))
        building = services.create_building(site, rules.clean_building({"code": "BENCH-B", "name": "Bench"}))
        db.session.commit()
        before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started, started_cpu = time.perf_counter(), time.process_time()
        preview = importer.import_plans(building, Path(path), "ifc", apply_it=False)
        preview_s, preview_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        db.session.rollback()
        started, started_cpu = time.perf_counter(), time.process_time()
        applied = importer.import_plans(building, Path(path), "ifc", apply_it=True)
        db.session.commit()
        apply_s, apply_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        print(json.dumps({"preview_s": preview_s, "apply_total_s": apply_s, "preview_cpu_s": preview_cpu,
                          "apply_cpu_s": apply_cpu, "ok": preview.ok and applied.ok,
                          "counts": applied.counts, "rss_before_mb": before_kb / 1024,
                          "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def bench_ifc(storeys: int, spaces: int) -> dict:
    from tests.plans.builders import Room, Storey, build_ifc

    per_storey = -(-spaces // storeys)
    names = ["Bureau d'entretien", "Bureau", "Salle de réunion", "Accueil", "Sanitaires", "Rangement"]
    with tempfile.TemporaryDirectory() as folder:
        plan, made = [], 0
        for level in range(storeys):
            rooms = []
            for index, corners in enumerate(_grid(min(per_storey, spaces - made), per_row=10)):
                rooms.append(Room(f"{level}.{index:02d}", f"{names[index % len(names)]} {index}", corners,
                                  net_area_m2=12.0 if index % 3 else None))
            made += len(rooms)
            plan.append(Storey("RDC" if level == 0 else f"R+{level}", level * 3.2, rooms))
        path = Path(folder) / "model.ifc"
        started = time.perf_counter()
        build_ifc(path, plan)
        build_s = time.perf_counter() - started
        output = subprocess.run([sys.executable, __file__, "--ifc-child", str(path), str(Path(folder) / "db.sqlite3")],
                                capture_output=True, text=True, check=True, cwd=ROOT).stdout
        result = json.loads(output.strip().splitlines()[-1])
        result.update(file_mb=path.stat().st_size / 1024 / 1024, build_s=build_s, spaces=made, storeys=storeys)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=500)
    parser.add_argument("--storeys", type=int, default=7)
    parser.add_argument("--spaces", type=int, default=300)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--ifc-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ifc_child:
        ifc_child(*args.ifc_child)
        return
    floor = bench_floor(args.rooms, args.runs)
    print(f"\nA floor of {args.rooms} drawn rooms ({args.runs} requests each, SQLite, Flask test client)")
    print(f"| {'request':<32} | median ms | p95 ms | median CPU ms |   size KB |")
    print(f"|{'-' * 34}|-----------|--------|---------------|-----------|")
    for name, r in floor.items():
        print(f"| {name:<32} | {r['median_ms']:9.1f} | {r['p95_ms']:6.1f} | {r['cpu_ms']:13.1f} | "
              f"{r['bytes'] / 1024:9.1f} |")
    ifc = bench_ifc(args.storeys, args.spaces)
    print(f"\nIFC import: {ifc['storeys']} storeys, {ifc['spaces']} spaces, {ifc['file_mb']:.2f} MB "
          f"(built in {ifc['build_s']:.1f} s), child process on SQLite")
    print("| step                     | wall s | CPU s | peak RSS MB |")
    print("|--------------------------|--------|-------|-------------|")
    print(f"| preview (read + check)   | {ifc['preview_s']:6.2f} | {ifc['preview_cpu_s']:5.2f} | {'':11} |")
    print(f"| apply (read again, write)| {ifc['apply_total_s']:6.2f} | {ifc['apply_cpu_s']:5.2f} | "
          f"{ifc['peak_rss_mb']:11.0f} |")
    print(f"  resident before the import: {ifc['rss_before_mb']:.0f} MB; outcome: {ifc['counts']}, ok={ifc['ok']}")


if __name__ == "__main__":
    main()
