"""The retrofit optimiser: which candidate retrofit operations to carry out, and when, so that every building
reaches its Décret tertiaire target at the least total cost within the envelope's yearly caps.

A mixed-integer linear programme solved by HiGHS (through `highspy`, HiGHS's own Python interface):

- x[i, s] ∈ {0, 1}: candidate i starts in year s (at most one start; the works run `duration_years` whole
  years and must end before the target year, so that the target year is a full year of savings; the cost
  is spread evenly over those years, as whole cents);
- s[b, c] ∈ [0, consumption of building b in carrier c]: the savings that count (no carrier below zero);
  s[b, c] <= Σ savings of the chosen candidates of b in c;
- r[b] ∈ {0, 1}: building b reaches its target: Σ weight(c) × s[b, c] >= r[b] × (what b must save);
- each year: Σ cost of the chosen candidates that year <= the money left under the cap.

Three solves, each with its share of the time limit:
1. the most buildings that can reach their target (max Σ r);
2. at that number, the least total cost: the plan;
3. when some buildings that their candidates could bring to target are left out for want of money: every
   such building reaches it and each year's cap may grow (continuous extra money per year, least in total):
   the extra cap per year that would fix them.
A building whose candidates, all of them, cannot bring it to target is unreachable whatever the budget.

Pure Python and numbers: no Flask, no database. Money in integer cents; energy in kWh of final energy per
year; the Décret tertiaire weights (district heating 0.77…) come from the caller's reference rows.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import highspy
import numpy as np

SOLVER = "HiGHS"
REACHED, ALREADY, BUDGET, CANDIDATES = "reached", "already", "budget", "candidates"
# Share of the time limit each solve may use (the third only runs when the plan leaves buildings out).
PHASE_SHARES = (0.4, 0.35, 0.25)
# kWh of float rounding the model forgives on what a building must save; whether the target is reached is
# then decided on the exact (Decimal) figures.
TOLERANCE_KWH = 1e-4


class ProblemError(ValueError):
    """The optimiser's input is not a problem it can solve (a candidate without cost or savings…)."""


@dataclass(frozen=True)
class Candidate:
    """A possible retrofit operation: its building, cost, yearly savings per carrier and timing."""

    id: int
    building_id: int
    cost_cents: int
    savings_kwh: Mapping[str, Decimal]  # kWh of final energy saved per year, by carrier code
    earliest_start: int  # year
    duration_years: int
    label: str = ""


@dataclass(frozen=True)
class BuildingNeed:
    """A building's consumption before the plan (per carrier) and the Décret tertiaire kWh/m² to reach."""

    id: int
    area_m2: Decimal
    consumption_kwh: Mapping[str, Decimal]
    target_kwh_m2: Decimal


@dataclass(frozen=True)
class Problem:
    """What to plan: the years open to works (first_year .. target_year − 1), the money left under each
    year's cap (a year not given has none), the buildings, the candidates and the weight of each carrier."""

    first_year: int
    target_year: int
    available_cents: Mapping[int, int]
    buildings: Sequence[BuildingNeed]
    candidates: Sequence[Candidate]
    weights: Mapping[str, Decimal]
    time_limit_s: float = 8.0

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.target_year))


@dataclass(frozen=True)
class ChosenOperation:
    candidate_id: int
    building_id: int
    label: str
    start_year: int
    end_year: int
    cost_cents: int
    cost_by_year: Mapping[int, int]


@dataclass(frozen=True)
class BuildingOutcome:
    """A building's weighted kWh/m² before the plan, after it (target year), its target and the gap left."""

    building_id: int
    before_kwh_m2: Decimal
    projected_kwh_m2: Decimal
    target_kwh_m2: Decimal
    best_possible_kwh_m2: Decimal  # with every candidate that can end in time, whatever the caps
    status: str  # ALREADY, REACHED, BUDGET (the caps keep it out), CANDIDATES (its candidates fall short)

    @property
    def reached(self) -> bool:
        return self.status in (ALREADY, REACHED)

    @property
    def gap_kwh_m2(self) -> Decimal:
        """What the projection still exceeds the target by (0 when reached)."""
        return max(self.projected_kwh_m2 - self.target_kwh_m2, Decimal(0))


@dataclass(frozen=True)
class SolveStep:
    """One HiGHS solve: what it looked for, how it ended, its optimality gap (0: proven optimal)."""

    name: str
    status: str  # optimal / time_limit / infeasible / …
    seconds: float
    gap: float | None  # relative MIP gap; None without a solution
    objective: float | None


