"""Consumption rows typed in a form, a CSV file or the API: read by the shared rule engine (energy.input_validation)."""

from datetime import date
from decimal import Decimal as D

import pytest

from facilities.energy.input_validation import CONSUMPTION_RULES, ENTRY_RULES, YEAR_DATA_RULES, check_entry

TODAY = date(2025, 6, 1)
GOOD = {"building_code": " PS-CLICHY ", "year": "2024", "carrier": "Natural_Gas", "kwh": "12 345,5"}


def check(raw, **options):
    return check_entry(raw, today=options.pop("today", TODAY), **options)


def test_a_good_row():
    values, errors = check({**GOOD, "area_m2": "1500", "source": "invoice"})
    assert errors == {}
    assert values == {
        "building_code": "PS-CLICHY",
        "year": 2024,
        "carrier": "natural_gas",  # a code in another case is the code
        "kwh": D("12345.50"),  # French decimal comma and thousands space accepted
        "area_m2": D("1500.00"),
        "source": "invoice",
        "dju": None,
        "dju_mean": None,
    }
    # JSON numbers too; area and source are optional.
    values, errors = check({"building_code": "B1", "year": 2025, "carrier": "wood", "kwh": 0})
    assert errors == {} and values["kwh"] == D(0) and values["area_m2"] is None and values["source"] is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kwh": "-5"}, "kwh", "Consumption (kWh final) must be at least 0 kWh"),
        ({"kwh": "abc"}, "kwh", "Consumption (kWh final) must be a number"),
        ({"kwh": "NaN"}, "kwh", "Consumption (kWh final) must be a number"),
        ({"kwh": "1,234.5"}, "kwh", "Consumption (kWh final) must be a number"),
        ({"kwh": ""}, "kwh", "Consumption (kWh final) is required"),
        ({"carrier": "coal"}, "carrier",
         "Energy must be one of: electricity, natural_gas, fuel_oil, lpg, district_heating, district_cooling, wood"),
        ({"carrier": None}, "carrier", "Energy is required"),
        ({"year": "1999"}, "year", "Year must be at least 2000"),
        ({"year": "2027"}, "year", "Year must be at most 2026"),
        ({"year": "2024.5"}, "year", "Year must be a whole number"),
        ({"year": " "}, "year", "Year is required"),
        ({"building_code": ""}, "building_code", "Building code is required"),
        ({"area_m2": "0"}, "area_m2", "Energy reference area that year (m²) must be greater than 0 m²"),
        ({"area_m2": "-10"}, "area_m2", "Energy reference area that year (m²) must be greater than 0 m²"),
        ({"source": "guess"}, "source", "Source must be one of: invoice, meter, estimate"),
    ],
)
def test_errors_name_the_field(change, field, message):
    values, errors = check({**GOOD, **change})
    assert errors == {field: message}
    assert values[field] is None


def test_year_bounds_follow_today():
    # Next year is accepted (2026 when today is in 2025), the year after is not.
    assert check({**GOOD, "year": "2026"})[1] == {}
    assert check({**GOOD, "year": "2000"})[1] == {}
    assert "year" in check({**GOOD, "year": "2026"}, today=date(2024, 12, 31))[1]


def test_area_required_when_the_building_has_none():
    assert check(GOOD, area_required=True)[1] == {
        "area_m2": "Energy reference area that year (m²) is required (the building has no floor area)"}
    assert check({**GOOD, "area_m2": "850"}, area_required=True)[1] == {}


def test_several_errors_at_once():
    _, errors = check({"year": "1990", "carrier": "coal", "kwh": "-1"})
    assert set(errors) == {"building_code", "year", "carrier", "kwh"}


def test_year_data():
    values, errors = check({"year": "2024", "area_m2": "1500,5", "dju": "2100", "dju_mean": "2200"},
                           rules=YEAR_DATA_RULES + CONSUMPTION_RULES[1:2])
    assert errors == {}
    assert values == {"year": 2024, "area_m2": D("1500.50"), "dju": D("2100.0"), "dju_mean": D("2200.0")}
    _, errors = check({"year": "2024", "dju": "0", "dju_mean": "-3"}, rules=YEAR_DATA_RULES)
    assert errors == {"dju": "Heating degree-days (DJU) of the year must be greater than 0",
                      "dju_mean": "Long-term mean DJU must be greater than 0"}
    assert check({"dju": "2100"}, rules=YEAR_DATA_RULES)[1] == {"dju_mean": "give both dju and dju_mean, or neither"}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("kwh", "1000000000001", "at most"),
    ("kwh", "1e999999", "at most"),
    ("area_m2", "0.001", "greater than 0"),  # stored as 0.00
    ("area_m2", "1000001", "at most"),
    ("dju", "0.04", "greater than 0"),  # stored as 0.0
    ("dju", "10001", "at most"),
])
def test_values_the_columns_cannot_keep_are_refused_for_forms_imports_and_api(field, value, message):
    raw = {"building_code": "B1", "year": "2024", "carrier": "electricity", "kwh": "1000", "dju_mean": "2000",
           field: value}
    _values, errors = check(raw, rules=ENTRY_RULES)
    assert message in errors[field]
