"""JSON value helpers shared by every area's API: numbers, days and provenance as the API writes them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import Flask, current_app


def number(value: Decimal | None):
    """Decimals as JSON numbers: integers when whole."""
    if value is None:
        return None
    return int(value) if value == value.to_integral() else float(value)


def iso(day):
    return day.isoformat() if day else None


def provenance(entity) -> dict:
    return {
        "source": entity.provenance_source,
        "date": iso(entity.provenance_date),
        "illustrative": entity.illustrative,
        "note": entity.provenance_note,
    }


def register_record_fields(app: Flask, kind: str, compute: Callable[[Any], dict[str, Any]]) -> None:
    """Let an area add fields to another area's API record (`kind`, e.g. "site"): `compute(record)` returns them.

    The maps area adds `commune_from_location` to a site's record this way, without the inventory knowing maps."""
    app.extensions.setdefault("api_record_fields", {}).setdefault(kind, []).append(compute)


def record_fields(kind: str, record: Any) -> dict[str, Any]:
    """The fields the areas add to an API record of this kind (see register_record_fields)."""
    fields: dict[str, Any] = {}
    for compute in current_app.extensions.get("api_record_fields", {}).get(kind, []):
        fields.update(compute(record))
    return fields
