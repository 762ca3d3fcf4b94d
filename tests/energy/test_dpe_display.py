"""The mandatory DPE display flag (issue 15, point 5) and today's DPE wherever "the" DPE is shown (point 6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from facilities.energy.reference_seed import seed_reference_data
from tests.conftest import bearer

REF = seed_reference_data()


@pytest.mark.parametrize(("area", "category", "public", "expected"), [
    (D(251), 4, True, True),   # over 250 m², category 4, public owner
    (D(250), 3, True, False),  # "over 250 m²": 250 is not over
    (D(1000), 5, True, False),  # category 5 is not concerned
    (D(1000), 1, True, True),
    (D(1000), None, True, False),  # not an ERP
    (None, 2, True, False),  # no area
    (D(1000), 2, False, False),  # a private owner
])
def test_display_rule(area, category, public, expected):
    rule = REF.dpe_display_rule(date(2026, 11, 30))
    assert rule.applies(area, category, public_owner=public) is expected
    assert (rule.min_area_m2, rule.max_erp_category) == (D(250), 4) and "250 m²" in rule.source


@pytest.fixture
def electric(factory, seeded, db):
    """500 m², ERP category 3 (set by an override, with its reason): must display its DPE. 2025: 55,000 kWh of electricity.
    As labelled in 2025 (factor 2.3): 55,000 × 2.3 / 500 = 253 kWh/m² → D (211–350);
    today's DPE (factor 1.9 since 1 January 2026): 55,000 × 1.9 / 500 = 209 → C (111–210)."""
    from facilities.energy import services

    building = factory.building(code="ELEC", name="Électrique", gross_floor_area_m2="500",
                                erp_category_override="3", erp_category_override_reason="Commission de sécurité")
    services.record_consumption(building, services.clean_entry(
        building, {"year": 2025, "carrier": "electricity", "kwh": "55000"}))
    db.session.commit()
    return building


def test_report_and_pages_show_the_flag_and_todays_dpe(client, client_as, token_for, electric):
    report = client.get(f"/api/v1/buildings/{electric.id}/energy", headers=bearer(token_for("director"))).get_json()
    assert report["dpe_display"]["required"] is True
    assert report["dpe_display"]["references"][0]["table"] == "dpe_display_rules"
    assert [y["dpe_class"] for y in report["years"]] == ["D"]
    assert (report["dpe_current"]["dpe_class"], report["dpe_current"]["primary_kwh_m2"]) == ("C", 209.0)
    browser = client_as("director")
    browser.set_cookie("lang", "en")
    panel = browser.get(f"/buildings/{electric.id}").get_data(as_text=True)
    assert 'id="energy-dpe-display"' in panel and "over 250 m² hosting an ERP of category 1 to 4" in panel
    assert 'data-dpe="C"' in panel.split('id="energy-dpe-current"')[1][:300]
    page = browser.get(f"/buildings/{electric.id}/energy").get_data(as_text=True)
    assert 'id="dpe-display"' in page
    dashboard = browser.get("/energy").get_data(as_text=True)
    assert "ELEC" in dashboard.split('id="must-display"')[1][:600]
    assert 'data-class="C">1<' in dashboard  # counted on today's DPE, not the 2025 label (D)


def test_small_or_category_5_buildings_are_not_flagged(client, token_for, factory, seeded):
    headers = bearer(token_for("director"))
    for category in ("3", "5"):
        values = {"gross_floor_area_m2": "250" if category == "3" else "900", "erp_category_override": category,
                  "erp_category_override_reason": "test"}
        building = factory.building(**values)
        report = client.get(f"/api/v1/buildings/{building.id}/energy", headers=headers).get_json()
        assert report["dpe_display"]["required"] is False
