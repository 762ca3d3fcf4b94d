"""The read-only JSON API: shapes, keys, 404s and problem+json errors."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import bearer

INVENTORY_KEYS = {"floors", "public_floors", "interview_offices", "medical_cabinets", "digital_spaces",
                  "public_pcs", "mediation_spaces", "workstations"}


@pytest.fixture
def api(client, token_for):
    headers = bearer(token_for("director"))

    def get(url):
        return client.get(url, headers=headers)

    return get


def building_id(db, code: str) -> int:
    from facilities.inventory.models import Building

    return db.session.execute(select(Building.id).where(Building.code == code)).scalar_one()


def site_id(db, code: str) -> int:
    from facilities.inventory.models import Site

    return db.session.execute(select(Site.id).where(Site.code == code)).scalar_one()


def test_site_list_has_items_and_total(api, demo):
    response = api("/api/v1/sites")
    assert response.status_code == 200
    body = response.json
    assert body["total"] == 11 == len(body["items"])
    for item in body["items"]:
        assert {"id", "code", "name", "kind", "status", "commune_code", "commune_name", "latitude",
                "longitude"} <= set(item)
    asn = next(item for item in body["items"] if item["code"] == "PS-ASN")
    assert asn["commune_code"] == "92004" and asn["kind"] == "social_hub" and asn["status"] == "open"
    assert isinstance(asn["latitude"], float) and isinstance(asn["longitude"], float)


def test_site_list_filters_and_pages(api, demo):
    assert {i["code"] for i in api("/api/v1/sites?status=planned").json["items"]} == {"MDA-NAN", "FOY-RUE"}
    assert [i["code"] for i in api("/api/v1/sites?commune=92024").json["items"]] == ["PS-CLI"]
    assert "PS-ASN" in {i["code"] for i in api("/api/v1/sites?service=sexual_health").json["items"]}
    page = api("/api/v1/sites?limit=4&offset=8").json
    assert page["total"] == 11 and len(page["items"]) == 3
    assert api("/api/v1/sites?limit=abc").status_code == 400


def test_site_detail_has_buildings_and_services(api, demo, db):
    body = api(f"/api/v1/sites/{site_id(db, 'PS-ASN')}").json
    assert body["buildings"] == [{"id": building_id(db, "PS-ASN-B1"), "code": "PS-ASN-B1",
                                  "name": "Pôle social Asnières / Gennevilliers"}]
    assert sorted(body["services"]) == ["ase", "pmi", "sexual_health", "social_action"]
    assert body["opened_on"] == "2023-05-16"
    assert body["provenance"]["illustrative"] is False


def test_building_detail(api, demo, db):
    body = api(f"/api/v1/buildings/{building_id(db, 'PS-ASN-B1')}").json
    assert set(body["inventory"]) == INVENTORY_KEYS
    assert all(type(value) is int for value in body["inventory"].values())
    assert body["cost_eur"] == "11320000.00"  # money: a decimal string of euros
    assert body["opened_on"] == "2023-05-16"
    assert len(body["floors"]) == 7
    for floor in body["floors"]:
        assert {"level", "name", "area_m2", "public"} <= set(floor)
    public = {floor["level"]: floor["area_m2"] for floor in body["floors"] if floor["public"]}
    assert sorted(public.values()) == [181, 248]


def test_building_opened_on_falls_back_to_its_site(api, factory, db):
    site = factory.site(opened_on="2020-01-02")
    own = factory.building(site=site, opened_on="2021-03-04")
    inherited = factory.building(site=site)
    assert api(f"/api/v1/buildings/{inherited.id}").json["opened_on"] == "2020-01-02"
    assert api(f"/api/v1/buildings/{own.id}").json["opened_on"] == "2021-03-04"
    assert api(f"/api/v1/buildings/{inherited.id}").json["cost_eur"] is None
    empty = api(f"/api/v1/buildings/{inherited.id}").json["inventory"]
    assert empty == dict.fromkeys(INVENTORY_KEYS, 0)


def test_building_spaces(api, demo, db):
    items = api(f"/api/v1/buildings/{building_id(db, 'PS-ASN-B1')}/spaces").json["items"]
    assert len(items) > 30
    for item in items:
        assert {"code", "type", "floor_level", "area_m2", "workstations", "pcs", "specialty"} <= set(item)
    assert sum(item["pcs"] for item in items) == 4
    assert sum(item["workstations"] for item in items) == 96
    sexual = [item for item in items if item["specialty"] == "sexual_health"]
    assert len(sexual) == 1 and sexual[0]["type"] == "medical_cabinet" and sexual[0]["floor_level"] == 1
    levels = [item["floor_level"] for item in items]
    assert levels == sorted(levels)


@pytest.mark.parametrize("url", ["/api/v1/sites/999999", "/api/v1/buildings/999999",
                                 "/api/v1/buildings/999999/spaces", "/api/v1/nothing-here"])
def test_missing_records_answer_404_problem_json(api, url):
    response = api(url)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 404
    assert len(response.json["title"]) > 10  # a readable sentence


def test_wrong_method_is_a_problem_document(client, token_for):
    response = client.put("/api/v1/sites", headers=bearer(token_for("admin")), json={})
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"


def test_api_does_not_accept_a_session_cookie_for_writes(client_as):
    response = client_as("facilities_manager").post("/api/v1/sites", json={})
    assert response.status_code == 401
