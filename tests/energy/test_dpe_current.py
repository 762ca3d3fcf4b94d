"""Today's DPE (issue 15 point 5): the last three complete years with the factors in force today, while the
per-year series keeps each year as labelled at the time (factors in force at the end of that year)."""

from datetime import date
from decimal import Decimal as D

from facilities.energy.building_report import building_energy_report
from facilities.energy.dpe_current import current_dpe, last_complete_years
from facilities.energy.reference import ScaleMetric
from facilities.energy.reference_seed import seed_reference_data
from facilities.energy.year_indicators import YearConsumption

REF = seed_reference_data()
TODAY = date(2026, 11, 30)


def electric_office(kwh_by_year, area=1000):
    return [YearConsumption(year, {"electricity": D(kwh)}, D(area)) for year, kwh in kwh_by_year.items()]


def test_2025_electricity_rated_today_is_c_not_d():
    # 1,000 m² of offices, 100,000 kWh of electricity a year in 2023, 2024 and 2025 (100 kWh/m² final).
    # Today (30 November 2026) electricity is 1.9: 100 × 1.9 = 190 kWhEP/m² → C (111–210);
    # GHG 100 × 0.079 = 7.9 kg CO2e/m² → B on the climate scale (6–15), not in the letter.
    # As labelled at the time (factor in force on 31 December 2025: 2.3): 100 × 2.3 = 230 → D (211–350).
    years = electric_office({2023: 100_000, 2024: 100_000, 2025: 100_000})
    dpe = current_dpe(years, "tertiary_office", REF, today=TODAY)
    assert (dpe.primary_kwh_m2, dpe.ghg_kg_m2, dpe.dpe_class) == (D(190), D("7.9"), "C")
    assert dpe.dpe_classes == {ScaleMetric.PRIMARY_ENERGY: "C", ScaleMetric.GHG: "B"}
    assert (dpe.years, dpe.missing_years, dpe.factors_date) == ((2023, 2024, 2025), (), TODAY)
    electricity = [r for r in dpe.references if r.table == "primary_energy_factors"]
    assert [r.factor for r in electricity] == [D("1.9")] and "13 août 2025" in electricity[0].source

    report = building_energy_report(years, "tertiary_office", REF, today=TODAY)
    y2025 = report["years"][-1]
    assert (y2025["year"], y2025["primary_kwh_m2"], y2025["dpe_class"], y2025["factors_date"]) == (
        2025, 230.0, "D", "2025-12-31")
    assert {k: report["dpe_current"][k] for k in (
        "dpe_class", "primary_kwh_m2", "ghg_kg_m2", "years", "missing_years", "factors_date")} == {
        "dpe_class": "C", "primary_kwh_m2": 190.0, "ghg_kg_m2": 7.9, "years": [2023, 2024, 2025],
        "missing_years": [], "factors_date": "2026-11-30"}


def test_the_average_of_the_three_years_with_todays_factor():
    # 2023: 90,000, 2024: 100,000, 2025: 110,000 kWh of electricity on 1,000 m².
    # Today: 90 × 1.9 = 171, 100 × 1.9 = 190, 110 × 1.9 = 209 → mean (171 + 190 + 209) / 3 = 190 → C.
    # As labelled at the time (2.3): 207 → C, 230 → D, 253 → D.
    years = electric_office({2023: 90_000, 2024: 100_000, 2025: 110_000})
    dpe = current_dpe(years, "tertiary_office", REF, today=TODAY)
    assert (dpe.primary_kwh_m2, dpe.dpe_class) == (D(190), "C")
    report = building_energy_report(years, "tertiary_office", REF, today=TODAY)
    assert [(y["primary_kwh_m2"], y["dpe_class"]) for y in report["years"]] == [
        (207.0, "C"), (230.0, "D"), (253.0, "D")]


def test_only_complete_years_of_the_last_three_and_none_without_them():
    assert last_complete_years(TODAY) == (2023, 2024, 2025)
    # 2020 is too old, 2026 is not complete: only 2024 and 2025 are averaged; 2023 has no data.
    # 2024: 100 × 1.9 = 190; 2025: 120 × 1.9 = 228 → mean 209 → C (rounded 209 <= 210).
    years = electric_office({2020: 500_000, 2024: 100_000, 2025: 120_000, 2026: 10_000})
    dpe = current_dpe(years, "tertiary_office", REF, today=TODAY)
    assert (dpe.years, dpe.missing_years, dpe.primary_kwh_m2, dpe.dpe_class) == ((2024, 2025), (2023,), D(209), "C")
    assert current_dpe(electric_office({2020: 100_000, 2026: 10_000}), "tertiary_office", REF, today=TODAY) is None
    assert building_energy_report(electric_office({2026: 10_000}), "tertiary_office", REF,
                                  today=TODAY)["dpe_current"] is None


def test_residential_label_today_is_the_worse_of_energy_and_ghg():
    # A 100 m² staff flat heated with gas (primary 1, 0.227 kg CO2e/kWh), 12,000 kWh a year in 2023–2025:
    # energy 120 kWhEP/m² → C (110 <= 120 < 180); GHG 120 × 0.227 = 27.24 → 27 → C (11 <= 27 < 30): label C.
    # 13,500 kWh: energy 135 → C; GHG 30.645 → 31 → D (30 <= 31 < 50): label D.
    flat = [YearConsumption(y, {"natural_gas": D(12_000)}, D(100)) for y in (2023, 2024, 2025)]
    assert current_dpe(flat, "residential", REF, today=TODAY).dpe_class == "C"
    flat = [YearConsumption(y, {"natural_gas": D(13_500)}, D(100)) for y in (2023, 2024, 2025)]
    dpe = current_dpe(flat, "residential", REF, today=TODAY)
    assert dpe.dpe_classes == {ScaleMetric.PRIMARY_ENERGY: "C", ScaleMetric.GHG: "D"} and dpe.dpe_class == "D"
