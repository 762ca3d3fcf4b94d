"""Illustrative renewal data of the demo: expected life, replacement cost and condition of the safety area's demo
equipment where missing, and two older items, so that the demo's forecast has needs in the coming years.

Every value is illustrative (the items are marked so by the safety demo, the two added ones here), typical
orders of magnitude rather than prices. Only empty fields are filled: loading it again changes nothing.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from facilities.extensions import db
from facilities.inventory.models import Building
from facilities.safety import rules as safety_rules
from facilities.safety import services as safety_services
from facilities.safety.models import Equipment

# building code -> item name -> (expected life in years, replacement cost in euros, condition, condition assessed
# on, criticality); a condition of None leaves it unassessed.
DEMO_RENEWAL = {
    "PS-ASN-B1": {
        "TGBT": (30, "85000", 3, "2025-06-15", "high"),
        "Centrale SSI catégorie A": (15, "120000", 4, "2025-09-01", "high"),
        "Ascenseur principal": (25, "160000", 3, "2025-06-15", "high"),
        "Extincteurs (24)": (10, "4800", 2, "2025-06-15", "medium"),
        "Éclairage de sécurité (BAES)": (8, "18000", 3, "2025-06-15", "high"),
        "Chaudière gaz (illustratif)": (20, "95000", 4, "2025-10-01", "medium"),
        "Centrale de traitement d'air (illustratif)": (20, "140000", 3, "2025-10-01", "medium"),
    },
    "PS-CLI-B1": {
        "TGBT": (30, "70000", 2, "2025-03-10", "high"),
        "Centrale SSI": (15, "95000", 2, "2025-03-10", "high"),
        "Extincteurs (18)": (10, "3600", 2, "2025-03-10", "medium"),
        "Chaudière gaz (illustratif)": (20, "80000", 5, "2025-11-05", "medium"),
    },
}
# Older items the renewal demo adds (the safety demo's are from 2023-2024): (category, name, make, installed on).
DEMO_OLDER = {
    "PS-ASN-B1": [("heating", "Chaudière gaz (illustratif)", "De Dietrich", "2008-10-01"),
                  ("ventilation", "Centrale de traitement d'air (illustratif)", "France Air", "2012-05-01")],
    "PS-CLI-B1": [("heating", "Chaudière gaz (illustratif)", "Viessmann", "2006-09-01")],
}


def load_demo(today: date | None = None) -> None:
    """Add the older demo items and fill the empty renewal fields of the demo equipment."""
    for code, items in DEMO_RENEWAL.items():
        building = db.session.scalar(select(Building).where(Building.code == code))
        if building is None:
            continue
        for category, name, make, installed in DEMO_OLDER.get(code, ()):
            if db.session.scalar(select(Equipment.id).where(Equipment.building_id == building.id,
                                                            Equipment.name == name)) is None:
                safety_services.create_equipment(building, safety_rules.clean_equipment({
                    "category": category, "name": name, "make": make, "installed_on": installed,
                    "illustrative": True}))
        for item in db.session.scalars(select(Equipment).where(Equipment.building_id == building.id,
                                                               Equipment.illustrative.is_(True))):
            if item.name not in items:
                continue
            life, cost, condition, assessed, criticality = items[item.name]
            wanted = {"expected_life_years": life, "replacement_cost_eur": cost, "condition": condition,
                      "condition_on": assessed, "criticality": criticality}
            current = {"expected_life_years": item.expected_life_years,
                       "replacement_cost_eur": item.replacement_cost_cents, "condition": item.condition,
                       "condition_on": item.condition_on, "criticality": item.criticality}
            missing = {key: value for key, value in wanted.items() if current[key] is None and value is not None}
            if "condition_on" in missing and "condition" not in missing:
                missing.pop("condition_on")  # a condition recorded by someone keeps its own date
            if missing:
                safety_services.update_equipment(item, safety_rules.clean_equipment(missing, partial=True))
