"""Money formatting and parsing (integer cents)."""

from decimal import Decimal

import pytest
from babel.numbers import format_currency

from facilities.works.money import NARROW_NBSP, NBSP, cents_to_euros, euros_to_cents, format_eur, parse_cents


@pytest.mark.parametrize(
    ("cents", "fr", "en"),
    [
        (1_250_000_000, f"12{NARROW_NBSP}500{NARROW_NBSP}000{NBSP}€", "€12,500,000"),
        (1_250_000_050, f"12{NARROW_NBSP}500{NARROW_NBSP}000,50{NBSP}€", "€12,500,000.50"),
        (1_132_000_000, f"11{NARROW_NBSP}320{NARROW_NBSP}000{NBSP}€", "€11,320,000"),
        (100_000, f"1{NARROW_NBSP}000{NBSP}€", "€1,000"),
        (99_999, f"999,99{NBSP}€", "€999.99"),
        (7, f"0,07{NBSP}€", "€0.07"),
        (0, f"0{NBSP}€", "€0"),
        (-120_000, f"-1{NARROW_NBSP}200{NBSP}€", "-€1,200"),
    ],
)
def test_format_eur_fr_and_en(cents, fr, en):
    assert format_eur(cents) == fr
    assert format_eur(cents, "fr_FR") == fr
    assert format_eur(cents, "en") == en


@pytest.mark.parametrize("cents", [1_250_000_050, 7, 99_999, -120_050, 123_456_789_01])
def test_format_eur_matches_babel_when_cents_present(cents):
    # Babel always shows two decimals; ours only when cents != 0: compare the non-whole amounts.
    assert format_eur(cents, "fr") == format_currency(Decimal(cents) / 100, "EUR", locale="fr_FR")
    assert format_eur(cents, "en") == format_currency(Decimal(cents) / 100, "EUR", locale="en_US")


def test_format_eur_whole_euros_match_babel_pattern_without_decimals():
    expected = format_currency(
        Decimal("12500000"), "EUR", locale="fr_FR", format="#,##0\u00a0¤", currency_digits=False
    )
    assert format_eur(1_250_000_000) == expected


def test_format_eur_rejects_float_and_unknown_locale():
    with pytest.raises(TypeError):
        format_eur(12.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        format_eur(1, "de")


def test_euros_to_cents_and_back():
    assert euros_to_cents("12 500 000") == 1_250_000_000
    assert euros_to_cents(f"12{NARROW_NBSP}500{NARROW_NBSP}000,50 €") == 1_250_000_050
    assert euros_to_cents(Decimal("0.07")) == 7
    assert euros_to_cents(3) == 300
    assert cents_to_euros(1_250_000_050) == Decimal("12500000.50")
    for bad, msg in [("abc", "must be a number"), ("-1", "must not be negative"), ("0.001", "two decimals")]:
        with pytest.raises(ValueError, match=msg):
            euros_to_cents(bad)
    with pytest.raises(ValueError, match="float"):
        euros_to_cents(1.5)


def test_parse_cents():
    assert parse_cents(12) == 12
    assert parse_cents("1250") == 1250
    assert parse_cents(Decimal("10")) == 10
    for bad, msg in [
        ("12a", "must be a number"),
        (None, "must be a number"),
        (True, "must be a number"),
        ("nan", "must be a number"),
        (1.5, "whole number of cents"),
        (-1, "must not be negative"),
    ]:
        with pytest.raises(ValueError, match=msg):
            parse_cents(bad)
