"""Benchmark of the retrofit optimiser (facilities.works.retrofit_solver, HiGHS) on seeded random portfolios.

300 buildings, 500 candidate operations, 8 years of works (2022–2029, target 2030); each building needs
to save 0–40 % of its weighted consumption, with one to three candidates of one to three years saving
10–45 % each on one or two carriers. Three budgets: loose caps (everything reachable), tight caps (money is
short: some buildings are left out, the extra caps are computed) and very tight caps. Target: an answer
in at most 10 s (the optimiser's time limit is 7 s, the API's default; when it stops there it says so, with its gap).

The same portfolio is then stored in a fresh SQLite database (300 buildings with a reference year 2019 and a
latest year 2025, the candidates of an envelope capped from 2022 to 2029) and the plan is asked through the
API, POST /api/v1/envelopes/<id>/retrofit-plan: the answer's time includes loading the records, the targets
and the caps, solving and the JSON.

Run: /work/main/.venv/bin/python benchmarks/retrofit_plan.py [--seed N] [--time-limit S] [--no-api]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from facilities.works.retrofit_solver import (  # noqa: E402
    BUDGET,
    CANDIDATES,
    BuildingNeed,
    Candidate,
    Problem,
    optimise,
)

N_BUILDINGS, N_CANDIDATES = 300, 500
FIRST_YEAR, TARGET_YEAR = 2022, 2030
TARGET_S = 10.0
CARRIERS = ("electricity", "natural_gas", "district_heating", "fuel_oil")
# Illustrative weights of the benchmark (the application reads them from its reference rows).
WEIGHTS = {"electricity": Decimal(1), "natural_gas": Decimal(1), "district_heating": Decimal("0.77"),
           "fuel_oil": Decimal(1)}


def portfolio(seed: int) -> tuple[list[BuildingNeed], list[Candidate], int]:
    """Buildings, candidates and the total cost of all candidates."""
    rng = random.Random(seed)
    buildings = []
    for b in range(1, N_BUILDINGS + 1):
        area = Decimal(rng.randrange(1000, 12000))
        carriers = rng.sample(CARRIERS, rng.choice((1, 2)))
        kwh = {c: Decimal(int(area * rng.randrange(60, 260))) for c in carriers}
        weighted = sum(kwh[c] * WEIGHTS[c] for c in carriers) / area
        target = (weighted * Decimal(1 - rng.uniform(0, 0.40))).quantize(Decimal("0.01"))
        buildings.append(BuildingNeed(b, area, kwh, target))
    candidates = []
    for i in range(1, N_CANDIDATES + 1):
        b = buildings[(i - 1) % N_BUILDINGS] if i <= N_BUILDINGS else rng.choice(buildings)
        carriers = rng.sample(sorted(b.consumption_kwh), rng.choice((1, len(b.consumption_kwh))))
        savings = {c: Decimal(int(b.consumption_kwh[c] * Decimal(rng.uniform(0.10, 0.45)))) + 1 for c in carriers}
        cost = int(sum(savings.values()) * rng.randrange(80, 300))  # cents: 0.8–3 € per kWh saved a year
        candidates.append(Candidate(i, b.id, cost, savings, rng.randrange(FIRST_YEAR, TARGET_YEAR - 1),
                                    rng.choice((1, 1, 2, 3)), f"candidate {i}"))
    return buildings, candidates, sum(c.cost_cents for c in candidates)


def run(seed: int, budget_share: float, time_limit: float) -> dict:
    buildings, candidates, total = portfolio(seed)
    years = TARGET_YEAR - FIRST_YEAR
    caps = {FIRST_YEAR + k: int(total * budget_share / years) for k in range(years)}
    problem = Problem(FIRST_YEAR, TARGET_YEAR, caps, buildings, candidates, WEIGHTS, time_limit)
    started = time.perf_counter()
    plan = optimise(problem)
    seconds = time.perf_counter() - started
    return {"plan": plan, "seconds": seconds, "caps": caps}


def through_api(seed: int, budget_share: float, time_limit: float) -> tuple[float, dict]:
    """Store the portfolio in a fresh SQLite database and ask the plan through the API: (seconds, answer).

    The buildings' consumption is set so that the targets are those of the pure run: 2019 (the reference)
    at target / 0.6 kWh/m² of the first carrier, 2025 at the pure run's consumption."""
    from benchmarks.common import make_app
    from facilities.auth.services import create_token, create_user
    from facilities.energy.models import EnergyConsumption
    from facilities.energy.services import ensure_reference_seeded
    from facilities.extensions import db
    from facilities.inventory.models import Building, Site
    from facilities.works import rules, services
    from facilities.works.retrofit_models import RetrofitCandidate, RetrofitCandidateSaving

    buildings, candidates, total = portfolio(seed)
    years = TARGET_YEAR - FIRST_YEAR
    folder = tempfile.mkdtemp(prefix="retrofit-bench-")
    app = make_app(f"sqlite:///{folder}/bench.db")
    with app.app_context():
        db.create_all()
        ensure_reference_seeded()
        site = Site(code="BENCH", name="Benchmark", kind="social_hub", status="open", communes_served=[])
        db.session.add(site)
        rows = {}
        for b in buildings:
            rows[b.id] = Building(site=site, code=f"B{b.id:04d}", name=f"Building {b.id}", gross_floor_area_m2=b.area_m2)
        db.session.add_all(rows.values())
        db.session.flush()
        for b in buildings:
            bid = rows[b.id].id
            first = sorted(b.consumption_kwh)[0]
            weighted_others = sum(kwh * WEIGHTS[c] for c, kwh in b.consumption_kwh.items() if c != first)
            reference = (b.target_kwh_m2 / Decimal("0.6") * b.area_m2 - weighted_others) / WEIGHTS[first]
            for c, kwh in b.consumption_kwh.items():
                db.session.add(EnergyConsumption(building_id=bid, year=2025, carrier=c, kwh=kwh))
                db.session.add(EnergyConsumption(building_id=bid, year=2019, carrier=c,
                                                 kwh=int(reference) if c == first else kwh))
        caps = {str(FIRST_YEAR + k): str(int(total * budget_share / years) // 100) for k in range(years)}
        envelope = services.create_envelope(rules.clean_envelope({"label": "Benchmark", "caps": caps}))
        for c in candidates:
            row = RetrofitCandidate(envelope_id=envelope.id, building_id=rows[c.building_id].id, label=c.label,
                                    cost_cents=c.cost_cents, earliest_start_year=c.earliest_start,
                                    duration_years=c.duration_years)
            row.savings = [RetrofitCandidateSaving(carrier=k, kwh_per_year=int(v)) for k, v in c.savings_kwh.items()]
            db.session.add(row)
        user = create_user("director@bench.example", "director", "benchmark-password-1")
        _token, raw = create_token(user, "bench")
        envelope_id = envelope.id
        db.session.commit()
    client = app.test_client()
    started = time.perf_counter()
    response = client.post(f"/api/v1/envelopes/{envelope_id}/retrofit-plan",
                           json={"first_year": FIRST_YEAR, "time_limit_s": time_limit},
                           headers={"Authorization": f"Bearer {raw}"})
    seconds = time.perf_counter() - started
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return seconds, response.get_json()


def euros(cents: int) -> str:
    return f"{cents / 100:,.0f} €".replace(",", " ")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--time-limit", type=float, default=7.0)
    parser.add_argument("--no-api", action="store_true", help="the pure solver only")
    args = parser.parse_args()
    print(f"retrofit optimiser: {N_BUILDINGS} buildings, {N_CANDIDATES} candidates, "
          f"{TARGET_YEAR - FIRST_YEAR} years ({FIRST_YEAR}–{TARGET_YEAR - 1}), seed {args.seed}, "
          f"time limit {args.time_limit:g} s")
    header = ("budget (share of all candidates)", "seconds", "solves (status, s, gap)", "chosen", "cost",
              "reached", "short: budget", "short: candidates", "extra caps")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    worst = 0.0
    for share in (1.0, 0.5, 0.25):
        result = run(args.seed, share, args.time_limit)
        plan, seconds = result["plan"], result["seconds"]
        worst = max(worst, seconds)
        steps = "; ".join(f"{s.name} {s.status} {s.seconds:.2f} s gap {s.gap if s.gap is not None else '—'}"
                          for s in plan.steps)
        reached = sum(1 for b in plan.buildings if b.reached)
        budget = sum(1 for b in plan.buildings if b.status == BUDGET)
        short = sum(1 for b in plan.buildings if b.status == CANDIDATES)
        extra = euros(sum(plan.extra_cap_by_year.values())) + (
            f" over {len(plan.extra_cap_by_year)} years" if plan.extra_cap_by_year else "")
        print(" | ".join((f"{share:.0%}", f"{seconds:.2f}", steps, str(len(plan.chosen)),
                          euros(plan.total_cost_cents), str(reached), str(budget), str(short), extra)))
    if not args.no_api:
        print()
        print("through the API (SQLite, real app) | seconds | status | gap | operations | cost | unreachable | "
              "buildings planned")
        print("--- | --- | --- | --- | --- | --- | --- | ---")
        for share in (1.0, 0.25):
            seconds, answer = through_api(args.seed, share, args.time_limit)
            worst = max(worst, seconds)
            print(" | ".join((f"budget {share:.0%}", f"{seconds:.2f}", answer["status"], str(answer["gap"]),
                              str(len(answer["operations"])), answer["total_cost_eur"] + " €",
                              str(len(answer["unreachable"])), str(len(answer["buildings"])))))
    verdict = "OK" if worst <= TARGET_S else "TOO SLOW"
    print(f"slowest answer {worst:.2f} s (target <= {TARGET_S:g} s): {verdict}")
    return 0 if worst <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
