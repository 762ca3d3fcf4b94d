"""The main pages run a number of SQL queries that does not grow with the data (no N+1).

Run with `-s` to see the counts.
"""

from __future__ import annotations

import pytest

from tests.conftest import count_queries


def queries_for(client, db, url: str) -> int:
    client.get(url)  # warm up: first-request work (e.g. loading the user) is not what we measure
    with count_queries(db) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


@pytest.fixture
def reader(client_as):
    return client_as("director")


def add_sites(factory, count: int, **values):
    for _number in range(count):
        factory.site(services=["pmi", "ase", "social_action"], **values)


def test_site_list_queries_do_not_grow_with_sites(reader, factory, db):
    add_sites(factory, 3)
    small = queries_for(reader, db, "/sites")
    add_sites(factory, 37)
    large = queries_for(reader, db, "/sites")
    filtered = queries_for(reader, db, "/sites?service=pmi&status=open&q=site&page=2")
    print(f"\nsite list: {small} queries with 3 sites, {large} with 40 sites, {filtered} filtered page 2")
    assert small == large
    assert filtered == large


def test_site_page_queries_do_not_grow_with_buildings_floors_spaces(reader, factory, db):
    small_site = factory.site()
    factory.building(site=small_site, floors=2, spaces_per_floor=3)
    large_site = factory.site()
    for _number in range(4):
        factory.building(site=large_site, floors=6, spaces_per_floor=10)
    small = queries_for(reader, db, f"/sites/{small_site.id}")
    large = queries_for(reader, db, f"/sites/{large_site.id}")
    print(f"\nsite page: {small} queries with 1 building of 2×3, {large} with 4 buildings of 6×10")
    assert small == large


def test_building_page_queries_do_not_grow_with_floors_and_spaces(reader, factory, db, demo):
    # The demo also seeds the reference tables that the energy panel of the building page reads.
    small_building = factory.building(floors=2, spaces_per_floor=3)
    large_building = factory.building(floors=8, spaces_per_floor=25)
    small = queries_for(reader, db, f"/buildings/{small_building.id}")
    large = queries_for(reader, db, f"/buildings/{large_building.id}")
    print(f"\nbuilding page: {small} queries with 2 floors × 3 spaces, {large} with 8 floors × 25 spaces")
    assert small == large


def test_floor_page_queries_do_not_grow_with_spaces(reader, factory, db):
    small_building = factory.building(floors=2, spaces_per_floor=3)
    large_building = factory.building(floors=8, spaces_per_floor=25)
    small = queries_for(reader, db, f"/floors/{small_building.floors[0].id}")
    large = queries_for(reader, db, f"/floors/{large_building.floors[0].id}")
    print(f"\nfloor page: {small} queries with 3 spaces (2 floors), {large} with 25 spaces (8 floors)")
    assert small == large


def test_api_queries_do_not_grow(client, token_for, factory, db):
    from tests.conftest import bearer

    headers = bearer(token_for("director"))
    small_building = factory.building(floors=2, spaces_per_floor=3)
    large_building = factory.building(floors=8, spaces_per_floor=25)
    counts = {}
    for label, building in (("small", small_building), ("large", large_building)):
        for path in ("", "/spaces"):
            with count_queries(db) as statements:
                assert client.get(f"/api/v1/buildings/{building.id}{path}", headers=headers).status_code == 200
            counts[(label, path)] = len(statements)
    with count_queries(db) as statements:
        client.get("/api/v1/sites", headers=headers)
    print(f"\napi: {counts}, site list {len(statements)}")
    assert counts[("small", "")] == counts[("large", "")]
    assert counts[("small", "/spaces")] == counts[("large", "/spaces")]
