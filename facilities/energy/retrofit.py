"""The retrofit plan of an envelope: the energy area knows each building's Décret tertiaire target, the works
area its candidates, caps and operations; here they meet (energy sits above works) and the works' optimiser
(`facilities.works.retrofit_solver`, HiGHS) chooses and schedules the candidates.

A building's starting point is its latest recorded year, per carrier, less the expected savings of the works
already programmed on it that the latest year does not show yet (received after it, or not received yet and
ending before the target year); its target is the Décret tertiaire value for the target year (Créf × (1 − the
reduction of that year's row), or the absolute Cabs when that is higher), on its latest year's area. The money
of a year is the envelope's cap less the CP its operations already take. Figures are estimates, like the
projection after works (no climate adjustment).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from facilities import years
from facilities.energy.completeness import year_completeness
from facilities.energy.decimals import DISPLAY_PLACES, round_for_display
from facilities.energy.projection import (
    ALREADY_REFLECTED,
    PLANNED,
    RetrofitOperation,
    reception_year,
    role_of,
)
from facilities.energy.reference import MissingReferenceError, ReferenceData
from facilities.energy.services import BuildingEnergy, load_building_energy, reference_data
from facilities.energy.tertiaire import ReferenceYearError, choose_reference_year, trajectory
from facilities.energy.year_indicators import compute_year
from facilities.extensions import db
from facilities.money import money_json
from facilities.timeutil import paris_today
from facilities.validation import Rule, ValidationError, clean, year_rule
from facilities.works import retrofit as candidates_area
from facilities.works import services as works_services
from facilities.works import views as works_views
from facilities.works.models import Envelope, Operation
from facilities.works.retrofit_models import RetrofitCandidate
from facilities.works.retrofit_solver import (
    ALREADY,
    BUDGET,
    CANDIDATES,
    REACHED,
    BuildingNeed,
    Candidate,
    Plan,
    Problem,
    ProblemError,
    optimise,
)
from facilities.works.scheduling.months import add_months

DEFAULT_TARGET_YEAR = 2030
DEFAULT_TIME_LIMIT_S = 7.0  # the plan answers within 10 s, even on a loaded machine (benchmarks/retrofit_plan.py)
MAX_TIME_LIMIT_S = 9.0

# Why a building with candidates has no target to plan for.
NO_CONSUMPTION, NOT_SUBJECT, NO_REFERENCE, NO_TARGET = "no_consumption", "not_subject", "no_reference", "no_target"
REASON_LABELS = {
    NO_CONSUMPTION: _l("No consumption recorded"),
    NOT_SUBJECT: _l("Not subject to the Décret tertiaire"),
    NO_REFERENCE: _l("No reference year"),
    NO_TARGET: _l("No target for that year"),
}
STATUS_LABELS = {
    ALREADY: _l("Already at its target"),
    REACHED: _l("Reaches its target"),
    BUDGET: _l("Left out by the caps"),
    CANDIDATES: _l("Its candidates fall short"),
}


# The options of a plan request (API body, page query). The target years are those of the Décret tertiaire
# (2030, 2040, 2050: a year without a target row plans nothing); works start next year unless told.
PLAN_RULES = (
    Rule("target_year", "int", _l("Target year"), minimum=2030, maximum=2050, default=DEFAULT_TARGET_YEAR),
    year_rule("first_year", _l("First year of works"), years.PROGRAMME),
    Rule("time_limit_s", "decimal", _l("Time limit (seconds)"), minimum=Decimal("0.1"),
         maximum=Decimal(str(MAX_TIME_LIMIT_S)), places=1),
)


def clean_options(raw: dict, today: date | None = None) -> dict[str, Any]:
    """Typed plan options with their defaults (works from next year, 8 s), or ValidationError; the first
    year of works must come before the target year."""
    values = clean(PLAN_RULES, raw)
    if values.get("first_year") is None:
        values["first_year"] = (today or paris_today()).year + 1
    if values.get("time_limit_s") is None:
        values["time_limit_s"] = Decimal(str(DEFAULT_TIME_LIMIT_S))
    if values["first_year"] >= values["target_year"]:
        raise ValidationError({"first_year": _("The first year of works must come before the target year "
                                               "(%(year)s).", year=values["target_year"])})
    return values


@dataclass(frozen=True)
class BuildingInfo:
    id: int
    code: str
    name: str
    area_m2: Decimal | None = None
    reason: str | None = None  # why it has no target (None: it has one)


@dataclass
class RetrofitPlan:
    """A solved plan with what the pages and the API show besides the solver's answer."""

    envelope: Envelope
    target_year: int
    first_year: int
    time_limit_s: float
    plan: Plan | None
    buildings: dict[int, BuildingInfo]
    candidates: dict[int, RetrofitCandidate]
    excluded: list[BuildingInfo] = field(default_factory=list)
    problem: Problem | None = None

    def to_json(self) -> dict[str, Any]:
        """The API's answer: amounts as decimal strings of euros, kWh/m² rounded for display."""
        return plan_json(self)


# ------------------------------------------------------------------------------------------ inputs


