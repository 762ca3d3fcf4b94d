"""Equipment register: pages and API read and write with the same rules; a bad value changes nothing."""

from __future__ import annotations

from tests.conftest import page_text
from tests.safety.conftest import api_errors


def test_equipment_lifecycle_through_the_api(manager, factory):
    building = factory.building(floors=2, spaces_per_floor=1)
    floor = building.floors[1]
    space = floor.spaces[0]
    created = manager("POST", "/api/v1/equipment", {
        "building_id": building.id, "space_id": space.id, "category": "fire_alarm", "name": "SSI central unit",
        "make": "Siemens", "installed_on": "2020-05-01", "replacement_cost_eur": "18500.00", "condition": 4,
        "criticality": "high"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["floor_id"], body["space_id"], body["replacement_cost_eur"]) == (floor.id, space.id, "18500.00")
    assert body["condition_on"] is not None and created.headers["ETag"].startswith('W/"')
    item_url = f"/api/v1/equipment/{body['id']}"
    moved = manager("PATCH", item_url, {"floor_id": building.floors[0].id}).get_json()
    assert (moved["floor_id"], moved["space_id"]) == (building.floors[0].id, None)
    listed = manager("GET", f"/api/v1/equipment?building_id={building.id}&category=fire_alarm").get_json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert manager("GET", "/api/v1/equipment?category=teleporter").status_code == 400
    assert manager("DELETE", item_url).status_code == 204
    assert manager("GET", item_url).status_code == 404


def test_bad_equipment_input_is_refused_and_nothing_saved(manager, factory, db):
    from sqlalchemy import func, select

    from facilities.safety.models import Equipment

    building, other = factory.building(floors=1), factory.building(floors=1)
    post = {"building_id": building.id, "category": "lift", "name": "Lift A"}
    assert "must be one of" in api_errors(manager("POST", "/api/v1/equipment", {**post, "category": "teleporter"}))["category"]
    assert api_errors(manager("POST", "/api/v1/equipment", {**post, "condition": 6})) == {
        "condition": "Condition must be at most 5"}
    assert "Installed on must be at most" in api_errors(
        manager("POST", "/api/v1/equipment", {**post, "installed_on": "2999-01-01"}))["installed_on"]
    assert api_errors(manager("POST", "/api/v1/equipment", {**post, "floor_id": other.floors[0].id})) == {
        "floor_id": f"This floor is not in building {building.code}"}
    assert db.session.scalar(select(func.count(Equipment.id))) == 0


def test_pages_record_edit_and_delete_equipment(client_as, factory, db):
    from facilities.safety.models import Equipment

    building = factory.building(floors=1, spaces_per_floor=1)
    space = building.floors[0].spaces[0]
    client = client_as("facilities_manager")
    client.set_cookie("lang", "en")
    assert f"/buildings/{building.id}/equipment" in page_text(client.get(f"/buildings/{building.id}"))
    refused = client.post(f"/buildings/{building.id}/equipment/new", data={"category": "lift", "name": "",
                                                                          "expected_life_years": "-2"})
    assert refused.status_code == 422
    assert "Name is required" in page_text(refused)
    response = client.post(f"/buildings/{building.id}/equipment/new", data={
        "category": "extinguishers", "name": "Extincteurs RDC", "space_id": str(space.id), "condition": "3",
        "condition_on": "2026-01-15", "replacement_cost_eur": "1 200,50"})
    assert response.status_code == 302, page_text(response)[:3000]
    item = db.session.query(Equipment).one()
    assert (item.space_id, item.floor_id, item.replacement_cost_cents) == (space.id, space.floor_id, 120050)
    page = page_text(client.get(f"/buildings/{building.id}/equipment"))
    assert "Extincteurs RDC" in page and "3 – fair" in page
    edit = client.get(f"/equipment/{item.id}/edit")
    assert 'value="1200.50"' in page_text(edit) or 'value="1 200,50"' in page_text(edit)
    assert client.post(f"/equipment/{item.id}/delete").status_code == 302
    assert db.session.query(Equipment).count() == 0
    assert client_as("director").get(f"/buildings/{building.id}/equipment/new").status_code == 403
