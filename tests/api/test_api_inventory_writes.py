"""Inventory writes through the API: the forms' rules and permissions, problem documents naming the field."""

from __future__ import annotations

import pytest

from tests.conftest import bearer


@pytest.fixture
def manager(client, token_for):
    headers = bearer(token_for("facilities_manager"))

    def call(method: str, url: str, body=None, **kwargs):
        return client.open(url, method=method, headers=headers, json=body, **kwargs)

    call.headers = headers
    return call


def fields(response) -> list[str]:
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)[:300]
    return [error["field"] for error in response.get_json()["errors"]]


SITE = {"code": "S-API", "name": "Site API", "kind": "social_hub", "status": "open", "services": ["pmi"],
        "latitude": 48.9, "longitude": 2.28, "commune_code": "92004"}


def test_site_building_floor_space_lifecycle(manager):
    site = manager("POST", "/api/v1/sites", SITE)
    assert site.status_code == 201, site.get_json()
    site_id = site.get_json()["id"]
    assert manager("PATCH", f"/api/v1/sites/{site_id}", {"name": "Renamed"}).get_json()["name"] == "Renamed"
    building = manager("POST", "/api/v1/buildings", {"site_id": site_id, "code": "B-API", "name": "B", "cost_eur": 1200})
    assert building.status_code == 201 and building.get_json()["cost_eur"] == "1200.00"
    building_id = building.get_json()["id"]
    floor = manager("POST", "/api/v1/floors", {"building_id": building_id, "level": 0, "name": "RDC"})
    assert floor.status_code == 201
    space = manager("POST", "/api/v1/spaces", {"floor_id": floor.get_json()["id"], "code": "0.01", "name": "Bureau",
                                               "space_type": "office", "area_m2": "12.5"})
    assert space.status_code == 201 and space.get_json()["area_m2"] == 12.5
    listed = manager("GET", f"/api/v1/spaces?building_id={building_id}&sort=-area_m2").get_json()
    assert listed["total"] == 1 and listed["items"][0]["code"] == "0.01"
    conflict = manager("DELETE", f"/api/v1/buildings/{building_id}")
    assert conflict.status_code == 409 and conflict.mimetype == "application/problem+json"
    assert manager("DELETE", f"/api/v1/buildings/{building_id}?confirm=true").status_code == 204
    assert manager("GET", f"/api/v1/spaces/{space.get_json()['id']}").status_code == 404
    assert manager("DELETE", f"/api/v1/sites/{site_id}").status_code == 204


BAD_SITES = [
    ("latitude", {"latitude": 91}),
    ("latitude", {"latitude": "north"}),
    ("name", {"name": "x" * 100_000}),
    ("name", {"name": "a\u0000b"}),
    ("code", {"code": 12345678901234567890123456789012345}),
    ("services", {"services": ["nope"]}),
    ("opened_on", {"opened_on": "31/12/2020"}),
    ("bogus", {"bogus": 1}),
]


@pytest.mark.parametrize(("field", "change"), BAD_SITES, ids=[f"{f}-{i}" for i, (f, _c) in enumerate(BAD_SITES)])
def test_bad_site_input_is_422_naming_the_field(manager, field, change):
    response = manager("POST", "/api/v1/sites", {**SITE, **change})
    assert response.status_code == 422
    assert field in fields(response)
    assert manager("GET", "/api/v1/sites").get_json()["total"] == 0


@pytest.mark.parametrize("parent", [999_999, 10**30, "1", None, True])
def test_unknown_or_malformed_parent_is_422_naming_it(manager, parent):
    response = manager("POST", "/api/v1/buildings", {"site_id": parent, "code": "B", "name": "B"})
    assert response.status_code == 422 and fields(response) == ["site_id"]


def test_unreadable_bodies_and_queries_are_400(manager, client):
    assert manager("POST", "/api/v1/sites", [1, 2]).status_code == 400
    deep = client.post("/api/v1/sites", data="[" * 100_000, content_type="application/json", headers=manager.headers)
    assert deep.status_code == 400 and deep.mimetype == "application/problem+json"
    for query in ("limit=abc", "limit=\u00b2", "site_id=99999999999", "sort=nope", "q=a%00b"):
        response = manager("GET", f"/api/v1/buildings?{query}")
        assert response.status_code == 400, query
        assert response.mimetype == "application/problem+json"


def test_huge_and_unknown_ids_in_the_path_are_404(manager):
    for url in ("/api/v1/sites/99999999999999999999", "/api/v1/floors/2147483648", "/api/v1/spaces/0"):
        assert manager("GET", url).status_code == 404, url


@pytest.mark.parametrize(("role", "status"), [("architect", 403), ("director", 403), ("admin", 403)])
def test_site_writes_follow_the_permissions(client, token_for, role, status):
    response = client.post("/api/v1/sites", headers=bearer(token_for(role)), json=SITE)
    assert response.status_code == status and response.mimetype == "application/problem+json"


def test_architect_may_edit_buildings_but_not_sites(client, token_for, factory):
    building = factory.building()
    headers = bearer(token_for("architect"))
    assert client.patch(f"/api/v1/buildings/{building.id}", headers=headers, json={"name": "N"}).status_code == 200
    assert client.patch(f"/api/v1/sites/{building.site_id}", headers=headers, json={"name": "N"}).status_code == 403
