"""Decimal arithmetic of the energy figures: numbers in, divisions at 28 significant digits, one rounding out.

Nothing rounds but `round_for_display`, at the JSON edge, where figures become floats rounded for display.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Any

_DIVISION = Context(prec=28)


def divide(numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator / denominator at 28 significant digits (the only precision used)."""
    return _DIVISION.divide(numerator, denominator)


def to_decimal(value: Any) -> Decimal:
    """A finite Decimal from a Decimal, int, float (via its shortest repr) or numeric string."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, float):
        value = repr(value)
    try:
        result = Decimal(value) if not isinstance(value, Decimal) else value
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"not a number: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


DISPLAY_PLACES = {"kwh": 0, "kwh_m2": 2, "kg_m2": 2, "area": 2}


def round_for_display(value: Decimal | None, places: int) -> float | None:
    """The only rounding of the energy figures: half-up to `places` decimals, as a float for JSON."""
    if value is None:
        return None
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
