"""Money: integer cents stored, euros typed (the rule engine's `money` kind), decimal strings in JSON, one display."""

from decimal import Decimal

import pytest
from babel.numbers import format_currency

from facilities import money
from facilities.formatting import format_money
from facilities.validation import JsonNumber, Rule, ValidationError, clean

NARROW_NBSP, NBSP = "\u202f", "\u00a0"


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
def test_format_money_fr_and_en(cents, fr, en):
    assert format_money(cents) == fr
    assert format_money(cents, "fr_FR") == fr
    assert format_money(cents, "en") == en


@pytest.mark.parametrize("cents", [1_250_000_050, 7, 99_999, -120_050, 123_456_789_01])
def test_format_money_matches_babel_when_cents_present(cents):
    # Babel always shows two decimals; ours only when cents != 0: compare the non-whole amounts.
    assert format_money(cents, "fr") == format_currency(Decimal(cents) / 100, "EUR", locale="fr_FR")
    assert format_money(cents, "en") == format_currency(Decimal(cents) / 100, "EUR", locale="en_US")


def test_format_money_refuses_floats_and_unknown_locales():
    assert format_money(None) == "—"
    with pytest.raises(TypeError):
        format_money(12.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        format_money(1, "de")


def test_cents_to_euros_is_exact_and_json_is_a_decimal_string():
    assert money.cents_to_euros(1_250_000_050) == Decimal("12500000.50")
    assert money.cents_to_euros(None) is None
    assert money.money_json(123_450) == "1234.50"
    assert money.money_json(7) == "0.07"
    assert money.money_json(money.MAX_CENTS) == "10000000000.00"
    with pytest.raises(TypeError):
        money.cents_to_euros(12.5)  # type: ignore[arg-type]


AMOUNT = Rule("amount", "money", "Amount")


def cents(value):
    return clean([AMOUNT], {"amount": value})["amount"]


def refusal(value) -> str:
    with pytest.raises(ValidationError) as caught:
        cents(value)
    return caught.value.errors["amount"]


def test_money_rule_reads_euros_into_cents():
    assert cents("12 500 000") == 1_250_000_000
    assert cents(f"12{NARROW_NBSP}500{NARROW_NBSP}000,50 €") == 1_250_000_050
    assert cents(Decimal("0.07")) == 7
    assert cents(3) == 300
    assert cents("10000000000") == money.MAX_CENTS
    assert cents("") is None
    assert AMOUNT.minimum == 0 and AMOUNT.maximum == money.MAX_EUROS and AMOUNT.unit == "€"


@pytest.mark.parametrize(("value", "message"), [
    ("abc", "must be an amount in euros"),
    ("-1", "must be at least 0 €"),
    ("12.345", "must not have more than two decimals"),
    ("0.001", "must not have more than two decimals"),
    ("10000000000.01", f"must be at most 10{NARROW_NBSP}000{NARROW_NBSP}000{NARROW_NBSP}000 €"),
    ("1e30", "must be at most"),
    ("nan", "must be an amount in euros"),
    ("1" * 50, "must be an amount in euros"),
    (True, "must be an amount in euros"),
    ([1], "must be an amount in euros"),
    (12.5, "written as text"),  # a float (a spreadsheet cell is read as Decimal before)
    (JsonNumber("12.5"), "written as text"),  # a JSON number with decimals
])
def test_money_rule_refusals(value, message):
    text = refusal(value)
    assert text.startswith("Amount ") and message in text, text


def test_money_text_is_what_a_form_shows_and_reads_back():
    assert money.money_text(1_250_000_000) == "12500000"
    assert money.money_text(1_250_000_050) == "12500000.50"
    assert money.money_text(None) == ""
    assert cents(money.money_text(7)) == 7
