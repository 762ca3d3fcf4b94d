"""Money, one vocabulary for the whole application (pure Python: no Flask, no database).

- Stored as integer cents (``int``, BigInteger columns), never ``float``.
- Typed in euros: a decimal string ("12 500 000,50", "1234.50") or a whole number; at most two decimals.
  The shared rule engine reads it (`facilities.validation`, kind ``money``) for forms, API and importers.
- Sent in JSON as a decimal string of euros with two decimals ("1234.50"): exact, unlike a JSON number.
- Shown with :func:`facilities.formatting.format_money` (French or English).
"""

from __future__ import annotations

from decimal import Decimal

# The largest amount any one entry may hold (a building's cost, an AP, a year's cap or CP, a commitment).
# A département's whole yearly budget is 1 to 3 bn € and the costliest French public buildings stay under
# 1 bn €, so a larger figure is a typing mistake. In cents it is 10**12: inside PostgreSQL's BIGINT and
# exact as a double (2**53), so that a client reading "10000000000.00" into a float loses no cent.
MAX_EUROS = Decimal(10_000_000_000)
MAX_CENTS = int(MAX_EUROS * 100)

CENT = Decimal("0.01")

# A decimal string of euros as the API sends it and documents it: digits, a point and two decimals.
JSON_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"


def cents_to_euros(cents: int | None) -> Decimal | None:
    """Integer cents to euros, exactly, with two decimals (12345 -> Decimal("123.45")). The one conversion."""
    if cents is None:
        return None
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"amount must be integer cents, got {type(cents).__name__}")
    return (Decimal(cents) / 100).quantize(CENT)


def money_json(cents: int | None) -> str | None:
    """Cents as the API sends them: a decimal string of euros ("1234.50"), or None."""
    euros = cents_to_euros(cents)
    return None if euros is None else str(euros)


def money_text(cents: int | None) -> str:
    """Cents as a form shows them for editing and the importer reads them back: "12500000", "12500000.50"."""
    euros = cents_to_euros(cents)
    if euros is None:
        return ""
    return str(euros.to_integral_value()) if euros == euros.to_integral_value() else str(euros)


def euros_to_cents(euros: Decimal) -> int:
    """A checked amount of euros (at most two decimals) to integer cents."""
    cents = euros * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{euros} has more than two decimals")
    return int(cents)
