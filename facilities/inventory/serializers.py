"""JSON shapes of inventory records: the API's response schemas next to the serializers that produce them."""

from __future__ import annotations

from marshmallow import fields

from facilities.api.openapi import pick, renamed, response_schema
from facilities.api.schemas import ID, PROVENANCE, REF
from facilities.api.serializers import iso, number, provenance, record_fields
from facilities.inventory import rules
from facilities.inventory.erp import BuildingCategory
from facilities.inventory.models import Building, Floor, PublishedFigure, Site, Space
from facilities.inventory.published import FigureComparison
from facilities.inventory.summary import KEY_FIGURES, InventorySummary
from facilities.money import money_json

# Each field that a client may also send is described by the rule that reads it (facilities.inventory.rules):
# the same type, enum, bounds and lengths; the other fields (ids, nested records, figures) are described here.
_SUMMARY_FIELDS = ("code", "name", "kind", "status", "commune_code", "commune_name", "latitude", "longitude",
                   "location_precision", "services")
SITE_SUMMARY = response_schema("SiteSummary", pick(rules.SITE_RULES, *_SUMMARY_FIELDS), extra={"id": ID},
                               required=["id", "code", "name", "kind", "status", "services"])
SITE_DETAIL = response_schema(
    "SiteDetail",
    pick(rules.SITE_RULES, *_SUMMARY_FIELDS, "address", "postcode", "opened_on", "opening_hours", "transport_access"),
    extra={"id": ID, "synthetic": {"type": "boolean"}, "provenance": PROVENANCE,
           "communes_served": {"type": "array", "items": {"type": "object", "properties": {
               "code": {"type": "string"}, "name": {"type": "string"}}}},
           "buildings": {"type": "array", "items": REF},
           "commune_from_location": {"type": "string", "nullable": True, "description": (
               "INSEE code of the commune the site's point lies in (null: not located or outside every commune); "
               "present once commune boundaries are loaded.")}},
    required=["id", "code", "name", "kind", "status", "services", "buildings"])

_FLOOR_RULES = {rule.name: rule for rule in rules.FLOOR_RULES}
FLOOR = response_schema(
    "Floor", [*pick(rules.FLOOR_RULES, "level", "name", "area_m2"), renamed(_FLOOR_RULES["is_public"], "public")],
    extra={"id": ID, "building_id": ID}, required=["id", "level", "name", "public"])

INVENTORY = {"type": "object", "required": list(KEY_FIGURES), "additionalProperties": False,
             "properties": {name: {"type": "integer"} for name in KEY_FIGURES}}

_BUILDING_FIELDS = ("code", "name", "year_built", "gross_floor_area_m2", "tertiary_area_m2", "housing_area_m2",
                    "activity_category", "cost_eur")
BUILDING_SUMMARY = response_schema("BuildingSummary", pick(rules.BUILDING_RULES, *_BUILDING_FIELDS),
                                   extra={"id": ID, "site_id": ID}, required=["id", "code", "name", "site_id"])
ERP_FIELDS = ("erp_types", "public_capacity", "staff_capacity", "with_accommodation", "erp_category_override",
              "erp_category_override_reason")
BUILDING_DETAIL = response_schema(
    "BuildingDetail", pick(rules.BUILDING_RULES, *_BUILDING_FIELDS, *ERP_FIELDS, "opened_on"),
    extra={"id": ID, "site": REF,
           # The category in force: the override when one is set, otherwise derived from the capacity.
           "erp_category": {"type": "integer", "nullable": True, "minimum": 1, "maximum": 5},
           "erp_category_source": {"type": "string", "nullable": True, "enum": ["derived", "override", None]}, "provenance": PROVENANCE, "floors": fields.List(fields.Nested(FLOOR)),
           "inventory": INVENTORY,
           "medical_cabinets_by_specialty": {"type": "object", "additionalProperties": {"type": "integer"}},
           "net_area_by_type_m2": {"type": "object", "additionalProperties": {"type": "number"}}},
    required=["id", "code", "name", "floors", "inventory"])

