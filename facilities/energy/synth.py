"""Energy data of the synthetic sites (`flask demo synth`, facilities/maps/synth.py): yearly consumption of plausible
carriers and magnitudes for each synthetic building, inserted in bulk, then the buildings' standings stored, so that
benchmarks exercise the energy dashboard, the map's DPE colours and the filters with data.

Illustrative figures, reproducible from the seed: electricity for every building (40–100 kWh/m² a year), and for
nine buildings in ten a heating carrier (natural gas, district heating or fuel oil, 50–170 kWh/m²), in the reference
year 2019 and the last three complete years; each building follows a trend of −9 % to +1 % a year (about half of
them stay on their Décret tertiaire trajectory), each year ±3 % around it.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, insert

from facilities.energy import standings
from facilities.energy.models import (
    BuildingEnergySettings,
    BuildingEnergyYear,
    EnergyConsumption,
    EnergyStanding,
)
from facilities.extensions import db
from facilities.timeutil import paris_today, utcnow

REFERENCE_YEAR = 2019  # in the Décret tertiaire window 2010–2022: every synthetic building has a trajectory
HEATING = (("natural_gas", 0.6), ("district_heating", 0.2), ("fuel_oil", 0.1), (None, 0.1))  # None: all-electric
CHUNK = 20_000


def _years(today: date) -> list[int]:
    return [REFERENCE_YEAR, *range(today.year - 3, today.year)]


def consumption_rows(buildings: Iterable[tuple[int, Decimal]], seed: int, today: date | None = None) -> list[dict]:
    """The consumption records of `(building id, floor area m²)` pairs, reproducible from `seed`."""
    rng = random.Random(f"energy-{seed}")
    years = _years(today or paris_today())
    carriers = [carrier for carrier, _share in HEATING]
    shares = [share for _carrier, share in HEATING]
    now = utcnow()
    rows = []
    for building_id, area in buildings:
        area = float(area)
        heating = rng.choices(carriers, shares)[0]
        per_m2 = {"electricity": rng.uniform(40, 100)}
        if heating:
            per_m2[heating] = rng.uniform(50, 170)
        trend = rng.uniform(0.91, 1.01)
        for year in years:
            for carrier, value in per_m2.items():
                kwh = value * area * trend ** (year - REFERENCE_YEAR) * rng.uniform(0.97, 1.03)
                rows.append({"building_id": building_id, "year": year, "carrier": carrier, "kwh": Decimal(round(kwh)),
                             "source": "estimate", "version": 1, "created_at": now, "updated_at": now})
    return rows


def add_synthetic_consumption(buildings: list[tuple[int, Decimal]], seed: int) -> int:
    """Insert the consumption of the synthetic buildings (Core executemany) and store their standings; flush only.
    Returns the number of consumption records."""
    rows = consumption_rows(buildings, seed)
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(EnergyConsumption), rows[start:start + CHUNK])
    standings.refresh(building_id for building_id, _area in buildings)
    standings.refresh_totals({row["year"] for row in rows})
    return len(rows)


def remove_energy_data(building_ids) -> int:
    """Delete the energy records and standings of the given buildings (a select of ids); the consumption count."""
    for model in (EnergyStanding, BuildingEnergyYear, BuildingEnergySettings):
        db.session.execute(delete(model).where(model.building_id.in_(building_ids)))
    removed = db.session.execute(delete(EnergyConsumption).where(
        EnergyConsumption.building_id.in_(building_ids))).rowcount
    if removed:
        standings.refresh_totals()
    standings.rebuild_counts()
    return removed
