"""Benchmark of inventory imports against hostile and large files: time and peak memory of a dry run.

Each file is imported (dry run, nothing written) in a child process of its own on a temporary SQLite database, so
that the peak resident memory (resource.getrusage) is that import's alone; the table gives the wall-clock and CPU
time, the child's resident memory before the import, its peak, and what the import answered.

- dimension bomb: 6.7 kB, every sheet claiming A1:XFD1048576 and reaching it with an empty cell (issue 12: past
  gunicorn's 60 s timeout);
- shared-string bomb: 1.5 MB holding one 1.5 GB string (issue 12: +2.9 GB);
- CSV of 20 MB: 260,000 valid spaces (issue 12: 50 s and 2.8 GB);
- workbooks of 30,000 and 300,000 spaces: run as a background job, as the import page does above IMPORT_INLINE_ROWS
  (issue 12: could not finish within the production timeout).

Targets: the bombs are refused or read in under a second and 50 MB; the CSV and the workbook grow memory in
proportion to their rows (the table prints kB per row).

Issue 20 point 6 (batch work in constant memory), on a portfolio of N synthetic sites (`demo synth`: one building,
about 48 spaces a site), each in a child process of its own:
- export-csv, export-xlsx: `flask inventory export` of the whole inventory (targets at 100,000 sites: 3 min, 500 MB);
- reimport: the dry run of that CSV export read back (every line unchanged; targets: 10 min, 500 MB).

Run: /work/main/.venv/bin/python benchmarks/bench_imports.py [--spaces 30000,300000] [--only csv,workbook] [--keep DIR]
     /work/main/.venv/bin/python benchmarks/bench_imports.py --sites 10000 [--database sqlite:///p.sqlite3]
         [--only export-csv,export-xlsx,reimport]   (--database reuses a portfolio built before)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCENARIOS = ("dimension", "shared-string", "csv", "workbook")
PORTFOLIO_SCENARIOS = ("export-csv", "export-xlsx", "reimport")
CSV_SPACES = 260_000  # 20 MB of CSV


def build(scenario: str, folder: Path, spaces: int) -> Path:
    """The file of a scenario, built by code (tests/bulk/attack_files.py)."""
    from tests.bulk import attack_files as attack

    if scenario == "dimension":
        data, name = attack.dimension_bomb(), "dimension.xlsx"
    elif scenario == "shared-string":
        data, name = attack.shared_string_bomb(1500 * 1024 * 1024), "shared-string.xlsx"
    elif scenario == "csv":
        data, name = attack.csv_file(attack.space_rows(CSV_SPACES)), "spaces.csv"
    else:
        data, name = attack.workbook(attack.space_rows(spaces), write_only=True), f"spaces-{spaces}.xlsx"
    path = folder / name
    path.write_bytes(data)
    return path


def rss_kb(field: str = "VmRSS") -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def peak_kb() -> int:
    """This process's peak resident memory since it started its program: VmHWM belongs to the memory map that
    execve makes afresh, whereas getrusage's ru_maxrss keeps what the parent had resident when it forked (a
    parent that built a portfolio of 100,000 sites lent its 548 MB to every child)."""
    return rss_kb("VmHWM")


def child(path: Path, as_job: bool) -> None:
    """Import `path` as a dry run in this process and print what it cost, as JSON."""
    from flask_babel import force_locale

    from facilities import create_app
    from facilities.extensions import db

    folder = path.parent
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}", "SECRET_KEY": "bench",
                      "TESTING": True, "JOBS_FOLDER": str(folder / "results"), "JOB_LOCAL_WORKER": False})
    app.instance_path = str(folder / "instance")
    with app.app_context(), force_locale("en"):
        db.drop_all()
        db.create_all()
        db.session.commit()
        fmt = path.suffix.lstrip(".")
        base = rss_kb()
        started, cpu = time.perf_counter(), time.process_time()
        if as_job:
            outcome = run_as_job(app, path, fmt)
        else:
            from facilities.inventory import bulk

            report = bulk.import_file(path, fmt, apply=False)
            outcome = report.file_error or " · ".join(f"{n} {k}" for k, n in report.counts.items() if n)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = peak_kb()
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "base_mb": base / 1024, "peak_mb": peak / 1024,
                      "outcome": outcome}))


def run_as_job(app, path: Path, fmt: str) -> str:
    """The dry run as the import page starts it for a large file: a background job, run here to its end."""
    from facilities.auth.services import create_user
    from facilities.extensions import db
    from facilities.inventory import bulk_jobs, bulk_uploads
    from facilities.jobs import queue

    user = create_user("manager@bench.example", "facilities_manager", "benchmark-password-1")
    with path.open("rb") as stream:
        name, _kept = bulk_uploads.keep(stream, fmt, user.id)
    job = bulk_jobs.start(user, name, fmt, path.name, apply=False, can_edit_sites=True, can_edit_buildings=True,
                          locale="en")
    db.session.commit()
    queue.run_next(app, job.id)
    db.session.expire_all()
    job = db.session.get(type(job), job.id)
    return f"job {job.status}: {job.message}"


def portfolio_child(scenario: str, database_url: str, path: Path) -> None:
    """Export the portfolio of `database_url` to `path`, or dry-run the import of `path`, in this process."""
    from flask_babel import force_locale

    from benchmarks.common import make_app
    from facilities.extensions import db

    app = make_app(database_url)
    # An export of 10,000 sites holds 535,000 records (54 MB of CSV): past the default limits (IMPORT_MAX_ROWS,
    # IMPORT_MAX_BYTES), which an operator raises for such files.
    app.config.update(IMPORT_MAX_ROWS=20_000_000, IMPORT_MAX_BYTES=4096 * 1024 * 1024)
    with app.app_context(), force_locale("en"):
        db.session.execute(db.select(1))  # connected before the base is read
        base = rss_kb()
        started, cpu = time.perf_counter(), time.process_time()
        if scenario.startswith("export"):
            from facilities.inventory.bulk_export import write_export

            with path.open("wb") as out:
                write_export(scenario.split("-")[1], out)
            outcome = f"{path.stat().st_size / 1024 / 1024:,.0f} MB written"
        else:
            from facilities.inventory import bulk

            report = bulk.import_file(path, path.suffix.lstrip("."), apply=False)
            outcome = report.file_error or " · ".join(f"{n} {k}" for k, n in report.counts.items() if n)
            db.session.rollback()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "base_mb": base / 1024, "peak_mb": peak_kb() / 1024,
                      "outcome": outcome}))


def portfolio_main(args) -> None:
    """Build (or reuse) a portfolio of `args.sites` synthetic sites and measure its export and re-import."""
    from benchmarks.common import build_portfolio, make_app

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = args.database or f"sqlite:///{folder / f'portfolio-{args.sites}.sqlite3'}"
    print(f"load average {os.getloadavg()[0]:.1f}; files in {folder}; database {url}", flush=True)
    if not args.database:
        started = time.perf_counter()
        created = build_portfolio(make_app(url), args.sites)
        print(f"built {created} in {time.perf_counter() - started:.0f} s", flush=True)
    lines = ["| sites | step | wall s | CPU s | RSS before MB | peak RSS MB | outcome |",
             "| ---: | --- | ---: | ---: | ---: | ---: | --- |"]
    for scenario in args.only.split(","):
        path = folder / ("inventory.xlsx" if scenario == "export-xlsx" else "inventory.csv")
        command = [sys.executable, __file__, "--portfolio-child", scenario, "--database", url, str(path)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)})
            result = json.loads(done.stdout.strip().splitlines()[-1]) if not done.returncode else {
                "outcome": f"failed: {done.stderr.strip().splitlines()[-1][:120] if done.stderr else done.returncode}"}
        except subprocess.TimeoutExpired:
            result = {"outcome": f"killed after {args.timeout:.0f} s"}
        figures = [f"{result[key]:.1f}" if key in result else "" for key in ("seconds", "cpu", "base_mb", "peak_mb")]
        lines.append(f"| {args.sites:,} | {scenario} | " + " | ".join(figures) + f" | {result['outcome'][:90]} |")
        print(lines[-1], flush=True)
    print("\n" + "\n".join(lines))


def measure(path: Path, as_job: bool, timeout: float) -> dict:
    command = [sys.executable, __file__, "--child", str(path)] + (["--job"] if as_job else [])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired:
        return {"outcome": f"killed after {timeout:.0f} s"}
    if done.returncode:
        return {"outcome": f"failed: {done.stderr.strip().splitlines()[-1][:120] if done.stderr else done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def rows_of(scenario: str, spaces: int) -> int:
    return {"csv": CSV_SPACES + 1 + CSV_SPACES // 1000 * 11, "workbook": spaces + 1 + spaces // 1000 * 11}.get(scenario, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spaces", default="30000,300000", help="workbook sizes (spaces), comma separated")
    parser.add_argument("--only", help=f"scenarios (default {','.join(SCENARIOS)}; with --sites "
                        f"{','.join(PORTFOLIO_SCENARIOS)})")
    parser.add_argument("--sites", type=int, help="measure the export and re-import of N synthetic sites")
    parser.add_argument("--database", help="with --sites: reuse this database (SQLAlchemy URL) instead of building")
    parser.add_argument("--portfolio-child", help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="build the files in this folder and keep them")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("path", type=Path, nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--job", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.portfolio_child:
        portfolio_child(args.portfolio_child, args.database, args.path)
        return
    if args.child:
        child(args.child, args.job)
        return
    if args.sites:
        args.only = args.only or ",".join(PORTFOLIO_SCENARIOS)
        portfolio_main(args)
        return
    args.only = args.only or ",".join(SCENARIOS)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-imports-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"load average {os.getloadavg()[0]:.1f}; files in {folder}", flush=True)
    lines = ["| file | size | wall s | CPU s | RSS before MB | peak RSS MB | kB per row | outcome |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    runs = [(scenario, int(spaces)) for scenario in args.only.split(",")
            for spaces in (args.spaces.split(",") if scenario == "workbook" else ["0"])]
    for scenario, spaces in runs:
        path = build(scenario, folder, spaces)
        result = measure(path, as_job=scenario == "workbook", timeout=args.timeout)
        size = path.stat().st_size
        rows = rows_of(scenario, spaces)
        growth = result.get("peak_mb", 0) - result.get("base_mb", 0)
        per_row = f"{growth * 1024 / rows:.1f}" if rows and "peak_mb" in result else ""
        figures = [f"{result[key]:.1f}" if key in result else "" for key in ("seconds", "cpu", "base_mb", "peak_mb")]
        lines.append(f"| {scenario} ({path.name}) | {size / 1024:,.0f} kB | " + " | ".join(figures)
                     + f" | {per_row} | {result['outcome'][:90]} |")
        print(lines[-1], flush=True)
    print("\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