@dataclass(frozen=True)
class Plan:
    chosen: tuple[ChosenOperation, ...]
    cost_by_year: Mapping[int, int]
    available_by_year: Mapping[int, int]
    buildings: tuple[BuildingOutcome, ...]
    extra_cap_by_year: Mapping[int, int]  # cents that would bring the BUDGET buildings to target
    steps: tuple[SolveStep, ...]
    solver: str
    seconds: float
    from_step: str = "least_cost"  # the solve whose answer is the plan

    @property
    def total_cost_cents(self) -> int:
        return sum(op.cost_cents for op in self.chosen)

    @property
    def stopped_at_time_limit(self) -> bool:
        return any(step.status == "time_limit" for step in self.steps)

    @property
    def gap(self) -> float | None:
        """The optimality gap of the solve the plan comes from (the second), 0 when proven optimal."""
        costed = [step for step in self.steps if step.name == self.from_step]
        return costed[0].gap if costed else 0.0

    @property
    def extra_cap_status(self) -> str:
        """none_needed (no building left out by the caps), found, or not_found (the time limit stopped the
        relaxed solve before it found a plan)."""
        if not any(b.status == BUDGET for b in self.buildings):
            return "none_needed"
        return "found" if self.extra_cap_by_year else "not_found"

    @property
    def unreachable(self) -> tuple[BuildingOutcome, ...]:
        return tuple(b for b in self.buildings if not b.reached)


def spread_cents(cost_cents: int, duration_years: int) -> list[int]:
    """A cost spread evenly over whole years, in cents (the odd cents go to the first years)."""
    base, extra = divmod(cost_cents, duration_years)
    return [base + (1 if k < extra else 0) for k in range(duration_years)]


def validate(problem: Problem) -> None:
    """Raise ProblemError naming the first thing the optimiser cannot work with."""
    if problem.target_year <= problem.first_year:
        raise ProblemError(f"no year is left for works before {problem.target_year}")
    if problem.time_limit_s <= 0:
        raise ProblemError("the time limit must be greater than 0")
    ids = set()
    for b in problem.buildings:
        if b.id in ids:
            raise ProblemError(f"building {b.id} is given twice")
        ids.add(b.id)
        if b.area_m2 <= 0:
            raise ProblemError(f"building {b.id} has no floor area")
        if any(kwh < 0 for kwh in b.consumption_kwh.values()):
            raise ProblemError(f"building {b.id} has a negative consumption")
    seen = set()
    for c in problem.candidates:
        if c.id in seen:
            raise ProblemError(f"candidate {c.id} is given twice")
        seen.add(c.id)
        if c.building_id not in ids:
            raise ProblemError(f"candidate {c.id}: building {c.building_id} is not in the problem")
        if c.cost_cents is None or c.cost_cents <= 0:
            raise ProblemError(f"candidate {c.id} has no cost")
        if not any(kwh > 0 for kwh in c.savings_kwh.values()) or any(kwh < 0 for kwh in c.savings_kwh.values()):
            raise ProblemError(f"candidate {c.id} saves no energy")
        if c.duration_years < 1:
            raise ProblemError(f"candidate {c.id} lasts less than a year")
        for carrier in c.savings_kwh:
            if carrier not in problem.weights:
                raise ProblemError(f"candidate {c.id}: no Décret tertiaire weight for {carrier}")
    for year, cents in problem.available_cents.items():
        if cents < 0:
            raise ProblemError(f"the money left in {year} is negative")


# ------------------------------------------------------------------------------------------ the model


@dataclass
class _Model:
    """The MILP's columns and rows, built once and solved with different objectives and bounds."""

    cost: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    rows: list[tuple[float, float, dict[int, float]]] = field(default_factory=list)

    def column(self, lower: float, upper: float, integer: bool = False) -> int:
        self.cost.append(0.0)
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(integer)
        return len(self.cost) - 1

    def row(self, lower: float, upper: float, entries: dict[int, float]) -> int:
        self.rows.append((lower, upper, entries))
        return len(self.rows) - 1

    def solve(self, name: str, objective: dict[int, float], time_limit: float,
              bounds: dict[int, tuple[float, float]] | None = None) -> tuple[SolveStep, np.ndarray | None]:
        """Minimise `objective` (column → coefficient) with HiGHS; (how it ended, the column values)."""
        started = time.perf_counter()
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("time_limit", max(time_limit, 0.05))
        h.setOptionValue("mip_rel_gap", 1e-6)
        h.setOptionValue("mip_abs_gap", 1e-3)
        h.setOptionValue("threads", 1)
        lp = highspy.HighsLp()
        n = len(self.cost)
        lp.num_col_, lp.num_row_ = n, len(self.rows)
        cost = np.zeros(n)
        for col, coef in objective.items():
            cost[col] = coef
        lower, upper = np.array(self.lower), np.array(self.upper)
        for col, (lo, up) in (bounds or {}).items():
            lower[col], upper[col] = lo, up
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lower, upper
        lp.row_lower_ = np.array([r[0] for r in self.rows])
        lp.row_upper_ = np.array([r[1] for r in self.rows])
        starts, index, value = [0], [], []
        for _lo, _up, entries in self.rows:
            index.extend(entries)
            value.extend(entries.values())
            starts.append(len(index))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, len(self.rows)
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(value, dtype=float)
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                           for i in self.integer]
        h.passModel(lp)
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        values = np.array(h.getSolution().col_value) if has_solution else None
        label = {highspy.HighsModelStatus.kOptimal: "optimal", highspy.HighsModelStatus.kTimeLimit: "time_limit",
                 highspy.HighsModelStatus.kInfeasible: "infeasible"}.get(status, h.modelStatusToString(status))
        gap = None
        if has_solution:
            gap = 0.0 if status == highspy.HighsModelStatus.kOptimal else float(info.mip_gap)
            if gap is not None and not math.isfinite(gap):
                gap = None
        objective_value = float(info.objective_function_value) if has_solution else None
        return SolveStep(name, label, time.perf_counter() - started, gap, objective_value), values


