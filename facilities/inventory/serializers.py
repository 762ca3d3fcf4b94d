"""JSON shapes of inventory records: the API's response schemas next to the serializers that produce them."""

from __future__ import annotations

from facilities.api.schemas import MONEY, PROVENANCE, REF, nullable
from facilities.api.serializers import iso, number, provenance
from facilities.inventory.models import Building, Floor, Site, Space
from facilities.inventory.summary import KEY_FIGURES, InventorySummary
from facilities.money import money_json

SITE_SUMMARY = {"type": "object", "required": ["id", "code", "name", "kind", "status"], "properties": {
    "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
    "kind": {"type": "string"}, "status": {"type": "string"},
    "commune_code": nullable("string"), "commune_name": nullable("string"),
    "latitude": nullable("number"), "longitude": nullable("number"), "location_precision": nullable("string"),
    "services": {"type": "array", "items": {"type": "string"}},
}}

SITE_DETAIL = {"type": "object", "required": SITE_SUMMARY["required"] + ["buildings"], "properties": {
    **SITE_SUMMARY["properties"],
    "address": nullable("string"), "postcode": nullable("string"),
    "communes_served": {"type": "array", "items": {"type": "object", "properties": {
        "code": {"type": "string"}, "name": {"type": "string"}}}},
    "opened_on": nullable("string", format="date"), "opening_hours": nullable("string"),
    "transport_access": nullable("string"), "synthetic": {"type": "boolean"}, "provenance": PROVENANCE,
    "buildings": {"type": "array", "items": REF},
}}

FLOOR = {"type": "object", "required": ["id", "level", "name", "public"], "properties": {
    "id": {"type": "integer"}, "level": {"type": "integer"}, "name": {"type": "string"},
    "area_m2": nullable("number"), "public": {"type": "boolean"}, "building_id": {"type": "integer"}}}

INVENTORY = {"type": "object", "required": list(KEY_FIGURES), "additionalProperties": False,
             "properties": {name: {"type": "integer"} for name in KEY_FIGURES}}

BUILDING_DETAIL = {"type": "object", "required": ["id", "code", "name", "floors", "inventory"], "properties": {
    "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"}, "site": REF,
    "year_built": nullable("integer"), "gross_floor_area_m2": nullable("number"), "erp_type": nullable("string"),
    "erp_category": nullable("integer"), "cost_eur": MONEY, "opened_on": nullable("string", format="date"),
    "provenance": PROVENANCE, "floors": {"type": "array", "items": FLOOR}, "inventory": INVENTORY,
    "medical_cabinets_by_specialty": {"type": "object", "additionalProperties": {"type": "integer"}},
    "net_area_by_type_m2": {"type": "object", "additionalProperties": {"type": "number"}},
}}

BUILDING_SUMMARY = {"type": "object", "required": ["id", "code", "name", "site_id"], "properties": {
    "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"}, "site_id": {"type": "integer"},
    "year_built": nullable("integer"), "gross_floor_area_m2": nullable("number"), "cost_eur": MONEY}}

SPACE = {"type": "object", "required": ["id", "code", "type", "floor_level", "area_m2"], "properties": {
    "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"}, "type": {"type": "string"},
    "floor_level": {"type": "integer"}, "floor_id": {"type": "integer"}, "area_m2": {"type": "number"},
    "public": {"type": "boolean"}, "step_free": {"type": "boolean"}, "workstations": {"type": "integer"},
    "pcs": {"type": "integer"}, "specialty": nullable("string"), "equipment": nullable("string")}}


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
    }


def floor_record(floor: Floor) -> dict:
    return {"id": floor.id, "level": floor.level, "name": floor.name, "area_m2": number(floor.area_m2),
            "public": floor.is_public}


def building_detail(building: Building, summary: InventorySummary) -> dict:
    return {
        "id": building.id,
        "code": building.code,
        "name": building.name,
        "site": {"id": building.site.id, "code": building.site.code, "name": building.site.name},
        "year_built": building.year_built,
        "gross_floor_area_m2": number(building.gross_floor_area_m2),
        "erp_type": building.erp_type,
        "erp_category": building.erp_category,
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
