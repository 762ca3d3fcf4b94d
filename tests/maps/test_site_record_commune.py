"""Issue 3 point 5: a site's API record gains commune_from_location once commune boundaries are imported."""

from __future__ import annotations

from tests.conftest import bearer


def test_no_field_before_boundaries_are_loaded(client, factory, token_for):
    site = factory.site(code="B0")
    record = client.get(f"/api/v1/sites/{site.id}", headers=bearer(token_for("director"))).get_json()
    assert "commune_from_location" not in record


def test_commune_from_location_once_loaded(client, factory, token_for, communes):
    # Asnières-sur-Seine's town hall (2.2853 E, 48.9109 N) recorded as Bois-Colombes (92009): the point decides.
    inside = factory.site(code="IN", latitude=48.9109, longitude=2.2853, commune_code="92009")
    nowhere = factory.site(code="UNLOCATED", latitude=None, longitude=None)
    at_sea = factory.site(code="SEA", latitude=46.0, longitude=-5.0)
    headers = bearer(token_for("director"))
    assert client.get(f"/api/v1/sites/{inside.id}", headers=headers).get_json()["commune_from_location"] == "92004"
    for site in (nowhere, at_sea):
        record = client.get(f"/api/v1/sites/{site.id}", headers=headers).get_json()
        assert "commune_from_location" in record and record["commune_from_location"] is None


def test_a_write_answers_the_field_too(client, factory, token_for, communes):
    site = factory.site(code="MOVE", latitude=46.0, longitude=-5.0)
    headers = bearer(token_for("facilities_manager"))
    moved = client.patch(f"/api/v1/sites/{site.id}", json={"latitude": 48.9109, "longitude": 2.2853},
                         headers=headers)
    assert moved.status_code == 200, moved.get_data(as_text=True)
    assert moved.get_json()["commune_from_location"] == "92004"
