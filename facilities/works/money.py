"""The scheduling core's money helpers: amounts are integer cents (``int``) everywhere, never ``float``.

Euros are read by the shared rule engine (kind ``money``), turned into euros by
:func:`facilities.money.cents_to_euros` and shown by :func:`facilities.formatting.format_money`;
this module keeps the core's cents parser.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from facilities.formatting import format_money  # the app's one money display; Babel only, no Flask

__all__ = ["NARROW_NBSP", "NBSP", "format_eur", "parse_cents"]

NARROW_NBSP = "\u202f"  # French thousands separator (CLDR "fr" group symbol)
NBSP = "\u00a0"  # between the number and "€" in French


format_eur = format_money  # the scheduling core's name for the one display (to go with its parsers)


def parse_cents(value: Any) -> int:
    """Parse an amount already expressed in integer cents (``int`` or digit string).

    Raises ``ValueError`` ("must be a number", "must be a whole number of cents",
    "must not be negative").
    """
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, int):
        cents = value
    elif isinstance(value, float | Decimal | str):
        try:
            amount = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
        except (InvalidOperation, ValueError):
            raise ValueError("must be a number") from None
        if not amount.is_finite():
            raise ValueError("must be a number")
        if amount != amount.to_integral_value():
            raise ValueError("must be a whole number of cents")
        cents = int(amount)
    else:
        raise ValueError("must be a number")
    if cents < 0:
        raise ValueError("must not be negative")
    return cents
