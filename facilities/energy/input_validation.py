"""Validation of energy input (forms, CSV imports, API): each fault is an InputMessage (a code and its
parameters, English when printed); the app shows it in the user's language (facilities.energy.messages).

Pure Python: no Flask, no SQLAlchemy, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from facilities.energy.decimals import to_decimal
from facilities.energy.input_messages import Code, InputMessage, message
from facilities.energy.reference import Carrier, ConsumptionSource
from facilities.years import CONSUMPTION as CONSUMPTION_YEARS


def _parse_number(raw: Any) -> Decimal:
    """A number typed by a user: '1 234,5', '1234.5', 1234.5; raises ValueError."""
    if isinstance(raw, str):
        text = raw.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        if "," in text and "." in text:
            raise ValueError("use one decimal separator")
        raw = text.replace(",", ".")
    return to_decimal(raw)


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


# What the columns keep (decimal places) and the largest credible value of each input: larger figures are typing
# mistakes (a terawatt-hour a year is no building), and a value rounded to 0 at its column's scale is 0.
# The area bound is the inventory's (inventory.rules.MAX_AREA_M2), repeated here to keep this module pure.
NUMBER_LIMITS: dict[str, tuple[int, Decimal]] = {
    "kwh": (2, Decimal(10**12)),
    "area_m2": (2, Decimal(1_000_000)),
    "dju": (1, Decimal(10_000)),
    "dju_mean": (1, Decimal(10_000)),
}

Errors = dict[str, InputMessage]


def _number_field(raw: Mapping[str, Any], name: str, errors: Errors, *, positive: bool) -> Decimal | None:
    value = raw.get(name)
    if _blank(value):
        return None
    try:
        number = _parse_number(value)
    except (ValueError, TypeError):
        errors[name] = message(Code.NOT_A_NUMBER, field=name, value=repr(value))
        return None
    places, maximum = NUMBER_LIMITS.get(name, (None, None))
    if maximum is not None and number > maximum:  # first: quantizing a huge exponent would raise
        errors[name] = message(Code.TOO_LARGE, field=name, maximum=maximum, value=str(number))
        return None
    stored = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) if places is not None else number
    if positive and stored <= 0:
        errors[name] = message(Code.NOT_POSITIVE, field=name, value=str(number))
    elif number < 0:
        errors[name] = message(Code.NEGATIVE, field=name, value=str(number))
    return number if name not in errors else None


def _year_field(raw: Mapping[str, Any], errors: Errors, today: date) -> int | None:
    value = raw.get("year")
    first, last = CONSUMPTION_YEARS.first, CONSUMPTION_YEARS.last_year(today)
    if _blank(value):
        errors["year"] = message(Code.REQUIRED, field="year")
        return None
    try:
        number = _parse_number(value)
        if number != number.to_integral_value():
            raise ValueError
        year = int(number)
    except (ValueError, TypeError):
        errors["year"] = message(Code.NOT_WHOLE, field="year", value=repr(value))
        return None
    if not first <= year <= last:
        errors["year"] = message(Code.OUT_OF_RANGE, field="year", first=first, last=last, value=str(year))
        return None
    return year


def _choice_field(raw: Mapping[str, Any], name: str, enum, errors: Errors, *, required: bool):
    value = raw.get(name)
    if _blank(value):
        if required:
            errors[name] = message(Code.REQUIRED, field=name)
        return None
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        errors[name] = message(Code.UNKNOWN_CHOICE, field=name, value=repr(str(value).strip()),
                               choices=", ".join(enum))
        return None


def validate_consumption_row(
    raw: Mapping[str, Any], *, today: date | None = None, area_required: bool = False
) -> tuple[dict[str, Any], Errors]:
    """Check one consumption row (form, CSV line or API body): building_code, year, carrier, kwh,
    optional area_m2 (required when `area_required`, e.g. the building has no floor area) and source.

    Returns (values, errors): typed values (Decimal, int, Carrier, ConsumptionSource; None when absent
    or wrong) and {field: InputMessage} for each field at fault; the row is valid when errors is empty.
    """
    today = today or date.today()
    errors: Errors = {}
    code = raw.get("building_code")
    if _blank(code):
        errors["building_code"] = message(Code.REQUIRED, field="building_code")
    values: dict[str, Any] = {"building_code": None if _blank(code) else str(code).strip()}
    values["year"] = _year_field(raw, errors, today)
    values["carrier"] = _choice_field(raw, "carrier", Carrier, errors, required=True)
    values["kwh"] = _number_field(raw, "kwh", errors, positive=False)
    if values["kwh"] is None and "kwh" not in errors:
        errors["kwh"] = message(Code.REQUIRED, field="kwh")
    values["area_m2"] = _number_field(raw, "area_m2", errors, positive=True)
    if area_required and values["area_m2"] is None and "area_m2" not in errors:
        errors["area_m2"] = message(Code.AREA_REQUIRED, field="area_m2")
    values["source"] = _choice_field(raw, "source", ConsumptionSource, errors, required=False)
    return values, errors


def validate_year_row(
    raw: Mapping[str, Any], *, today: date | None = None, area_required: bool = False
) -> tuple[dict[str, Any], Errors]:
    """Check the yearly data of a building: year, optional area_m2, dju and dju_mean (all > 0)."""
    today = today or date.today()
    errors: Errors = {}
    values: dict[str, Any] = {"year": _year_field(raw, errors, today)}
    for name in ("area_m2", "dju", "dju_mean"):
        values[name] = _number_field(raw, name, errors, positive=True)
    if area_required and values["area_m2"] is None and "area_m2" not in errors:
        errors["area_m2"] = message(Code.AREA_REQUIRED, field="area_m2")
    return values, errors
