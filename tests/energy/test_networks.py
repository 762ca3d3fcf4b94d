"""Heating and cooling networks (issue 15 point 7): a network's CO2 content row replaces the generic one for
the buildings on it; district cooling has a generic row too (a network the DPE arrêté does not list: coal's 0.385).
The network values below are test figures, not a network's published content."""

from datetime import date
from decimal import Decimal as D

import pytest

from facilities.energy.reference import EmissionFactor, ReferenceData
from facilities.energy.reference_seed import (
    DPE_SCALES,
    EMISSION_FACTORS,
    PRIMARY_ENERGY_FACTORS,
    TERTIAIRE_WEIGHTS,
)
from facilities.energy.year_indicators import YearConsumption, compute_year

START = date(2000, 1, 1)
NETWORK_ROWS = (
    EmissionFactor(carrier="district_heating", network="Réseau Nord", kg_co2e_per_kwh=D("0.180"),
                   valid_from=START, source="test value"),
    EmissionFactor(carrier="district_cooling", network="Réseau Nord", kg_co2e_per_kwh=D("0.020"),
                   valid_from=START, source="test value"),
)
REF = ReferenceData(primary_energy_factors=PRIMARY_ENERGY_FACTORS, emission_factors=EMISSION_FACTORS + NETWORK_ROWS,
                    dpe_scales=DPE_SCALES, tertiaire_weights=TERTIAIRE_WEIGHTS)
YEAR = YearConsumption(2025, {"district_heating": D(100_000), "district_cooling": D(50_000)}, D(1000))


def test_a_network_row_replaces_the_generic_value_and_gives_cooling_its_ghg():
    # 1,000 m², 100,000 kWh of district heating and 50,000 kWh of district cooling.
    # On "Réseau Nord": (100,000 × 0.180 + 50,000 × 0.020) / 1,000 = (18,000 + 1,000) / 1,000 = 19 kg CO2e/m².
    on_network = compute_year(YEAR, "tertiary_office", REF, network="Réseau Nord")
    assert on_network.ghg_kg_m2 == D(19)
    assert {r.key for r in on_network.references if r.table == "emission_factors"} == {
        ("district_heating", "Réseau Nord"), ("district_cooling", "Réseau Nord")}
    # No network named: heating and cooling take the generic 0.385 (an unlisted network: coal's content):
    # (100,000 + 50,000) × 0.385 / 1,000 = 57.75 kg CO2e/m².
    generic = compute_year(YEAR, "tertiary_office", REF)
    assert generic.ghg_kg_m2 == D("57.75") and not generic.missing
    # Heating only, on an unknown network: the generic 0.385 → 100,000 × 0.385 / 1,000 = 38.5.
    heating = YearConsumption(2025, {"district_heating": D(100_000)}, D(1000))
    assert compute_year(heating, "tertiary_office", REF, network="Réseau Sud").ghg_kg_m2 == D("38.5")


def test_only_district_carriers_have_a_network():
    with pytest.raises(ValueError, match="only district heating or cooling"):
        EmissionFactor(carrier="natural_gas", network="Réseau Nord", kg_co2e_per_kwh=D("0.2"), valid_from=START,
                       source="test")
    # A blank network is the generic row.
    assert EmissionFactor(carrier="district_heating", network=" ", kg_co2e_per_kwh=D("0.3"), valid_from=START,
                          source="test").key == "district_heating"


def test_building_network_setting_reaches_the_report(db, seeded, factory):
    from facilities.energy import reference_admin, services
    from facilities.energy.models import EnergyConsumption

    building = factory.building(name="Maison du département", gross_floor_area_m2="1000")
    db.session.add(EnergyConsumption(building_id=building.id, year=2025, carrier="district_cooling", kwh=D(50_000)))
    db.session.add(EnergyConsumption(building_id=building.id, year=2025, carrier="district_heating",
                                     kwh=D(100_000)))
    services.save_settings(building, services.clean_settings(
        {"scale_code": "tertiary_office", "network": "Réseau Nord"}, building.id))
    table = reference_admin.TABLES["emission_factors"]
    for carrier, value in (("district_heating", "0.180"), ("district_cooling", "0.020")):
        reference_admin.add_row(table, reference_admin.clean_row(table, {
            "carrier": carrier, "kg_co2e_per_kwh": value, "network": "Réseau Nord", "valid_from": "2000-01-01",
            "source": "test value"}))
    db.session.flush()
    report = services.load_building_energy([building.id])[building.id].report(
        services.load_reference_data(), today=date(2026, 6, 1))
    # (100,000 × 0.180 + 50,000 × 0.020) / 1,000 m² = 19 kg CO2e/m² (as in the pure example above).
    assert report["years"][0]["ghg_kg_m2"] == 19.0
