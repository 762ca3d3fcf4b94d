"""The Décret tertiaire position after received energy-retrofit works (facilities.energy.projection), by hand.

Worked example. An office building of 2,000 m²:
- 2020 (the reference year, the only year of the 2010–2022 window): district heating 300,000 kWh and
  electricity 110,000 kWh → (300,000 × 0.77 + 110,000) / 2,000 = (231,000 + 110,000) / 2,000 = 170.5 kWh/m²;
  targets 2030: 170.5 × 0.6 = 102.3, 2040: 85.25, 2050: 68.2; the path loses (170.5 − 102.3) / 10 = 6.82 a year.
- 2024 (the latest year): district heating 300,000 and electricity 100,000 kWh
  → (231,000 + 100,000) / 2,000 = 165.5 kWh/m²; path 2024: 170.5 − 4 × 6.82 = 143.22 → off track (+22.28).
- A retrofit received in 2025 (AOR phase from 2025) saves 100,000 kWh of district heating a year. The projected
  year is the first full year after it, 2026: (200,000 × 0.77 + 100,000) / 2,000 = (154,000 + 100,000) / 2,000
  = 127 kWh/m²; path 2026: 170.5 − 6 × 6.82 = 129.58 → on track (gap 127 − 129.58 = −2.58);
  gap to the 2030 target: 127 − 102.3 = +24.7 kWh/m².
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest

from facilities.energy.building_report import building_energy_report
from facilities.energy.projection import (
    ALREADY_REFLECTED,
    COUNTED,
    PLANNED,
    RetrofitOperation,
    project_after_works,
    reception_year,
)
from facilities.energy.reference_seed import seed_reference_data
from facilities.energy.year_indicators import YearConsumption

REF = seed_reference_data()
TODAY = date(2026, 6, 1)
AREA = D(2000)
YEARS = [
    YearConsumption(2020, {"district_heating": D(300_000), "electricity": D(110_000)}, AREA),
    YearConsumption(2024, {"district_heating": D(300_000), "electricity": D(100_000)}, AREA),
]
RETROFIT = RetrofitOperation(1, "Raccordement et isolation", "received", "energy_retrofit", 2025,
                             {"district_heating": D(100_000)})
PLANNED_OP = RetrofitOperation(2, "Remplacement des menuiseries", "works", "energy_retrofit", 2027,
                               {"district_heating": D(50_000), "electricity": D(10_000)})


def report(operations):
    return building_energy_report(YEARS, "tertiary_office", REF, today=TODAY, operations=operations)


def test_worked_example():
    body = report([RETROFIT])
    json.dumps(body)  # plain JSON types only
    assert body["tertiaire"]["reference_year"] == 2020 and body["tertiaire"]["reference_kwh_m2"] == 170.5
    latest = body["years"][-1]
    assert latest["tertiaire_kwh_m2"] == 165.5 and latest["status"] == "off_track"
    projection = body["projection"]
    assert projection["base_year"] == 2024 and projection["base_tertiaire_kwh_m2"] == 165.5
    assert projection["year"] == 2026
    assert projection["by_carrier"] == {"district_heating": 200_000.0, "electricity": 100_000.0}
    assert projection["savings_by_carrier"] == {"district_heating": 100_000.0}
    assert projection["tertiaire_kwh"] == 254_000.0
    assert projection["tertiaire_kwh_m2"] == 127.0
    assert projection["final_kwh_m2"] == 150.0  # 300,000 / 2,000
    assert projection["path_kwh_m2"] == 129.58
    assert projection["gap_kwh_m2"] == -2.58
    assert projection["status"] == "on_track"
    assert (projection["target_year"], projection["target_kwh_m2"]) == (2030, 102.3)
    assert projection["gap_to_target_kwh_m2"] == 24.7
    assert projection["is_estimate"] is True
    assert [o["role"] for o in projection["operations"]] == [COUNTED]
    assert projection["operations"][0]["savings"] == {"district_heating": 100_000.0}
    # The district-heating weight row of the projected year is named among the references.
    assert any(row["table"] == "tertiaire_weights" and row["key"] == "district_heating"
               for row in projection["references"])


def test_existing_fields_are_unchanged_by_the_projection():
    without = building_energy_report(YEARS, "tertiary_office", REF, today=TODAY)
    with_ops = report([RETROFIT, PLANNED_OP])
    assert "projection" not in without
    assert {k: v for k, v in with_ops.items() if k != "projection"} == without


def test_operation_not_yet_received_is_listed_not_counted():
    projection = report([RETROFIT, PLANNED_OP])["projection"]
    assert projection["tertiaire_kwh_m2"] == 127.0  # only the received one's 100,000 kWh
    assert projection["savings_by_carrier"] == {"district_heating": 100_000.0}
    planned = projection["operations"][1]
    assert (planned["id"], planned["role"], planned["reception_year"]) == (2, PLANNED, 2027)
    assert planned["savings"] == {"district_heating": 50_000.0, "electricity": 10_000.0}


def test_only_planned_operations_project_nothing():
    projection = report([PLANNED_OP])["projection"]
    assert projection["tertiaire_kwh_m2"] is None and projection["status"] is None and projection["year"] is None
    assert [o["role"] for o in projection["operations"]] == [PLANNED]


def test_no_relevant_operation_no_projection():
    other = RetrofitOperation(3, "Mise en accessibilité", "received", "accessibility", 2025)
    assert report([])["projection"] is None
    assert report([other])["projection"] is None


def test_received_before_the_latest_year_is_already_in_the_consumption():
    old = RetrofitOperation(4, "Isolation 2022", "closed", "energy_retrofit", 2022, {"district_heating": D(80_000)})
    projection = report([old])["projection"]
    assert projection["operations"][0]["role"] == ALREADY_REFLECTED
    assert projection["tertiaire_kwh_m2"] is None  # not taken off 2024 a second time


def test_received_the_latest_year_counts_and_savings_are_floored_at_zero():
    big = RetrofitOperation(5, "Pompe à chaleur", "received", "energy_retrofit", 2024,
                            {"district_heating": D(400_000), "other": D(5_000)})
    projection = report([big])["projection"]
    assert projection["year"] == 2025
    assert projection["by_carrier"] == {"district_heating": 0.0, "electricity": 100_000.0}
    assert projection["floored_carriers"] == ["district_heating"]
    assert projection["tertiaire_kwh_m2"] == 50.0  # 100,000 / 2,000
    assert projection["operations"][0]["uncounted_savings"] == {"other": 5_000.0}


def test_any_received_operation_with_savings_counts():
    renovation = RetrofitOperation(6, "Rénovation", "received", "renovation", 2025, {"electricity": D(20_000)})
    projection = report([renovation])["projection"]
    assert projection["tertiaire_kwh_m2"] == 155.5  # (231,000 + 80,000) / 2,000


def test_without_consumption_operations_are_listed():
    projection = project_after_works(None, [RETROFIT], "tertiary_office", REF, today=TODAY)
    assert projection.projected is None and projection.operations[0].role == COUNTED


def test_without_reference_year_no_position():
    # A stored reference year that has no data leaves the building without a reference: no position.
    latest_only = [YEARS[1]]
    projection = building_energy_report(latest_only, "tertiary_office", REF, today=TODAY, reference_year=2011,
                                        operations=[RETROFIT])["projection"]
    assert projection["tertiaire_kwh_m2"] == 127.0
    assert projection["status"] is None and projection["gap_to_target_kwh_m2"] is None


def test_first_full_year_reference_positions_the_projection():
    # No year in 2010–2022: 2024 (165.5 kWh/m²) is the provisional reference (first full year reported).
    # 2030 target 165.5 × 0.6 = 99.3; path 2026 = 165.5 − 2 × (165.5 − 99.3) / 6 = 165.5 − 22.0667 = 143.43;
    # projected 127 → on track (gap −16.43); gap to the 2030 target 127 − 99.3 = +27.7.
    body = building_energy_report([YEARS[1]], "tertiary_office", REF, today=TODAY, operations=[RETROFIT])
    assert (body["tertiaire"]["reference_year"], body["tertiaire"]["reference_chosen_by"]) == (2024, "first_full_year")
    projection = body["projection"]
    assert (projection["path_kwh_m2"], projection["gap_kwh_m2"], projection["status"]) == (143.43, -16.43, "on_track")
    assert projection["gap_to_target_kwh_m2"] == 27.7


@pytest.mark.parametrize(("phases", "end", "year"), [
    ([("DET", date(2024, 1, 1), date(2025, 10, 31)), ("AOR", date(2025, 11, 1), date(2026, 1, 31))],
     date(2026, 1, 31), 2025),
    ([("DET", date(2024, 1, 1), date(2024, 12, 31))], date(2025, 3, 31), 2024),
    ([], date(2025, 3, 31), 2025),
])
def test_reception_year_from_the_phases(phases, end, year):
    assert reception_year(phases, end) == year


def test_negative_savings_are_refused():
    with pytest.raises(ValueError):
        RetrofitOperation(7, "x", "received", "energy_retrofit", 2025, {"electricity": D(-1)})
