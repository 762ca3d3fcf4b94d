"""Who is subject to the Décret tertiaire, per the law (issue 15, point 3): tertiary floor area only, a mixed
building's tertiary parts, the buildings of one site added up, and once subject, subject. Hand-computed cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from facilities.energy.reference_seed import seed_reference_data
from facilities.energy.tertiaire import subject_test
from tests.conftest import bearer

REF = seed_reference_data()
TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(("case", "expected"), [
    # One 1,200 m² office building: subject on its own.
    ({"tertiary_area_m2": D(1200), "gross_area_m2": D(1200)}, (True, "building")),
    # 900 m² of offices + 500 m² of staff housing (1,400 m² gross): only the 900 m² count → not subject.
    ({"tertiary_area_m2": D(900), "housing_area_m2": D(500), "gross_area_m2": D(1400),
      "site_tertiary_area_m2": D(900)}, (False, None)),
    # 1,100 m² of offices + 500 m² of housing: the tertiary parts reach 1,000 m² → subject as a mixed building.
    ({"tertiary_area_m2": D(1100), "housing_area_m2": D(500), "gross_area_m2": D(1600)}, (True, "mixed_building")),
    # Two 600 m² office buildings on one site: 600 + 600 = 1,200 m² ≥ 1,000 → each subject by the site total.
    ({"tertiary_area_m2": D(600), "gross_area_m2": D(600), "site_tertiary_area_m2": D(1200)}, (True, "site_total")),
    # An all-housing building on that site has no tertiary area: not subject whatever the site total.
    ({"tertiary_area_m2": D(0), "housing_area_m2": D(800), "site_tertiary_area_m2": D(1200)}, (False, None)),
    # 800 m² today, 1,050 m² recorded for 2020: once subject, subject.
    ({"tertiary_area_m2": D(800), "past_areas_m2": [D(1050)]}, (True, "previously_subject")),
    # The threshold is inclusive (1,000 m² or more), 999.99 is under it.
    ({"tertiary_area_m2": D(1000)}, (True, "building")),
    ({"tertiary_area_m2": D("999.99"), "site_tertiary_area_m2": D("999.99")}, (False, None)),
    ({"tertiary_area_m2": None}, (False, None)),
])
def test_subject_test_cases(case, expected):
    result = subject_test(case.pop("tertiary_area_m2"), REF, today=TODAY, **case)
    assert (result.subject, result.reason) == expected
    assert result.rule.min_area_m2 == D(1000) and "1,000 m²" in result.rule.source  # the dated row, with its source


def _energy(client, headers, building) -> dict:
    response = client.get(f"/api/v1/buildings/{building.id}/energy", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["tertiaire"]


def test_report_two_600_m2_buildings_on_one_site(client, token_for, factory, seeded):
    headers = bearer(token_for("director"))
    site = factory.site()
    first = factory.building(site=site, gross_floor_area_m2="600")
    second = factory.building(site=site, gross_floor_area_m2="600")
    alone = factory.building(gross_floor_area_m2="600")  # another site: 600 m² in all
    for building in (first, second):
        tertiaire = _energy(client, headers, building)
        assert (tertiaire["subject"], tertiaire["subject_reason"]) == (True, "site_total")
        assert (tertiaire["tertiary_area_m2"], tertiaire["site_tertiary_area_m2"]) == (600, 1200)
    assert (_energy(client, headers, alone)["subject"], _energy(client, headers, alone)["subject_reason"]) == (
        False, None)


def test_report_mixed_building_counts_tertiary_area_only(client, token_for, factory, seeded):
    headers = bearer(token_for("director"))
    mixed = factory.building(gross_floor_area_m2="1400", tertiary_area_m2="900", housing_area_m2="500")
    tertiaire = _energy(client, headers, mixed)
    assert (tertiaire["subject"], tertiaire["subject_reason"], tertiaire["tertiary_area_m2"]) == (False, None, 900)
    bigger = factory.building(gross_floor_area_m2="1600", tertiary_area_m2="1100", housing_area_m2="500")
    assert _energy(client, headers, bigger)["subject_reason"] == "mixed_building"


def test_report_stays_subject_after_the_area_drops(client, token_for, factory, seeded, db):
    from facilities.energy import services

    headers = bearer(token_for("director"))
    building = factory.building(gross_floor_area_m2="800")
    services.record_consumption(building, services.clean_entry(
        building, {"year": 2020, "carrier": "electricity", "kwh": "100000", "area_m2": "1050"}))
    db.session.commit()
    tertiaire = _energy(client, headers, building)
    assert (tertiaire["subject"], tertiaire["subject_reason"]) == (True, "previously_subject")


def test_energy_page_says_why(client_as, factory, seeded):
    site = factory.site()
    building = factory.building(site=site, gross_floor_area_m2="600")
    factory.building(site=site, gross_floor_area_m2="600")
    client = client_as("director")
    client.set_cookie("lang", "en")
    page = client.get(f"/buildings/{building.id}/energy").get_data(as_text=True)
    assert "the buildings of the site total 1,200 m² of tertiary floor area" in page
    panel = client.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert "the buildings of the site total 1,200 m²" in panel


def test_reference_year_must_be_complete_nothing_saved(client, token_for, factory, seeded, db):
    """Bad input (issue 15): a reference year incomplete (gas used in 2014, none recorded in 2015) is refused on
    the settings, nothing saved; a year outside the 2010–2022 window too."""
    from facilities.energy import services
    from facilities.energy.models import BuildingEnergySettings
    from facilities.validation import ValidationError

    building = factory.building(gross_floor_area_m2="1200")
    for year, carrier in ((2014, "natural_gas"), (2014, "electricity"), (2015, "electricity")):
        services.record_consumption(building, services.clean_entry(
            building, {"year": year, "carrier": carrier, "kwh": "10000"}))
    db.session.commit()
    for year, message in ((2015, "natural_gas"), (2024, "2010")):
        with pytest.raises(ValidationError) as refused:
            services.clean_settings({"scale_code": "tertiary_office", "reference_year": str(year)}, building.id,
                                    today=TODAY)
        assert message in refused.value.errors["reference_year"]
    assert services.clean_settings({"scale_code": "tertiary_office", "reference_year": "2014"}, building.id,
                                   today=TODAY)["reference_year"] == 2014
    assert db.session.get(BuildingEnergySettings, building.id) is None
