"""Demo data of the energy area: illustrative yearly consumption 2018–2025 of the demo buildings.

The figures are invented to give the dashboard and the trajectories something to show (source
"estimate", with a note saying they are illustrative): some buildings are on track, some off track.
Idempotent: only missing records are created; a second run changes nothing.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from facilities.energy import services
from facilities.energy.models import EnergyConsumption
from facilities.extensions import db
from facilities.inventory.models import Building

NOTE = "Valeur de démonstration illustrative (inventée), ni relevé de compteur ni facture."
YEARS = range(2018, 2026)

# building code: (first year, kWh per carrier in the first year, yearly change). A change of −5 %/yr beats
# the straight line to −40 % in 2030 (on track); −1 %/yr or a rise is off track.
SERIES: dict[str, tuple[int, dict[str, int], str]] = {
    # New in 2023, built to the latest energy-performance requirements: heat pump and district heating.
    "PS-ASN-B1": (2023, {"electricity": 62_000, "district_heating": 26_000}, "-0.03"),
    "PS-CLI-B1": (2018, {"natural_gas": 190_000, "electricity": 60_000}, "-0.055"),
    "IME-VLG-B1": (2018, {"natural_gas": 380_000, "electricity": 110_000}, "-0.01"),
    "MDA-NAN-B1": (2018, {"district_heating": 150_000, "electricity": 55_000}, "-0.06"),
    "FOY-RUE-B1": (2018, {"fuel_oil": 210_000, "electricity": 70_000}, "0.01"),
    "PS-ISS-B1": (2018, {"natural_gas": 170_000, "electricity": 65_000}, "-0.05"),
    "PS-ANT-B1": (2018, {"natural_gas": 230_000, "electricity": 80_000}, "-0.01"),
    "PS-BAG-B1": (2018, {"district_heating": 160_000, "electricity": 62_000}, "-0.045"),
    "PS-CHM-B1": (2018, {"natural_gas": 260_000, "electricity": 90_000}, "0.005"),
    "PS-VLG-B1": (2018, {"electricity": 120_000, "natural_gas": 90_000}, "-0.02"),
    "PS-CHT-B1": (2018, {"district_heating": 140_000, "electricity": 50_000}, "-0.065"),
    "MDA-NAN-B2": (2018, {"electricity": 36_000}, "-0.04"),
}
# The demo's two-building site: one EFA for both (the app proposes one per building; a user merged them).
MERGED_SITE, MERGED_LABEL = "MDA-NAN", "Maison de l'Avenir – site (démo illustrative)"


def demo_kwh(first_kwh: int, change: Decimal, years_since_start: int) -> Decimal:
    """The first year's figure compounded by the yearly change, to the kWh."""
    return (Decimal(first_kwh) * (1 + change) ** years_since_start).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def load_demo() -> None:
    """Create the missing energy demo records; flush only, the caller commits."""
    services.ensure_reference_seeded()
    buildings = {b.code: b for b in db.session.execute(
        select(Building).where(Building.code.in_(list(SERIES)))).scalars()}
    existing = {tuple(row) for row in db.session.execute(
        select(EnergyConsumption.building_id, EnergyConsumption.year, EnergyConsumption.carrier)
        .where(EnergyConsumption.building_id.in_([b.id for b in buildings.values()]))).all()}
    for code, (first_year, start, change) in SERIES.items():
        building = buildings.get(code)
        if building is None:
            continue
        for year in YEARS:
            if year < first_year:
                continue
            for carrier, kwh in start.items():
                if (building.id, year, carrier) in existing:
                    continue
                db.session.add(EnergyConsumption(
                    building_id=building.id, year=year, carrier=carrier,
                    kwh=demo_kwh(kwh, Decimal(change), year - first_year), source="estimate", note=NOTE))
    db.session.flush()
    _load_efas()


def _load_efas() -> None:
    """One EFA per demo building with tertiary area, the two of the two-building site merged into one."""
    from facilities.energy import efas
    from facilities.inventory.models import Site

    efas.propose_efas()
    site = db.session.execute(select(Site).where(Site.code == MERGED_SITE)).scalar_one_or_none()
    if site is None:
        return
    found = efas.site_efas(site.id)
    if len(found) > 1:
        efas.merge_efas(found[0], found[1:])
        found[0].label = MERGED_LABEL
        db.session.flush()
