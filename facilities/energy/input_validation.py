"""The rules of an energy input (consumption form, API body, CSV line), read by the shared rule engine.

Each field is declared once here, with its bounds (what its column keeps and the largest credible value);
the form, the API (which documents the same rules) and the importer read with them, so that a bad value
gets the same message everywhere. Messages are in the user's language (the rule engine's).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from facilities import carriers, years
from facilities.energy.reference import ConsumptionSource
from facilities.inventory.rules import MAX_AREA_M2
from facilities.validation import Rule, ValidationError, clean, year_rule

# The largest credible yearly consumption of one carrier: a terawatt-hour a year is no building.
MAX_KWH = Decimal(10**12)
MAX_DJU = Decimal(10_000)  # heating degree-days of a year: Météo-France's coldest stations stay under 5 000

CONSUMPTION_RULES = (
    Rule("building_code", "text", _l("Building code"), required=True, max_length=32),
    year_rule("year", _l("Year"), years.CONSUMPTION, required=True),
    Rule("carrier", "choice", _l("Energy"), required=True, choices=lambda: carriers.CODES),
    Rule("kwh", "decimal", _l("Consumption (kWh final)"), required=True, minimum=Decimal(0), maximum=MAX_KWH,
         places=2, unit="kWh"),
    Rule("source", "choice", _l("Source"), choices=lambda: [str(source) for source in ConsumptionSource]),
)
# The data of a building's year that comes with a consumption entry (a value rounded to 0 at its column's
# scale is 0, which "greater than 0" refuses).
AREA_RULE = Rule("area_m2", "decimal", _l("Energy reference area that year (m²)"), minimum=Decimal(0),
                 exclusive_minimum=True, maximum=MAX_AREA_M2, places=2, unit="m²")
YEAR_DATA_RULES = (
    AREA_RULE,
    Rule("dju", "decimal", _l("Heating degree-days (DJU) of the year"), minimum=Decimal(0), exclusive_minimum=True,
         maximum=MAX_DJU, places=1),
    Rule("dju_mean", "decimal", _l("Long-term mean DJU"), minimum=Decimal(0), exclusive_minimum=True,
         maximum=MAX_DJU, places=1),
)
ENTRY_RULES = CONSUMPTION_RULES + YEAR_DATA_RULES
DJU_FIELDS = ("dju", "dju_mean")  # the year's DJU and its long-term mean: both or neither
IMPORT_RULES = CONSUMPTION_RULES + (AREA_RULE,)  # the columns of a consumption file


def _as_of(rules: Iterable[Rule], today: date | None) -> tuple[Rule, ...]:
    """The rules with the consumption years of `today` (tests and imports dated on purpose)."""
    if today is None:
        return tuple(rules)
    last = years.CONSUMPTION.last_year(today)
    return tuple(replace(rule, maximum=last) if rule.name == "year" else rule for rule in rules)


def area_required_message() -> str:
    return _("%(field)s is required (the building has no floor area)", field=AREA_RULE.display_name())


def check_entry(raw: Mapping[str, Any], *, rules: Iterable[Rule] = ENTRY_RULES, today: date | None = None,
                area_required: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
    """Read each field by its rule: (typed values, None where wrong or absent; {field: message} at fault).

    The DJU of the year and its long-term mean go together; `area_required` when the building has no floor
    area to put the consumption per m².
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for rule in _as_of(rules, today):
        try:
            values.update(clean((rule,), raw))
        except ValidationError as error:
            values[rule.name] = None
            errors.update(error.errors)
    dju, mean = DJU_FIELDS
    if dju in values and (values[dju] is None) != (values.get(mean) is None) and not errors.keys() & {dju, mean}:
        errors[mean if values.get(mean) is None else dju] = _("give both dju and dju_mean, or neither")
    if area_required and values.get("area_m2") is None and "area_m2" not in errors:
        errors["area_m2"] = area_required_message()
    return values, errors
