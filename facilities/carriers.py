"""The energy carriers: one list for the energy records, the reference tables and the works' expected savings.

Pure Python (the energy core imports it). Labels are English source strings marked with N_ for the
catalogues; `labels()` gives them in the user's language.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


def N_(message: str) -> str:
    """Mark a string for the translation catalogues; it is translated where it is shown."""
    return message


class Carrier(StrEnum):
    """Energy carriers, consumption always in kWh of final energy."""

    ELECTRICITY = "electricity"
    NATURAL_GAS = "natural_gas"
    FUEL_OIL = "fuel_oil"
    LPG = "lpg"
    DISTRICT_HEATING = "district_heating"
    DISTRICT_COOLING = "district_cooling"
    WOOD = "wood"


NAMES: dict[Carrier, str] = {
    Carrier.ELECTRICITY: N_("Electricity"),
    Carrier.NATURAL_GAS: N_("Natural gas"),
    Carrier.FUEL_OIL: N_("Fuel oil"),
    Carrier.LPG: N_("LPG"),
    Carrier.DISTRICT_HEATING: N_("District heating"),
    Carrier.DISTRICT_COOLING: N_("District cooling"),
    Carrier.WOOD: N_("Wood"),
}
assert set(NAMES) == set(Carrier)

CODES: tuple[str, ...] = tuple(str(carrier) for carrier in Carrier)


def labels() -> dict[str, Any]:
    """Code → label in the user's language (lazy), in the list's order."""
    from flask_babel import lazy_gettext  # here, so that importing the list needs no Flask

    return {str(carrier): lazy_gettext(name) for carrier, name in NAMES.items()}
