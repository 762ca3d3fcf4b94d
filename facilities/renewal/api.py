"""JSON API v1 of capital renewal: the forecast (per year and category, items and cost) and the needs turned
into draft works operations. Same rules and services as the pages."""

from __future__ import annotations

from facilities.api.common import (
    ID_SCHEMA,
    get_or_404,
    json_object,
    register_api_error_handlers,
    rule_args,
    rule_parameters,
)
from facilities.api.openapi import MONEY_OUT, ApiBlueprint, json_body, rules_schema
from facilities.api.schemas import nullable, ok
from facilities.inventory.models import Building
from facilities.money import money_json
from facilities.permissions import Permission, requires
from facilities.renewal import rules, services
from facilities.safety.catalogue import EQUIPMENT_CATEGORY_LABELS
from facilities.timeutil import paris_today

bp = ApiBlueprint("renewal_api", __name__, description="Capital renewal: when equipment falls due, the forecast "
                                                       "of its cost, needs turned into draft works operations.")
register_api_error_handlers(bp)

COUNTS = {"items": {"type": "integer", "minimum": 0}, "cost_eur": MONEY_OUT,
          "planned_items": {"type": "integer", "minimum": 0, "description": "Items already in a works operation"},
          "items_without_cost": {"type": "integer", "minimum": 0,
                                 "description": "Items whose replacement cost is unknown (counted, costing 0)"}}
ROW = {"type": "object", "required": ["year", "category", "items", "cost_eur"], "properties": {
    "year": {"type": "integer"}, "category": {"type": "string", "enum": list(EQUIPMENT_CATEGORY_LABELS)}, **COUNTS}}
YEAR = {"type": "object", "required": ["year", "items", "cost_eur"], "properties": {"year": {"type": "integer"},
                                                                                   **COUNTS}}
FORECAST = {"type": "object", "required": ["from", "years", "rows", "by_year", "total"], "properties": {
    "from": {"type": "integer"}, "years": {"type": "integer"}, "building_id": nullable("integer"),
    "rows": {"type": "array", "items": ROW, "description": "One row per year and category with items due"},
    "by_year": {"type": "array", "items": YEAR},
    "total": {"type": "object", "properties": COUNTS},
    "backlog_items": {"type": "integer", "description": "Items due before `from`, counted in its year"},
    "unknown_items": {"type": "integer", "description": "Items with neither installation and life nor condition"},
    "later_items": {"type": "integer", "description": "Items due after the last year"},
    "illustrative_items": {"type": "integer", "description": "Demo records among the items counted"},
    "policy": {"type": "object", "properties": {
        "source": {"type": "string"},
        "conditions": {"type": "array", "items": {"type": "object", "properties": {
            "condition": {"type": "integer"}, "within_years": {"type": "integer"}}}}}}}}
CREATE_INPUT = rules_schema("RenewalOperationsInput", rules.CREATE_RULES, extra={"equipment_ids": {
    "type": "array", "items": ID_SCHEMA, "minItems": 1, "maxItems": rules.MAX_ITEMS_PER_ACTION, "uniqueItems": True,
    "description": "Items of equipment to renew, none already in an operation, each with a replacement cost and "
                   "a renewal year"}}, required_extra=["equipment_ids"])
CREATED = {"type": "object", "required": ["operations"], "properties": {"operations": {"type": "array", "items": {
    "type": "object", "required": ["id", "equipment_id", "envelope_id", "status", "start", "ap_eur"], "properties": {
        "id": {"type": "integer"}, "label": {"type": "string"}, "equipment_id": {"type": "integer"},
        "envelope_id": {"type": "integer"}, "building_id": nullable("integer"), "status": {"type": "string"},
        "draft": {"type": "boolean", "description": "Saved over the envelope's caps"},
        "start": {"type": "string", "format": "date"}, "ap_eur": MONEY_OUT}}}}}


def _counts(cell: rules.Cell) -> dict:
    return {"items": cell.items, "cost_eur": money_json(cell.cost_cents), "planned_items": cell.planned,
            "items_without_cost": cell.without_cost}


@bp.route("/renewal-forecast", methods=["GET"])
@bp.doc(summary="The renewal forecast: per year and category, the items due and their replacement cost",
        parameters=rule_parameters(rules.FORECAST_RULES), responses={"200": ok(FORECAST)})
@requires(Permission.READ)
def forecast():
    """The portfolio's (or one building's) renewal forecast from a year, for a number of years."""
    options = rule_args(rules.forecast_rules(paris_today()))
    if options.get("building_id") is not None:
        get_or_404(Building, options["building_id"])
    fc = services.forecast(options["from"], options["years"], options.get("building_id"))
    pol = services.policy()
    return {
        "from": fc.first, "years": len(fc.years), "building_id": options.get("building_id"),
        "rows": [{"year": year, "category": category, **_counts(fc.cells[(year, category)])}
                 for year in fc.years for category in fc.categories if (year, category) in fc.cells],
        "by_year": [{"year": year, **_counts(fc.by_year[year])} for year in fc.years],
        "total": _counts(fc.total), "backlog_items": fc.backlog, "unknown_items": fc.unknown,
        "later_items": fc.later, "illustrative_items": fc.illustrative,
        "policy": {"source": pol.source, "conditions": [{"condition": c, "within_years": w}
                                                        for c, w in sorted(pol.within_years.items())]},
    }


@bp.route("/renewal-forecast/operations", methods=["POST"])
@bp.doc(summary="Turn needs into draft works operations of an envelope (one per item, all or nothing)",
        requestBody=json_body(CREATE_INPUT), responses={"201": ok(CREATED, "Created")})
@requires(Permission.EDIT_WORKS)
def create_operations():
    """One proposed operation per item of equipment, in the envelope, linked to the item it renews."""
    body = json_object({"envelope_id", "equipment_ids"})
    values = rules.clean_create(body, typed=True)
    created = services.create_operations(values["envelope_id"], values["equipment_ids"])
    links = services.links_of(created)
    return {"operations": [{"id": op.id, "label": op.label, "equipment_id": links[op.id],
                            "envelope_id": op.envelope_id, "building_id": op.building_id, "status": op.status,
                            "draft": op.draft, "start": op.start.isoformat(),
                            "ap_eur": money_json(op.current_ap_cents)} for op in created]}, 201