_SPACE_RULES = {rule.name: rule for rule in rules.SPACE_RULES}
SPACE = response_schema(
    "Space",
    [*pick(rules.SPACE_RULES, "code", "name"), renamed(_SPACE_RULES["space_type"], "type"),
     _SPACE_RULES["area_m2"], renamed(_SPACE_RULES["is_public"], "public"),
     *pick(rules.SPACE_RULES, "step_free", "workstations", "pcs", "specialty", "equipment")],
    extra={"id": ID, "floor_id": ID, "floor_level": {"type": "integer"}},
    required=["id", "code", "type", "floor_level", "area_m2"])


def site_summary(site: Site) -> dict:
    return {
        "id": site.id,
        "code": site.code,
        "name": site.name,
        "kind": site.kind,
        "status": site.status,
        "commune_code": site.commune_code,
        "commune_name": site.commune_name,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "location_precision": site.location_precision,
        "services": site.service_codes,
    }


def site_detail(site: Site) -> dict:
    return {
        **site_summary(site),
        "address": site.address,
        "postcode": site.postcode,
        "communes_served": site.communes_served or [],
        "opened_on": iso(site.opened_on),
        "opening_hours": site.opening_hours,
        "transport_access": site.transport_access,
        "synthetic": site.synthetic,
        "provenance": provenance(site),
        "buildings": [{"id": b.id, "code": b.code, "name": b.name} for b in site.buildings],
        **record_fields("site", site),  # commune_from_location (maps), once boundaries are loaded
    }


def floor_record(floor: Floor) -> dict:
    return {"id": floor.id, "level": floor.level, "name": floor.name, "area_m2": number(floor.area_m2),
            "public": floor.is_public}


def building_detail(building: Building, summary: InventorySummary, erp: BuildingCategory) -> dict:
    return {
        "id": building.id,
        "code": building.code,
        "name": building.name,
        "site": {"id": building.site.id, "code": building.site.code, "name": building.site.name},
        "year_built": building.year_built,
        "gross_floor_area_m2": number(building.gross_floor_area_m2),
        "erp_types": list(building.erp_types or []),
        "public_capacity": building.public_capacity,
        "staff_capacity": building.staff_capacity,
        "with_accommodation": building.with_accommodation,
        "erp_category": erp.category,
        "erp_category_source": erp.source,
        "erp_category_override": building.erp_category_override,
        "erp_category_override_reason": building.erp_category_override_reason,
        "tertiary_area_m2": number(building.tertiary_area_m2),
        "housing_area_m2": number(building.housing_area_m2),
        "activity_category": building.activity_category,
        "cost_eur": money_json(building.cost_cents),
        "opened_on": iso(building.effective_opened_on),
        "provenance": provenance(building),
        "floors": [floor_record(floor) for floor in building.floors],
        "inventory": summary.key_figures(),
        "medical_cabinets_by_specialty": dict(summary.medical_cabinets_by_specialty),
        "net_area_by_type_m2": {key: number(value) for key, value in sorted(summary.net_area_by_type_m2.items())},
    }


def space_record(space: Space, floor_level: int) -> dict:
    return {
        "id": space.id,
        "code": space.code,
        "name": space.name,
        "type": space.space_type,
        "floor_level": floor_level,
        "area_m2": number(space.area_m2),
        "public": space.is_public,
        "step_free": space.step_free,
        "workstations": space.workstations,
        "pcs": space.pcs,
        "specialty": space.specialty,
        "equipment": space.equipment,
    }


PUBLISHED_FIGURE = response_schema(
    "PublishedFigure", rules.PUBLISHED_FIGURE_RULES,
    extra={"id": ID, "building_id": ID,
           "recorded": {"type": "number", "nullable": True,
                        "description": "What the inventory records of this figure (null: not recorded yet)."},
           "contradicted": {"type": "boolean", "description": (
               "Whether the inventory contradicts the published value (counts differ, or an area or cost differs by "
               "one unit or more).")}},
    required=["id", "building_id", "figure", "value", "source", "recorded", "contradicted"])


def published_figure_record(record: PublishedFigure, comparison: FigureComparison | None) -> dict:
    """A published figure, with what the inventory records of it."""
    return {"id": record.id, "building_id": record.building_id, "figure": record.figure, "value": number(record.value),
            "source": record.source, "published_on": iso(record.published_on), "reference": record.reference,
            "note": record.note, "recorded": number(comparison.recorded) if comparison else None,
            "contradicted": bool(comparison and comparison.contradicted)}
