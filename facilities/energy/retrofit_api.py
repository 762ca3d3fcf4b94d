"""JSON API of the retrofit plan, under /api/v1: the least-cost plan that brings an envelope's buildings to
their Décret tertiaire target within its caps (nothing is saved)."""

from __future__ import annotations

from facilities.api.common import get_or_404, json_object, register_api_error_handlers
from facilities.api.openapi import MONEY_OUT, ApiBlueprint, json_body, rules_schema
from facilities.api.schemas import nullable, ok
from facilities.database import discard_changes
from facilities.energy import retrofit
from facilities.permissions import Permission, requires
from facilities.works.models import Envelope

bp = ApiBlueprint("retrofit_api", __name__, description="Retrofit plan: candidates chosen and scheduled to reach "
                                                        "the Décret tertiaire targets within an envelope's caps.")
register_api_error_handlers(bp)

PLAN_INPUT = rules_schema("RetrofitPlanInput", retrofit.PLAN_RULES)
BY_YEAR = {"type": "object", "additionalProperties": MONEY_OUT, "description": "Euros by year"}
KWH_M2 = nullable("number")
CHOSEN = {"type": "object", "required": ["candidate_id", "building_id", "start_year", "end_year", "cost_eur",
                                         "cost_by_year"], "properties": {
    "candidate_id": {"type": "integer"}, "label": {"type": "string"}, "building_id": {"type": "integer"},
    "building_code": {"type": "string"}, "start_year": {"type": "integer"}, "end_year": {"type": "integer"},
    "cost_eur": MONEY_OUT, "cost_by_year": BY_YEAR,
    "savings_kwh": {"type": "object", "additionalProperties": {"type": "integer"}},
    "illustrative": {"type": "boolean"}}}
STATUSES = ["already", "reached", "budget", "candidates"]
BUILDING = {"type": "object", "required": ["building_id", "projected_kwh_m2", "target_kwh_m2", "status"], "properties": {
    "building_id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
    "area_m2": nullable("number"), "before_kwh_m2": KWH_M2, "projected_kwh_m2": KWH_M2, "target_kwh_m2": KWH_M2,
    "gap_kwh_m2": KWH_M2, "best_possible_kwh_m2": KWH_M2, "reached": {"type": "boolean"},
    "status": {"type": "string", "enum": STATUSES,
               "description": "already: at target before the plan; reached: with the plan; budget: the caps "
                              "leave it out; candidates: even all its candidates fall short"}}}
PLAN = {"type": "object", "required": ["target_year", "status", "operations", "cost_by_year", "buildings",
                                       "unreachable", "extra_cap_by_year"], "properties": {
    "envelope_id": {"type": "integer"}, "target_year": {"type": "integer"}, "first_year": {"type": "integer"},
    "solver": {"type": "string"},
    "status": {"type": "string", "enum": ["optimal", "time_limit"],
               "description": "time_limit: the best plan found when the time limit stopped the solver"},
    "gap": nullable("number", description="Relative optimality gap of the plan's cost (0: proven optimal)"),
    "seconds": {"type": "number"}, "time_limit_s": {"type": "number"},
    "steps": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "status": {"type": "string"}, "seconds": {"type": "number"},
        "gap": nullable("number")}}},
    "total_cost_eur": MONEY_OUT, "cost_by_year": BY_YEAR, "available_by_year": BY_YEAR,
    "operations": {"type": "array", "items": CHOSEN}, "buildings": {"type": "array", "items": BUILDING},
    "unreachable": {"type": "array", "items": {"type": "object", "properties": {
        "building_id": {"type": "integer"}, "code": {"type": "string"}, "gap_kwh_m2": KWH_M2,
        "reason": {"type": "string", "enum": ["budget", "candidates"]}}}},
    "extra_cap_by_year": {**BY_YEAR, "description": "Extra cap per year that would bring the buildings the caps "
                                                    "leave out to their target"},
    "extra_cap_reaches": {"type": "array", "items": {"type": "integer"}},
    "extra_cap_status": {"type": "string", "enum": ["none_needed", "found", "not_found"],
                         "description": "not_found: the time limit stopped the search for the extra cap"},
    "excluded": {"type": "array", "items": {"type": "object", "properties": {
        "building_id": {"type": "integer"}, "code": {"type": "string"},
        "reason": {"type": "string", "enum": list(retrofit.REASON_LABELS)}}}},
    "is_estimate": {"type": "boolean"}}}


@bp.route("/envelopes/<int:envelope_id>/retrofit-plan", methods=["POST"])
@bp.doc(summary="Compute the retrofit plan of an envelope (nothing saved)",
        requestBody={**json_body(PLAN_INPUT), "required": False}, responses={"200": ok(PLAN)})
@requires(Permission.READ)
def retrofit_plan(envelope_id: int):
    """The envelope's candidates chosen and scheduled at least cost to reach the targets within its caps."""
    envelope = get_or_404(Envelope, envelope_id)
    options = retrofit.clean_options(json_object({rule.name for rule in retrofit.PLAN_RULES}, empty_ok=True))
    result = retrofit.retrofit_plan(envelope, options)
    discard_changes()
    return result.to_json()
