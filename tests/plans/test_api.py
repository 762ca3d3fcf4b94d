"""GET and PUT /api/v1/floors/<id>/plan: GeoJSON in local metres (or WGS84), the same checks as the forms."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import bearer
from tests.plans.conftest import square


def test_get_gives_the_floor_and_its_rooms_with_both_areas(client, token_for, drawn_floor):
    response = client.get(f"/api/v1/floors/{drawn_floor.id}/plan", headers=bearer(token_for("director")))
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    body = response.get_json(force=True)
    floor, *rooms = body["features"]
    assert floor["properties"]["role"] == "floor" and floor["properties"]["drawn_area_m2"] == 36
    assert {room["properties"]["code"] for room in rooms} == {space.code for space in drawn_floor.spaces}
    assert all(room["properties"]["area_m2"] == 12 and room["properties"]["drawn_area_m2"] == 12 for room in rooms)
    refused = client.get(f"/api/v1/floors/{drawn_floor.id}/plan?crs=EPSG:4326", headers=bearer(token_for("admin")))
    assert refused.status_code == 400 and "géoréférencé" in refused.get_json()["detail"]


def test_get_in_wgs84_when_georeferenced(client, token_for, drawn_floor, db):
    from facilities.plans import geometry, services

    services.set_georeference(drawn_floor.building, geometry.Georeference(48.9127, 2.2871, 0), "test")
    db.session.commit()
    body = client.get(f"/api/v1/floors/{drawn_floor.id}/plan?crs=EPSG:4326",
                      headers=bearer(token_for("director"))).get_json(force=True)
    assert body["crs_name"] == "EPSG:4326"
    assert body["features"][0]["geometry"]["coordinates"][0][0] == [2.2871, 48.9127]


def test_put_replaces_the_plan_and_is_audited(client, token_for, drawn_floor, db):
    from facilities.trail.models import AuditEntry

    spaces = sorted(drawn_floor.spaces, key=lambda s: s.code)
    body = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": square(0, 0, 12, 4), "properties": {"role": "floor"}},
        {"type": "Feature", "geometry": square(0, 0, 6, 4), "properties": {"role": "space", "space_id": spaces[0].id}},
    ]}
    response = client.put(f"/api/v1/floors/{drawn_floor.id}/plan", json=body, headers=bearer(token_for("architect")))
    assert response.status_code == 200, response.get_data(as_text=True)
    features = response.get_json(force=True)["features"]
    assert len(features) == 2 and features[1]["properties"]["drawn_area_m2"] == 24
    actions = sorted((e.entity, e.action) for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.source == "api")))
    assert actions == [("floor_outline", "update"), ("space_outline", "delete"), ("space_outline", "delete"),
                       ("space_outline", "update")]


def test_put_refuses_bad_plans_and_keeps_the_previous_one(client, token_for, drawn_floor, db):
    headers = bearer(token_for("architect"))
    url = f"/api/v1/floors/{drawn_floor.id}/plan"
    before = client.get(url, headers=headers).get_json(force=True)
    spaces = sorted(drawn_floor.spaces, key=lambda s: s.code)

    def room(space, shape):
        return {"type": "Feature", "geometry": shape, "properties": {"role": "space", "space_id": space.id}}

    bad = {
        "overlap": [room(spaces[0], square(0, 0, 5, 3)), room(spaces[1], square(4, 0, 4, 3))],
        "outside": [{"type": "Feature", "geometry": square(0, 0, 4, 3), "properties": {"role": "floor"}},
                    room(spaces[1], square(4, 0, 4, 3))],
        "crossing": [room(spaces[0], {"type": "Polygon", "coordinates": [[[0, 0], [4, 4], [4, 0], [0, 4]]]})],
        "unknown space": [room(spaces[0], square(0, 0)) | {"properties": {"role": "space", "space_id": 999999}}],
    }
    for name, features in bad.items():
        response = client.put(url, json={"type": "FeatureCollection", "features": features}, headers=headers)
        assert response.status_code == 422, name
        assert response.mimetype == "application/problem+json" and response.get_json()["errors"], name
    assert client.put(url, json={"type": "Point"}, headers=headers).status_code == 422
    assert client.put(url, json=[], headers=headers).status_code == 400
    assert client.get(url, headers=headers).get_json(force=True) == before
    assert client.put(url, json={"type": "FeatureCollection", "features": []},
                      headers=bearer(token_for("director"))).status_code == 403
