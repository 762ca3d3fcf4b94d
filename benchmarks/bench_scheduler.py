"""Benchmark of the works scheduler (facilities.works.scheduling) on a seeded random programme.

30 envelopes, 2,000 operations in all, over 10 years (2025–2034); ~20 % fixed, half phase-based;
caps set below the demand of the early years so that shifts are needed. Target: propose_schedule for
all envelopes in at most 2 s.

Run: /work/main/.venv/bin/python benchmarks/bench_scheduler.py [--seed N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from facilities.formatting import format_money  # noqa: E402
from facilities.works.scheduling.checks import check_programme  # noqa: E402
from facilities.works.scheduling.months import add_months  # noqa: E402
from facilities.works.scheduling.plans import OperationPlan, Phase, ProgrammePlan  # noqa: E402
from facilities.works.scheduling.proposal import propose_schedule  # noqa: E402

FIRST_YEAR, YEARS = 2025, 10
N_ENVELOPES, N_OPERATIONS = 30, 2_000
RUNS = 5
TARGET_S = 2.0

# (code, share in basis points, share of the duration) — a typical loi MOP sequence.
PHASE_TEMPLATE = [
    ("DIAG", 300, 1),
    ("APS", 400, 1),
    ("APD", 500, 1),
    ("PRO", 800, 2),
    ("ACT", 200, 1),
    ("DET", 7500, 8),
    ("AOR", 300, 1),
]


def _phases(start: date, months: int) -> tuple[Phase, ...]:
    """Consecutive phases: one month each, plus the remaining months split by the template's weights."""
    n = len(PHASE_TEMPLATE)
    total_w = sum(w for _, _, w in PHASE_TEMPLATE)
    extra, cum_w, prev_cut, offset, out = months - n, 0, 0, 0, []
    for code, bp, w in PHASE_TEMPLATE:
        cum_w += w
        cut = extra * cum_w // total_w
        length = 1 + cut - prev_cut
        prev_cut = cut
        p_start = add_months(start, offset)
        out.append(Phase(code, p_start, add_months(p_start, length - 1).replace(day=28), bp))
        offset += length
    assert offset == months
    return tuple(out)


def build(seed: int) -> list[ProgrammePlan]:
    rng = random.Random(seed)
    counts = [N_OPERATIONS // N_ENVELOPES] * N_ENVELOPES
    for i in range(N_OPERATIONS - sum(counts)):
        counts[i] += 1
    programmes = []
    op_id = 0
    for env in range(N_ENVELOPES):
        ops = []
        for _ in range(counts[env]):
            op_id += 1
            months = rng.randint(8, 48)
            start = date(FIRST_YEAR + rng.randint(0, 4), rng.randint(1, 12), 1)
            ap = rng.randint(50_000, 5_000_000) * 100
            phased = rng.random() < 0.5 and months >= len(PHASE_TEMPLATE)
            ops.append(
                OperationPlan(
                    op_id,
                    f"op {op_id}",
                    ap,
                    start,
                    months,
                    priority=rng.randint(1, 5),
                    fixed=rng.random() < 0.2,
                    phases=_phases(start, months) if phased else None,
                )
            )
        # Caps: 0 % to 60 % more than the total asked, spread evenly over the 10 years, while the
        # operations start in the first 5 years → the early years overflow and operations must move;
        # the envelopes with little slack stay infeasible.
        total = sum(o.ap_cents for o in ops)
        slack = 100 + 60 * env // (N_ENVELOPES - 1)
        caps = {FIRST_YEAR + i: total * slack // 100 // YEARS for i in range(YEARS)}
        programmes.append(ProgrammePlan(caps, tuple(ops), f"envelope {env + 1}", env + 1))
    return programmes


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    programmes = build(args.seed)
    horizon = FIRST_YEAR + YEARS - 1

    def schedule_all():
        return [propose_schedule(p.caps_by_year, p.operations, horizon_end_year=horizon) for p in programmes]

    def check_all():
        return [check_programme(p.caps_by_year, p.operations) for p in programmes]

    sched_times, check_times = [], []
    proposals = checks = None
    for _ in range(RUNS):
        t, proposals = timed(schedule_all)
        sched_times.append(t)
        t, checks = timed(check_all)
        check_times.append(t)

    n_ops = sum(len(p.operations) for p in programmes)
    n_fixed = sum(o.fixed for p in programmes for o in p.operations)
    n_phased = sum(o.phases is not None for p in programmes for o in p.operations)
    overflowing = sum(1 for c in checks if c.overflow_by_year)
    shifted = sum(pr.shifted_count for pr in proposals)
    max_shift = max(o.shifted_months for pr in proposals for o in pr.operations)
    feasible = sum(pr.feasible for pr in proposals)
    unplaced = sum(len(pr.unplaced) for pr in proposals)
    shortfall = sum(sum(pr.shortfall_by_year.values()) for pr in proposals)
    med = statistics.median(sched_times)

    rows = [
        ("seed", str(args.seed)),
        ("envelopes", str(len(programmes))),
        ("operations (fixed / phase-based)", f"{n_ops} ({n_fixed} / {n_phased})"),
        ("years", f"{FIRST_YEAR}–{horizon}"),
        ("check_programme, all envelopes (median of 5)", f"{statistics.median(check_times) * 1000:.1f} ms"),
        ("envelopes overflowing as planned", f"{overflowing} / {len(programmes)}"),
        ("propose_schedule, all envelopes (median of 5)", f"{med * 1000:.1f} ms"),
        (
            "propose_schedule runs (min / max)",
            f"{min(sched_times) * 1000:.1f} / {max(sched_times) * 1000:.1f} ms",
        ),
        ("operations shifted", f"{shifted} (max shift {max_shift} months)"),
        ("envelopes feasible", f"{feasible} / {len(programmes)}"),
        ("operations unplaced", str(unplaced)),
        ("total shortfall", format_money(shortfall, "en")),
        ("target (≤ 2 s)", "met" if med <= TARGET_S else "MISSED"),
    ]
    width = max(len(k) for k, _ in rows)
    vwidth = max(len(v) for _, v in rows)
    print(f"| {'metric'.ljust(width)} | {'value'.ljust(vwidth)} |")
    print(f"|{'-' * (width + 2)}|{'-' * (vwidth + 2)}|")
    for k, v in rows:
        print(f"| {k.ljust(width)} | {v.ljust(vwidth)} |")
    return 0 if med <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
