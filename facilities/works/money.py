"""Money helpers: amounts are integer cents (``int``) everywhere, never ``float``.

French format (``locale="fr"``) follows CLDR / Babel ``fr_FR``: thousands are grouped with a
NARROW NO-BREAK SPACE (U+202F) and the euro sign is preceded by a NO-BREAK SPACE (U+00A0):
``12 500 000 €``, ``12 500 000,50 €``. English (``locale="en"``): ``€12,500,000``, ``€12,500,000.50``.
Whole-euro amounts are shown without decimals; otherwise two decimals. Negative amounts use an
ASCII hyphen-minus (as Babel does): ``-1 200 €`` / ``-€1,200``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from facilities.formatting import format_money  # the app's one money display; Babel only, no Flask

__all__ = [
    "NARROW_NBSP",
    "NBSP",
    "cents_to_euros",
    "euros_to_cents",
    "format_eur",
    "parse_cents",
]

NARROW_NBSP = "\u202f"  # French thousands separator (CLDR "fr" group symbol)
NBSP = "\u00a0"  # between the number and "€" in French


def format_eur(cents: int, locale: str = "fr") -> str:
    """Format an amount in integer cents as euros, French (default) or English.

    Delegates to :func:`facilities.formatting.format_money`, the application's one source of truth
    for money display; this wrapper only adds the strict checks the scheduler relies on.

    >>> format_eur(1_250_000_000) == "12\u202f500\u202f000\u00a0€"
    True
    >>> format_eur(1_250_000_050, "en")
    '€12,500,000.50'
    """
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"amount must be integer cents, got {type(cents).__name__}")
    lang = locale.replace("-", "_").split("_")[0].lower()
    if lang not in ("fr", "en"):
        raise ValueError(f"unsupported locale {locale!r} (use 'fr' or 'en')")
    return format_money(cents, lang)


def cents_to_euros(cents: int) -> Decimal:
    """Integer cents to a Decimal amount of euros with two decimals (exact)."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


MAX_EUR_DIGITS = 40  # longer digit strings are not plausible amounts


def euros_to_cents(value: Any, maximum_cents: int | None = None) -> int:
    """Parse an amount in euros (``Decimal``, ``int`` or string such as ``"12 500 000,50"``) to cents.

    Raises ``ValueError`` with an English message for non-numeric, negative, sub-cent or (when
    ``maximum_cents`` is given) too large amounts. Floats are refused (binary floats cannot represent
    cents exactly): read JSON with ``parse_float=Decimal``.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError("must be a number of euros given as a decimal string or integer, not a float")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        text = value.strip().replace(NARROW_NBSP, "").replace(NBSP, "").replace(" ", "").replace("€", "")
        text = text.replace(",", ".")
        if len(text) > MAX_EUR_DIGITS:
            raise ValueError("must be a number")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError("must be a number") from None
    else:
        raise ValueError("must be a number")
    if not amount.is_finite():
        raise ValueError("must be a number")
    if amount < 0:
        raise ValueError("must not be negative")
    if maximum_cents is not None and amount * 100 > maximum_cents:
        raise ValueError(f"must be at most {format_eur(maximum_cents)}")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError("must not have more than two decimals")
    return int(cents)


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
