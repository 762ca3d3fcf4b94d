"""Benchmark of the EFAs and the OPERAT export; run: .venv/bin/python benchmarks/bench_efas.py [N,N...]

For each N (default 200 and 2,000 buildings): a throw-away SQLite database with N/2 sites of two office
buildings (600 m² each, so subject through the site total), 8 years of gas and electricity each, one EFA
proposed per building; then the best CPU time of three runs of: proposing the EFAs, the figures of every
EFA, the OPERAT CSV of a year, the declarations still to make, and GET /energy (the dashboard) signed in as a
director, with its SQL statement count. Prints one table.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

PASSWORD = "benchmark-password-1"
YEARS = range(2018, 2026)


def cpu_seconds(fn, repeat: int = 3) -> float:
    """Best process CPU time of `repeat` runs: steadier than wall time on a shared, busy machine."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def build(app, n_buildings: int) -> None:
    """N/2 sites of two 600 m² buildings with 8 years of consumption, inserted in bulk."""
    from sqlalchemy import insert

    from facilities.auth.services import create_user
    from facilities.energy.models import EnergyConsumption
    from facilities.energy.services import ensure_reference_seeded
    from facilities.extensions import db
    from facilities.inventory.models import Building, Site

    db.create_all()
    ensure_reference_seeded()
    create_user("director@bench.example", "director", PASSWORD)
    sites = [{"id": i + 1, "code": f"BS-{i}", "name": f"Site {i}", "kind": "social_hub", "status": "open",
              "communes_served": [], "synthetic": True} for i in range(n_buildings // 2)]
    db.session.execute(insert(Site), sites)
    buildings = [{"id": i + 1, "site_id": i // 2 + 1, "code": f"BB-{i}", "name": f"Bâtiment {i}",
                  "gross_floor_area_m2": 600, "erp_types": [], "with_accommodation": False}
                 for i in range(n_buildings)]
    db.session.execute(insert(Building), buildings)
    rows = [{"building_id": b["id"], "year": year, "carrier": carrier, "kwh": kwh}
            for b in buildings for year in YEARS for carrier, kwh in (("natural_gas", 60000), ("electricity", 20000))]
    db.session.execute(insert(EnergyConsumption), rows)
    db.session.commit()


def main(sizes: list[int]) -> None:
    from facilities import create_app
    from facilities.energy import efas, operat
    from facilities.extensions import db
    from tests.conftest import count_queries

    table = [("buildings", "propose EFAs s", "figures of all EFAs s", "OPERAT CSV s", "to declare s",
              "GET /energy s", "SQL statements")]
    for n in sizes:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.sqlite3"
            app = create_app({"DATABASE_URL": f"sqlite:///{path}", "TESTING": True, "SECRET_KEY": "x",
                              "WTF_CSRF_ENABLED": False})
            with app.app_context():
                build(app, n)
                start = time.process_time()
                efas.propose_efas()
                db.session.commit()
                t_propose = time.process_time() - start
                t_figures = cpu_seconds(lambda: efas.efa_figures(efas.all_efas()))
                t_csv = cpu_seconds(lambda: operat.operat_csv(2025))
                t_pending = cpu_seconds(lambda: operat.pending_declarations())
                db.session.remove()
            client = app.test_client()
            client.post("/login", data={"email": "director@bench.example", "password": PASSWORD})
            t_page = cpu_seconds(lambda client=client: client.get("/energy"))
            with app.app_context():
                with count_queries(db) as statements:
                    client.get("/energy")
            table.append((f"{n:,}", f"{t_propose:.2f}", f"{t_figures:.2f}", f"{t_csv:.2f}", f"{t_pending:.2f}",
                          f"{t_page:.2f}", str(len(statements))))
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print(" | ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    os.environ.setdefault("FACILITIES_ENV", "development")
    main([int(n) for n in (sys.argv[1] if len(sys.argv) > 1 else "200,2000").split(",")])
