"""JSON value helpers shared by every area's API: numbers, days and provenance as the API writes them."""

from __future__ import annotations

from decimal import Decimal


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