def _programmed_savings(building_ids: list[int], target_year: int,
                        latest_year: dict[int, int]) -> dict[int, dict[str, Decimal]]:
    """Per building, the savings of the works already programmed (outside scenarios) that its latest
    recorded year does not show: received in or after that year, or not received yet and due for réception
    before the target year (three queries; the roles of `projection.role_of`)."""
    if not building_ids:
        return {}
    query = (
        select(Operation).options(selectinload(Operation.phases), selectinload(Operation.savings))
        .join(Envelope, Operation.envelope_id == Envelope.id)
        .where(Envelope.scenario_of_id.is_(None), Operation.building_id.in_(building_ids),
               or_(Operation.nature == "energy_retrofit", Operation.savings.any()))
    )
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for op in db.session.execute(query).scalars():
        end = add_months(op.start, op.duration_months) - timedelta(days=1)
        seen = RetrofitOperation(op.id, op.label, op.status, op.nature,
                                 reception_year([(p.code, p.start, p.end) for p in op.phases], end),
                                 {s.carrier: Decimal(s.kwh_per_year) for s in op.savings})
        role = role_of(seen, latest_year.get(op.building_id))
        if role == ALREADY_REFLECTED or (role == PLANNED and seen.reception_year >= target_year):
            continue
        for carrier, kwh in seen.savings.items():
            result[op.building_id][carrier] = result[op.building_id].get(carrier, Decimal(0)) + kwh
    return result


def _target(item: BuildingEnergy, ref: ReferenceData, target_year: int, today: date):
    """(latest complete year's consumption, target kWh/m², reason): the target is None with the reason when
    there is none. The subject test, the years judged and the path are those of the energy report."""
    consumptions, _no_area = item.consumptions()
    completeness = year_completeness(consumptions, today)
    complete = [c for c in consumptions if completeness[c.year].complete]  # incomplete years are never judged
    if not complete:
        return None, None, NO_CONSUMPTION
    latest = max(complete, key=lambda c: c.year)
    if not item.subject(ref, today).subject:
        return latest, None, NOT_SUBJECT
    try:
        indicators = [compute_year(c, item.settings.scale_code, ref, network=item.settings.network)
                      for c in consumptions]
        chosen = choose_reference_year(indicators, ref, item.settings.reference_year, today=today)
    except (ReferenceYearError, MissingReferenceError):
        chosen = None
    if chosen is None:
        return latest, None, NO_REFERENCE
    judged = [i for i in indicators if completeness[i.year].complete]
    path = trajectory(judged, chosen.year, chosen.kwh_m2, ref, item.settings.cabs_kwh_m2, today=today)
    target = path.targets.get(target_year)
    if target is None:
        return latest, None, NO_TARGET
    if item.settings.cabs_kwh_m2 is not None:
        target = max(target, Decimal(item.settings.cabs_kwh_m2))  # on track below either (trajectory)
    return latest, target, None


def build_problem(envelope: Envelope, options: dict[str, Any], today: date | None = None) -> RetrofitPlan:
    """The optimiser's problem for an envelope's candidates (a fixed number of queries), unsolved."""
    today = today or paris_today()
    ref = reference_data()
    target_year, first_year = options["target_year"], options["first_year"]
    stored = candidates_area.candidates_of(envelope.id)
    energy = load_building_energy(sorted({c.building_id for c in stored}))
    targets = {bid: _target(item, ref, target_year, today) for bid, item in energy.items()}
    latest_years = {bid: latest.year for bid, (latest, _t, _r) in targets.items() if latest is not None}
    programmed = _programmed_savings(sorted(energy), target_year, latest_years)
    weights = {}
    for carrier in sorted({row.carrier for c in stored for row in c.savings} | {
            carrier for item in energy.values() for year in item.kwh.values() for carrier in year}):
        try:
            weights[carrier] = ref.tertiaire_weight(carrier, today).value
        except (MissingReferenceError, ValueError):
            continue
    infos, needs, excluded = {}, [], []
    for bid, item in energy.items():
        latest, target, reason = targets[bid]
        info = BuildingInfo(bid, item.code, item.name, latest.area_m2 if latest else item.gross_floor_area_m2, reason)
        infos[bid] = info
        if reason is not None:
            excluded.append(info)
            continue
        saved = programmed.get(bid, {})
        start = {str(c): max(kwh - saved.get(str(c), Decimal(0)), Decimal(0)) for c, kwh in latest.by_carrier.items()}
        needs.append(BuildingNeed(bid, latest.area_m2, start, target))
    planned = {b.id for b in needs}
    candidates = [Candidate(c.id, c.building_id, c.cost_cents,
                            {row.carrier: Decimal(row.kwh_per_year) for row in c.savings if row.carrier in weights},
                            c.earliest_start_year, c.duration_years, c.label)
                  for c in stored if c.building_id in planned]
    figures = works_views.envelope_figures([envelope])[0]
    available = {y.year: max(y.cap_cents - y.allocated_cents, 0) for y in figures.years
                 if first_year <= y.year < target_year}
    problem = Problem(first_year, target_year, available, needs, candidates, weights,
                      float(options["time_limit_s"]))
    return RetrofitPlan(envelope, target_year, first_year, float(options["time_limit_s"]), None, infos,
                        {c.id: c for c in stored}, excluded, problem)