def _per_m2(weighted_kwh: Decimal, area_m2: Decimal) -> Decimal:
    return weighted_kwh / area_m2


def _weighted(by_carrier: Mapping[str, Decimal], weights: Mapping[str, Decimal]) -> Decimal:
    return sum((Decimal(kwh) * weights.get(c, Decimal(1)) for c, kwh in by_carrier.items()), Decimal(0))


def _after(building: BuildingNeed, chosen: Sequence[Candidate], weights: Mapping[str, Decimal]) -> Decimal:
    """Weighted kWh/m² of the building once `chosen` save what they expect (no carrier below zero)."""
    saved: dict[str, Decimal] = {}
    for cand in chosen:
        for carrier, kwh in cand.savings_kwh.items():
            saved[carrier] = saved.get(carrier, Decimal(0)) + Decimal(kwh)
    after = {c: max(Decimal(kwh) - saved.get(c, Decimal(0)), Decimal(0))
             for c, kwh in building.consumption_kwh.items()}
    return _per_m2(_weighted(after, weights), building.area_m2)


def optimise(problem: Problem) -> Plan:
    """The least-cost plan that brings the most buildings to target within the caps (see the module)."""
    validate(problem)
    started = time.perf_counter()
    years = problem.years
    last_works_year = problem.target_year - 1
    weights = {c: Decimal(w) for c, w in problem.weights.items()}
    by_building: dict[int, list[Candidate]] = {b.id: [] for b in problem.buildings}
    starts: dict[int, list[int]] = {}
    for cand in problem.candidates:
        first = max(cand.earliest_start, problem.first_year)
        possible = list(range(first, last_works_year - cand.duration_years + 2))
        if possible:
            starts[cand.id] = possible
            by_building[cand.building_id].append(cand)

    # Buildings: already at target, reachable with every candidate, or short whatever the budget.
    before, best, need, status = {}, {}, {}, {}
    for b in problem.buildings:
        before[b.id] = _per_m2(_weighted(b.consumption_kwh, weights), b.area_m2)
        best[b.id] = _after(b, by_building[b.id], weights)
        if before[b.id] <= b.target_kwh_m2:
            status[b.id] = ALREADY
        elif best[b.id] > b.target_kwh_m2:
            status[b.id] = CANDIDATES
        else:
            need[b.id] = (before[b.id] - b.target_kwh_m2) * b.area_m2
    open_buildings = [b for b in problem.buildings if b.id in need]

    model = _Model()
    x: dict[tuple[int, int], int] = {}
    cost_of: dict[int, float] = {}
    year_rows = {year: {} for year in years}
    for b in open_buildings:
        for cand in by_building[b.id]:
            parts = spread_cents(cand.cost_cents, cand.duration_years)
            cost_of[cand.id] = cand.cost_cents / 100
            for s in starts[cand.id]:
                col = x[cand.id, s] = model.column(0, 1, integer=True)
                for k, cents in enumerate(parts):
                    year_rows[s + k][col] = cents / 100
            model.row(-highspy.kHighsInf, 1, {x[cand.id, s]: 1.0 for s in starts[cand.id]})
    r: dict[int, int] = {}
    for b in open_buildings:
        r[b.id] = model.column(0, 1, integer=True)
        reach = {r[b.id]: -(float(need[b.id]) - TOLERANCE_KWH)}
        carriers = sorted({c for cand in by_building[b.id] for c in cand.savings_kwh})
        for carrier in carriers:
            s_col = model.column(0, float(b.consumption_kwh.get(carrier, 0)))
            entries = {s_col: 1.0}
            for cand in by_building[b.id]:
                kwh = float(cand.savings_kwh.get(carrier, 0))
                if kwh:
                    for s in starts[cand.id]:
                        entries[x[cand.id, s]] = -kwh
            model.row(-highspy.kHighsInf, 0, entries)
            reach[s_col] = float(weights[carrier])
        model.row(0, highspy.kHighsInf, reach)
    cap_rows = {year: model.row(-highspy.kHighsInf, problem.available_cents.get(year, 0) / 100, entries)
                for year, entries in year_rows.items()}

    steps: list[SolveStep] = []
    chosen_cols: set[int] = set()
    extra: dict[int, int] = {}
    from_step = "least_cost"
    limit = problem.time_limit_s
    if open_buildings:
        most, values = model.solve("most_buildings", {col: -1.0 for col in r.values()}, limit * PHASE_SHARES[0])
        steps.append(most)
        reached = round(-most.objective) if most.objective is not None else 0
        count_row = model.row(reached - 0.5, highspy.kHighsInf, {col: 1.0 for col in r.values()})
        remaining = limit - (time.perf_counter() - started)
        if reached == len(open_buildings):  # no third solve: the second may take all the time left
            remaining /= PHASE_SHARES[1] / (PHASE_SHARES[1] + PHASE_SHARES[2])
        # On a tie, the earlier start (a hundred-millionth of the cost per year later).
        costs = {col: cost_of[cand_id] * (1 + 1e-8 * (s - problem.first_year)) for (cand_id, s), col in x.items()}
        cheapest, values = model.solve("least_cost", costs,
                                       remaining * PHASE_SHARES[1] / (PHASE_SHARES[1] + PHASE_SHARES[2]))
        steps.append(cheapest)
        model.rows.pop(count_row)
        if values is not None:
            chosen_cols = {col for col in x.values() if values[col] > 0.5}
            left_out = [b.id for b in open_buildings if values[r[b.id]] < 0.5]
        else:
            left_out = [b.id for b in open_buildings]
        if left_out:
            extra, relaxed = _extra_caps(model, x, r, cost_of, cap_rows, steps, limit - (time.perf_counter() - started))
            if relaxed is not None and not extra:
                # Every building fits without extra money: the first solve stopped short of proving it (time
                # limit). The relaxed plan reaches more buildings within the caps: it is the plan.
                chosen_cols = {col for col in x.values() if relaxed[col] > 0.5}
                from_step = "extra_caps"

    chosen = []
    chosen_by_building: dict[int, list[Candidate]] = {}
    candidates = {c.id: c for c in problem.candidates}
    for (cand_id, s), col in sorted(x.items()):
        if col in chosen_cols:
            cand = candidates[cand_id]
            parts = spread_cents(cand.cost_cents, cand.duration_years)
            chosen.append(ChosenOperation(cand.id, cand.building_id, cand.label, s, s + cand.duration_years - 1,
                                          cand.cost_cents, {s + k: cents for k, cents in enumerate(parts)}))
            chosen_by_building.setdefault(cand.building_id, []).append(cand)
    cost_by_year = {year: 0 for year in years}
    for op in chosen:
        for year, cents in op.cost_by_year.items():
            cost_by_year[year] += cents
    outcomes = []
    for b in problem.buildings:
        projected = _after(b, chosen_by_building.get(b.id, []), weights)
        if b.id in need:
            status[b.id] = REACHED if projected <= b.target_kwh_m2 else BUDGET
        outcomes.append(BuildingOutcome(b.id, before[b.id], projected, b.target_kwh_m2, best[b.id], status[b.id]))
    return Plan(tuple(chosen), cost_by_year, {y: problem.available_cents.get(y, 0) for y in years},
                tuple(outcomes), extra, tuple(steps), f"{SOLVER} {highspy.Highs().version()}",
                time.perf_counter() - started, from_step)


def _extra_caps(model: _Model, x, r, cost_of, cap_rows, steps, time_limit) -> tuple[dict[int, int], np.ndarray | None]:
    """The least extra money per year that lets every building its candidates can bring to target reach it
    (the relaxed re-solve): ({year: cents}, rounded up to the euro; the column values, None without a solution)."""
    extra_cols = {}
    for year, row in cap_rows.items():
        col = extra_cols[year] = model.column(0, highspy.kHighsInf)
        model.rows[row][2][col] = -1.0
    # Extra money first; the works' cost breaks ties (a thousandth of its weight).
    objective = {col: 1.0 for col in extra_cols.values()}
    objective.update({x[key]: cost_of[key[0]] * 1e-3 for key in x})
    step, values = model.solve("extra_caps", objective, time_limit, {col: (1, 1) for col in r.values()})
    steps.append(step)
    if values is None:
        return {}, None
    return ({year: math.ceil(values[col] - 1e-6) * 100 for year, col in extra_cols.items() if values[col] > 1e-6},
            values)
