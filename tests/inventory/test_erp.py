"""ERP data of buildings: the category derived at each threshold, the override and its reason, bad input."""

from __future__ import annotations

import pytest

from tests.conftest import bearer, page_text
from tests.inventory.helpers import BUILDING_FORM


def _reference():
    from facilities.inventory.erp import Scale, Threshold

    thresholds = [Threshold(1, "W", None, 200, "PE 2", True), Threshold(2, "U", False, 100, "PE 2", False),
                  Threshold(3, "U", True, 20, "PE 2", False)]
    return thresholds, Scale(1, 1500, 700, 300, "R143-19", True)


# public, staff -> category, for an office building (W: 5th category below 200 public)
W_CASES = [(0, 0, 5), (199, 500, 5), (200, 0, 4), (200, 100, 4), (200, 101, 3), (300, 0, 4), (301, 0, 3),
           (600, 100, 3), (600, 101, 2), (701, 0, 2), (1500, 0, 2), (1400, 101, 1), (1501, 0, 1)]


@pytest.mark.parametrize(("public", "staff", "category"), W_CASES)
def test_category_of_an_office_building_at_each_threshold(public, staff, category):
    from facilities.inventory.erp import derive_category

    thresholds, scale = _reference()
    result = derive_category(["W"], public, staff, False, thresholds, scale)
    assert result.category == category
    assert result.threshold.id == 1  # the row used is named


# health care (U): 100 public without accommodation, 20 with it
U_CASES = [(False, 99, 5), (False, 100, 4), (True, 19, 5), (True, 20, 4), (True, 301, 3), (False, 1501, 1)]


@pytest.mark.parametrize(("accommodation", "public", "category"), U_CASES)
def test_category_of_a_health_care_building_with_and_without_accommodation(accommodation, public, category):
    from facilities.inventory.erp import derive_category

    thresholds, scale = _reference()
    result = derive_category(["U"], public, 0, accommodation, thresholds, scale)
    assert result.category == category
    assert result.threshold.id == (3 if accommodation else 2)


def test_several_types_take_the_lowest_threshold_and_missing_data_says_what_is_missing():
    from facilities.inventory.erp import derive_category

    thresholds, scale = _reference()
    assert derive_category(["W", "U"], 150, 10, False, thresholds, scale).category == 4  # U: 150 >= 100
    assert derive_category(["W"], 150, 10, False, thresholds, scale).category == 5
    assert derive_category([], 150, 10, False, thresholds, scale).missing == "types"
    assert derive_category(["W"], None, 10, False, thresholds, scale).missing == "public_capacity"
    assert derive_category(["W", "SG"], 150, 10, False, thresholds, scale).missing == "threshold:SG"


def test_seeded_reference_rows_in_force_and_the_building_category(db, factory):
    from datetime import date

    from facilities.inventory import erp

    assert erp.ensure_seeded() > 0 and erp.ensure_seeded() == 0
    reference = erp.reference_in_force(date(2026, 11, 30))
    assert reference.scale.category_1_above == 1500 and reference.scale.sourced
    assert {row.erp_type for row in reference.thresholds if row.sourced} == {"W", "L"}
    building = factory.building(erp_types=["W"], public_capacity=250, staff_capacity=60)
    shown = erp.building_category(building, reference)
    assert (shown.category, shown.source) == (3, "derived")
    building.erp_category_override, building.erp_category_override_reason = 4, "Avis de la commission"
    assert (erp.building_category(building, reference).category, erp.building_category(building).source) == (4, "override")


@pytest.fixture
def manager(client, token_for, db):
    from facilities.inventory import erp

    erp.ensure_seeded()
    headers = bearer(token_for("facilities_manager"))
    client.set_cookie("lang", "en")

    def call(method: str, url: str, body=None):
        return client.open(url, method=method, headers=headers, json=body)

    return call


def _errors(response) -> dict[str, str]:
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    return {error["field"]: error["message"] for error in response.get_json()["errors"]}


def test_the_api_gives_the_erp_fields_derived_or_overridden(manager, factory):
    building = factory.building()
    url = f"/api/v1/buildings/{building.id}"
    body = manager("GET", url).get_json()
    assert body["erp_types"] == [] and body["erp_category"] is None and body["erp_category_source"] is None
    body = manager("PATCH", url, {"erp_types": ["W", "U"], "public_capacity": 180, "staff_capacity": 96,
                                  "with_accommodation": False}).get_json()
    assert (body["erp_category"], body["erp_category_source"]) == (4, "derived")
    body = manager("PATCH", url, {"erp_category_override": 3, "erp_category_override_reason": "Arrêté préfectoral"})
    assert (body.get_json()["erp_category"], body.get_json()["erp_category_source"]) == (3, "override")
    body = manager("PATCH", url, {"erp_category_override": None}).get_json()
    assert (body["erp_category"], body["erp_category_source"], body["erp_category_override_reason"]) == (4, "derived", None)


def test_bad_erp_input_is_refused_with_a_message_and_nothing_saved(manager, factory):
    building = factory.building(erp_types=["W"], public_capacity=10)
    url = f"/api/v1/buildings/{building.id}"
    assert _errors(manager("PATCH", url, {"public_capacity": -1})) == {
        "public_capacity": "Public capacity must be at least 0"}
    assert "unknown value(s): Z" in _errors(manager("PATCH", url, {"erp_types": ["W", "Z"]}))["erp_types"]
    assert _errors(manager("PATCH", url, {"erp_category_override": 2})) == {
        "erp_category_override_reason": "Give the reason for overriding the derived ERP category"}
    assert "at most 5" in _errors(manager("PATCH", url, {"erp_category_override": 6,
                                                          "erp_category_override_reason": "x"}))["erp_category_override"]
    body = manager("GET", url).get_json()
    assert (body["erp_types"], body["public_capacity"], body["erp_category_override"]) == (["W"], 10, None)


def test_the_building_form_records_erp_data_and_the_page_shows_the_derivation(client_as, factory, db):
    from facilities.inventory import erp

    erp.ensure_seeded()
    building = factory.building()
    client = client_as("facilities_manager")
    client.set_cookie("lang", "en")
    response = client.post(f"/buildings/{building.id}/edit", data={
        **BUILDING_FORM, "code": building.code, "name": building.name, "erp_types": ["W", "U"],
        "public_capacity": "180", "staff_capacity": "96"})
    assert response.status_code == 302, page_text(response)[:2000]
    page = page_text(client.get(f"/buildings/{building.id}"))
    assert "W – offices, administrations; U – health-care establishments" in page
    assert "public and staff 276 people, type U threshold 100" in page
    refused = client.post(f"/buildings/{building.id}/edit", data={
        **BUILDING_FORM, "code": building.code, "name": building.name, "public_capacity": "-3"})
    assert refused.status_code == 422 and "Public capacity must be at least 0" in page_text(refused)
    refused = client.post(f"/buildings/{building.id}/edit", data={
        **BUILDING_FORM, "code": building.code, "name": building.name, "erp_category_override": "2"})
    assert refused.status_code == 422
    assert "Give the reason for overriding the derived ERP category" in page_text(refused)
    db.session.refresh(building)
    assert building.public_capacity == 180 and building.erp_category_override is None
