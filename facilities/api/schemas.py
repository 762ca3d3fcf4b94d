"""JSON Schema helpers of the API's responses, shared by every area's API (each area keeps its own shapes)."""

from __future__ import annotations

from facilities.api.openapi import MONEY_OUT


def nullable(kind: str, **extra) -> dict:
    return {"type": kind, "nullable": True, **extra}


MONEY = {**MONEY_OUT, "nullable": True}  # euros as a decimal string ("1234.50"), as every API sends money


PROVENANCE = {"type": "object", "properties": {
    "source": nullable("string"), "date": nullable("string", format="date"), "illustrative": {"type": "boolean"},
    "note": nullable("string")}}

ID = {"type": "integer"}
REF = {"type": "object", "properties": {"id": ID, "code": {"type": "string"}, "name": {"type": "string"}}}


def page_of(item) -> dict:
    """A paginated list of items (a JSON Schema or a response schema class)."""
    return {"type": "object", "required": ["items", "total"], "properties": {
        "items": {"type": "array", "items": item}, "total": {"type": "integer"},
        "limit": {"type": "integer"}, "offset": {"type": "integer"}}}


def ok(schema, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}
