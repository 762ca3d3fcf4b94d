"""Issue 14 point 6: the current year, and any year missing a carrier used the year before, are incomplete:
shown as such, never judged against the trajectory nor given a DPE class as the building's headline."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal as D

from facilities.energy.building_report import building_energy_report, headline
from facilities.energy.completeness import year_completeness
from facilities.energy.reference_seed import seed_reference_data
from facilities.energy.year_indicators import YearConsumption

REF = seed_reference_data()


def test_the_current_year_and_a_year_missing_a_carrier_are_incomplete():
    years = [
        YearConsumption(2023, {"natural_gas": D(100_000), "electricity": D(20_000)}, D(1200)),
        YearConsumption(2024, {"electricity": D(21_000)}, D(1200)),  # the gas bill not entered
        YearConsumption(2025, {"natural_gas": D(0), "electricity": D(19_000)}, D(1200)),  # gas recorded: 0 kWh
        YearConsumption(2026, {"natural_gas": D(40_000), "electricity": D(15_000)}, D(1200)),
    ]
    found = year_completeness(years, date(2026, 11, 30))
    assert [(y, c.complete, c.not_ended, c.missing_carriers) for y, c in sorted(found.items())] == [
        (2023, True, False, ()),  # nothing recorded in 2022: judged on its own
        (2024, False, False, ("natural_gas",)),
        (2025, True, False, ()),  # gas was not used in 2024 (no record), and a 0 kWh record counts
        (2026, False, True, ()),  # not ended on 30 November 2026
    ]
    assert year_completeness(years, date(2027, 1, 1))[2026].complete


def test_a_single_reading_of_the_current_year_is_neither_classed_nor_judged():
    """The issue's case: one 2026 gas reading judged as a full year ("hors trajectoire")."""
    years = [YearConsumption(2012, {"natural_gas": D(240_000)}, D(1200)),
             YearConsumption(2025, {"natural_gas": D(150_000)}, D(1200)),
             YearConsumption(2026, {"natural_gas": D(10_000)}, D(1200))]
    report = building_energy_report(years, "tertiary_office", REF, today=date(2026, 11, 30))
    by_year = {y["year"]: y for y in report["years"]}
    assert by_year[2026]["complete"] is False and by_year[2026]["dpe_class"] is None
    assert by_year[2026]["status"] is None and by_year[2026]["path_kwh_m2"] is None
    assert by_year[2025]["complete"] is True and by_year[2025]["status"] is not None
    assert report["headline_year"] == 2025 and headline(report)["year"] == 2025
    assert report["tertiaire"]["latest_year"] == 2025


def test_the_building_page_shows_an_incomplete_year_as_such(client_as, factory, seeded):
    from facilities.timeutil import paris_today

    building = factory.building(gross_floor_area_m2="1200")
    manager = client_as("facilities_manager")
    this_year = paris_today().year
    for year, kwh in ((this_year - 1, "150000"), (this_year, "10000")):
        response = manager.post(f"/buildings/{building.id}/energy/consumption", data={
            "year": year, "carrier": "natural_gas", "kwh": kwh, "source": "invoice", "area_m2": "1200"})
        assert response.status_code in (200, 302), response.get_data(as_text=True)[:300]
    page = html.unescape(manager.get(f"/buildings/{building.id}/energy").get_data(as_text=True))
    assert "incomplète" in page and "l'année n'est pas terminée" in page
    panel = manager.get(f"/buildings/{building.id}").get_data(as_text=True)
    # The latest year shown is last year (with its class as labelled then, beside today's DPE).
    assert f"{this_year} est incomplète" in panel and f">{this_year - 1} (" in panel
