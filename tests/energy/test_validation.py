"""Validation of consumption rows typed in a form, a CSV file or the API."""

from datetime import date
from decimal import Decimal as D

import pytest

from facilities.energy.input_messages import Code, InputMessage
from facilities.energy.input_validation import validate_consumption_row, validate_year_row
from facilities.energy.reference import Carrier, ConsumptionSource

TODAY = date(2025, 6, 1)


def english(errors):
    """The errors as the command line prints them (the app translates the same codes)."""
    return {name: str(message) for name, message in errors.items()}
GOOD = {"building_code": " PS-CLICHY ", "year": "2024", "carrier": "Natural_Gas", "kwh": "12 345,5"}


def test_a_good_row():
    values, errors = validate_consumption_row({**GOOD, "area_m2": "1500", "source": "invoice"}, today=TODAY)
    assert errors == {}
    assert values == {
        "building_code": "PS-CLICHY",
        "year": 2024,
        "carrier": Carrier.NATURAL_GAS,
        "kwh": D("12345.5"),  # French decimal comma and thousands space accepted
        "area_m2": D(1500),
        "source": ConsumptionSource.INVOICE,
    }
    # JSON numbers too; area and source are optional.
    values, errors = validate_consumption_row(
        {"building_code": "B1", "year": 2025, "carrier": "wood", "kwh": 0}, today=TODAY
    )
    assert errors == {} and values["kwh"] == D(0) and values["area_m2"] is None and values["source"] is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kwh": "-5"}, "kwh", "kwh must not be negative (got -5)"),
        ({"kwh": "abc"}, "kwh", "kwh must be a number (got 'abc')"),
        ({"kwh": "NaN"}, "kwh", "kwh must be a number (got 'NaN')"),
        ({"kwh": "1,234.5"}, "kwh", "kwh must be a number (got '1,234.5')"),
        ({"kwh": ""}, "kwh", "kwh is required"),
        (
            {"carrier": "coal"},
            "carrier",
            "carrier 'coal' is unknown; expected one of: electricity, natural_gas, fuel_oil, lpg, "
            "district_heating, district_cooling, wood",
        ),
        ({"carrier": None}, "carrier", "carrier is required"),
        ({"year": "1999"}, "year", "year must be between 2000 and 2026 (got 1999)"),
        ({"year": "2027"}, "year", "year must be between 2000 and 2026 (got 2027)"),
        ({"year": "2024.5"}, "year", "year must be a whole number (got '2024.5')"),
        ({"year": " "}, "year", "year is required"),
        ({"building_code": ""}, "building_code", "building_code is required"),
        ({"area_m2": "0"}, "area_m2", "area_m2 must be greater than 0 (got 0)"),
        ({"area_m2": "-10"}, "area_m2", "area_m2 must be greater than 0 (got -10)"),
        (
            {"source": "guess"},
            "source",
            "source 'guess' is unknown; expected one of: invoice, meter, estimate",
        ),
    ],
)
def test_errors_name_the_field(change, field, message):
    values, errors = validate_consumption_row({**GOOD, **change}, today=TODAY)
    assert english(errors) == {field: message}
    assert values[field] is None


def test_year_bounds_follow_today():
    # Next year is accepted (2026 when today is in 2025), the year after is not.
    assert validate_consumption_row({**GOOD, "year": "2026"}, today=TODAY)[1] == {}
    assert validate_consumption_row({**GOOD, "year": "2000"}, today=TODAY)[1] == {}
    assert "year" in validate_consumption_row({**GOOD, "year": "2026"}, today=date(2024, 12, 31))[1]


def test_area_required_when_the_building_has_none():
    assert validate_consumption_row(GOOD, today=TODAY, area_required=True)[1] == {
        "area_m2": InputMessage(Code.AREA_REQUIRED, {"field": "area_m2"})
    }
    assert validate_consumption_row({**GOOD, "area_m2": "850"}, today=TODAY, area_required=True)[1] == {}


def test_several_errors_at_once():
    _, errors = validate_consumption_row({"year": "1990", "carrier": "coal", "kwh": "-1"}, today=TODAY)
    assert set(errors) == {"building_code", "year", "carrier", "kwh"}


def test_year_row():
    values, errors = validate_year_row(
        {"year": "2024", "area_m2": "1500,5", "dju": "2100", "dju_mean": ""}, today=TODAY
    )
    assert errors == {}
    assert values == {"year": 2024, "area_m2": D("1500.5"), "dju": D(2100), "dju_mean": None}
    _, errors = validate_year_row({"year": "2024", "dju": "0", "dju_mean": "-3"}, today=TODAY)
    assert english(errors) == {
        "dju": "dju must be greater than 0 (got 0)",
        "dju_mean": "dju_mean must be greater than 0 (got -3)",
    }


@pytest.mark.parametrize(("field", "value", "message"), [
    ("kwh", "1000000000001", "at most"),
    ("kwh", "1e999999", "at most"),
    ("area_m2", "0.001", "greater than 0"),  # stored as 0.00
    ("area_m2", "1000001", "at most"),
    ("dju", "0.04", "greater than 0"),  # stored as 0.0
    ("dju", "10001", "at most"),
])
def test_values_the_columns_cannot_keep_are_refused_for_forms_imports_and_api(field, value, message):
    raw = {"building_code": "B1", "year": "2024", "carrier": "electricity", "kwh": "1000", field: value}
    _values, errors = (validate_year_row if field == "dju" else validate_consumption_row)(raw, today=date(2025, 1, 1))
    assert message in str(errors[field])


def test_errors_are_codes_with_parameters():
    # What the app translates: a code and the values its message needs (the English text is only str()).
    _, errors = validate_consumption_row({**GOOD, "year": "1999", "kwh": "-5", "carrier": "coal"}, today=TODAY)
    assert errors["year"] == InputMessage(Code.OUT_OF_RANGE, {"field": "year", "first": 2000, "last": 2026,
                                                              "value": "1999"})
    assert errors["kwh"] == InputMessage(Code.NEGATIVE, {"field": "kwh", "value": "-5"})
    assert errors["carrier"].code == Code.UNKNOWN_CHOICE and errors["carrier"].params["value"] == "'coal'"
    _, errors = validate_consumption_row({**GOOD, "kwh": "1000000000001"}, today=TODAY)
    assert errors["kwh"] == InputMessage(Code.TOO_LARGE, {"field": "kwh", "maximum": D(10**12),
                                                          "value": "1000000000001"})
    assert str(errors["kwh"]) == "kwh must be at most 1,000,000,000,000 (got 1000000000001)"