def retrofit_plan(envelope: Envelope, options: dict[str, Any], today: date | None = None) -> RetrofitPlan:
    """Solve the envelope's retrofit plan (options from `clean_options`)."""
    result = build_problem(envelope, options, today)
    try:
        result.plan = optimise(result.problem)
    except ProblemError as error:
        raise ValidationError({"candidates": str(error)}) from error
    return result


# ------------------------------------------------------------------------------------------ apply


def apply_as_drafts(result: RetrofitPlan) -> list[Operation]:
    """Create the chosen candidates as proposed operations of the envelope (status "proposed": not voted),
    each with its AP, its échéancier (the plan's cost per year) and its expected savings."""
    from facilities.inventory.models import Building

    created = []
    for chosen in result.plan.chosen if result.plan else ():
        candidate = result.candidates[chosen.candidate_id]
        building = db.session.get(Building, candidate.building_id)
        op = works_services.create_operation({
            "envelope_id": result.envelope.id, "label": candidate.label, "building_id": building.id,
            "site_id": building.site_id, "nature": "energy_retrofit", "start": date(chosen.start_year, 1, 1),
            "duration_months": 12 * candidate.duration_years, "ap_cents": chosen.cost_cents,
            "cp": dict(chosen.cost_by_year), "illustrative": candidate.illustrative,
            "ap_reason": _("Retrofit plan %(year)s", year=result.target_year),
            "note": _("Proposed by the retrofit plan (target %(year)s) from candidate %(label)s.",
                      year=result.target_year, label=candidate.label),
        })
        for carrier, kwh in candidate.savings_by_carrier.items():
            works_services.set_saving(op, {"carrier": carrier, "kwh_per_year": kwh})
        created.append(op)
    db.session.flush()
    return created


# ------------------------------------------------------------------------------------------ JSON


def _kwh_m2(value: Decimal | None) -> float | None:
    return round_for_display(value, DISPLAY_PLACES["kwh_m2"])


def _by_year(amounts: dict[int, int]) -> dict[str, str]:
    return {str(year): money_json(cents) for year, cents in sorted(amounts.items())}


def plan_json(result: RetrofitPlan) -> dict[str, Any]:
    """The plan as the API answers it (see the OpenAPI description)."""
    plan = result.plan
    infos = result.buildings
    operations = []
    for op in plan.chosen:
        candidate = result.candidates[op.candidate_id]
        operations.append({
            "candidate_id": op.candidate_id, "label": op.label, "building_id": op.building_id,
            "building_code": infos[op.building_id].code, "start_year": op.start_year, "end_year": op.end_year,
            "cost_eur": money_json(op.cost_cents), "cost_by_year": _by_year(op.cost_by_year),
            "savings_kwh": dict(candidate.savings_by_carrier), "illustrative": candidate.illustrative})
    buildings = []
    for outcome in plan.buildings:
        info = infos[outcome.building_id]
        buildings.append({
            "building_id": info.id, "code": info.code, "name": info.name,
            "area_m2": round_for_display(info.area_m2, DISPLAY_PLACES["area"]),
            "before_kwh_m2": _kwh_m2(outcome.before_kwh_m2), "projected_kwh_m2": _kwh_m2(outcome.projected_kwh_m2),
            "target_kwh_m2": _kwh_m2(outcome.target_kwh_m2), "gap_kwh_m2": _kwh_m2(outcome.gap_kwh_m2),
            "best_possible_kwh_m2": _kwh_m2(outcome.best_possible_kwh_m2), "status": outcome.status,
            "reached": outcome.reached})
    unreachable = [{"building_id": b["building_id"], "code": b["code"], "gap_kwh_m2": b["gap_kwh_m2"],
                    "reason": b["status"]} for b in buildings if not b["reached"]]
    return {
        "envelope_id": result.envelope.id, "target_year": result.target_year, "first_year": result.first_year,
        "solver": plan.solver, "status": "time_limit" if plan.stopped_at_time_limit else "optimal",
        "gap": plan.gap, "seconds": round(plan.seconds, 3), "time_limit_s": result.time_limit_s,
        "steps": [{"name": s.name, "status": s.status, "seconds": round(s.seconds, 3), "gap": s.gap}
                  for s in plan.steps],
        "total_cost_eur": money_json(plan.total_cost_cents),
        "cost_by_year": _by_year(plan.cost_by_year), "available_by_year": _by_year(plan.available_by_year),
        "operations": operations, "buildings": buildings, "unreachable": unreachable,
        "extra_cap_by_year": _by_year(plan.extra_cap_by_year), "extra_cap_status": plan.extra_cap_status,
        "extra_cap_reaches": [b["building_id"] for b in buildings if b["status"] == BUDGET]
        if plan.extra_cap_by_year else [],
        "excluded": [{"building_id": info.id, "code": info.code, "reason": info.reason} for info in result.excluded],
        "is_estimate": True,
    }
