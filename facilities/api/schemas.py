"""JSON Schemas of the API's responses, next to the serializers that produce them."""

from __future__ import annotations

from facilities.api.openapi import MONEY_OUT
from facilities.inventory.summary import KEY_FIGURES


def nullable(kind: str, **extra) -> dict:
    return {"type": kind, "nullable": True, **extra}


MONEY = {**MONEY_OUT, "nullable": True}  # euros as a decimal string ("1234.50"), as every API sends money


PROVENANCE = {"type": "object", "properties": {
    "source": nullable("string"), "date": nullable("string", format="date"), "illustrative": {"type": "boolean"},
    "note": nullable("string")}}

SITE_SUMMARY = {"type": "object", "required": ["id", "code", "name", "kind", "status"], "properties": {
    "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
    "kind": {"type": "string"}, "status": {"type": "string"},
    "commune_code": nullable("string"), "commune_name": nullable("string"),
    "latitude": nullable("number"), "longitude": nullable("number"), "location_precision": nullable("string"),
    "services": {"type": "array", "items": {"type": "string"}},
}}

REF = {"type": "object", "properties": {"id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"}}}

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


def page_of(item: dict) -> dict:
    """A paginated list of items."""
    return {"type": "object", "required": ["items", "total"], "properties": {
        "items": {"type": "array", "items": item}, "total": {"type": "integer"},
        "limit": {"type": "integer"}, "offset": {"type": "integer"}}}


def ok(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}
