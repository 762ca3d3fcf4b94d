"""GET /api/v1/sites.geojson: a FeatureCollection for QGIS, same filters as the map, token or session."""

from __future__ import annotations

import json

from tests.conftest import bearer


def names(response) -> list[str]:
    return sorted(f["properties"]["name"] for f in response.get_json(force=True)["features"])


def test_feature_collection_with_main_properties(client, factory, token_for):
    site = factory.site(code="G1", name="Geo one", services=["ase", "pmi"], address="1 rue A", postcode="92600")
    response = client.get("/api/v1/sites.geojson", headers=bearer(token_for("director")))
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    body = response.get_json(force=True)
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 1
    feature = body["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [2.28, 48.9]}
    props = feature["properties"]
    assert {k: props[k] for k in ("id", "code", "name", "kind", "status", "commune_code", "services")} == {
        "id": site.id, "code": "G1", "name": "Geo one", "kind": "social_hub", "status": "open",
        "commune_code": "92004", "services": ["ase", "pmi"]}
    assert props["address"].startswith("1 rue A, 92600")
    assert props["url"].endswith(f"/sites/{site.id}") and props["url"].startswith("http")


def test_unlocated_site_has_null_geometry_never_zero(client, factory, token_for):
    factory.site(code="N1", latitude=None, longitude=None)
    feature = client.get("/api/v1/sites.geojson", headers=bearer(token_for("director"))).get_json(force=True)[
        "features"][0]
    assert feature["geometry"] is None


def test_filters(client, factory, token_for):
    factory.site(code="A", name="Alpha", services=["pmi"], status="open", kind="social_hub")
    factory.site(code="B", name="Bravo", services=["ase"], status="closed", kind="ime", commune_code="92024")
    headers = bearer(token_for("director"))
    assert names(client.get("/api/v1/sites.geojson", headers=headers)) == ["Alpha", "Bravo"]
    assert names(client.get("/api/v1/sites.geojson?service=ase", headers=headers)) == ["Bravo"]
    assert names(client.get("/api/v1/sites.geojson?status=open", headers=headers)) == ["Alpha"]
    assert names(client.get("/api/v1/sites.geojson?kind=ime", headers=headers)) == ["Bravo"]
    assert names(client.get("/api/v1/sites.geojson?commune=92024", headers=headers)) == ["Bravo"]


def test_bad_filter_is_a_422_problem(client, factory, token_for):
    response = client.get("/api/v1/sites.geojson?status=bogus", headers=bearer(token_for("director")))
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json(force=True)["errors"]] == ["status"]


def test_session_auth_works_and_anonymous_gets_401(client, client_as, factory):
    factory.site(name="Sess")
    assert client.get("/api/v1/sites.geojson").status_code == 401
    response = client_as("architect").get("/api/v1/sites.geojson")
    assert response.status_code == 200 and names(response) == ["Sess"]


def test_bad_token_is_401(client, factory):
    assert client.get("/api/v1/sites.geojson", headers=bearer("nope")).status_code == 401


def test_query_count_does_not_grow_with_sites(client, factory, token_for, db):
    from tests.conftest import count_queries

    headers = bearer(token_for("director"))
    for i in range(3):
        factory.site(code=f"Q{i}", services=["pmi", "ase"])
    with count_queries(db) as few:
        client.get("/api/v1/sites.geojson", headers=headers)
    for i in range(3, 15):
        factory.site(code=f"Q{i}", services=["pmi", "ase"])
    with count_queries(db) as many:
        client.get("/api/v1/sites.geojson", headers=headers)
    assert len(many) <= len(few) <= 6  # the token check may skip a "last used" update the second time


def test_vendor_assets_are_served_offline(client):
    for path in ("/vendor/leaflet/leaflet.js", "/vendor/markercluster/leaflet.markercluster.js",
                 "/vendor/gis/sitemap.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "javascript" in response.mimetype
    css = client.get("/vendor/leaflet/leaflet.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert client.get("/vendor/leaflet/images/layers.png").status_code == 200  # loaded by leaflet.css
    assert client.get("/vendor/gis/sitemap.css").mimetype == "text/css"
    assert client.get("/vendor/gis/webmap.py").status_code == 404  # the map's static folder only
    assert client.get("/vendor/jquery/jquery.min.js").status_code == 404  # folium's jQuery is gone
    assert client.get("/vendor/nothing/x.js").status_code == 404
    assert client.get("/vendor/leaflet/../../../etc/passwd").status_code == 404


def test_vendor_endpoint_name_is_the_public_one(app):
    assert "assets.vendor" in app.view_functions


def test_streamed_gzip_when_accepted(client, factory, token_for):
    import gzip
    import json

    factory.site(code="Z1", name="Zipped", services=["pmi"])
    headers = {**bearer(token_for("director")), "Accept-Encoding": "gzip, deflate"}
    response = client.get("/api/v1/sites.geojson", headers=headers)
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in response.headers["Vary"]
    body = json.loads(gzip.decompress(response.get_data()))
    assert [f["properties"]["code"] for f in body["features"]] == ["Z1"]
    assert body["features"][0]["properties"]["services"] == ["pmi"]


def test_etag_gives_304_until_a_site_is_written(client, factory, token_for, db):
    site = factory.site(code="E1", name="Tagged")
    headers = bearer(token_for("director"))
    first = client.get("/api/v1/sites.geojson", headers=headers)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get("/api/v1/sites.geojson", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    site.name = "Renamed"
    db.session.commit()
    changed = client.get("/api/v1/sites.geojson", headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert names(changed) == ["Renamed"]
    etag = changed.headers["ETag"]
    factory.site(code="E2", name="Added")
    added = client.get("/api/v1/sites.geojson", headers={**headers, "If-None-Match": etag})
    assert added.status_code == 200 and names(added) == ["Added", "Renamed"]
    etag = added.headers["ETag"]
    db.session.delete(site)
    db.session.commit()
    removed = client.get("/api/v1/sites.geojson", headers={**headers, "If-None-Match": etag})
    assert removed.status_code == 200 and names(removed) == ["Added"]


def test_services_change_changes_the_etag(client, factory, token_for):
    site = factory.site(code="S1", name="Served", services=["pmi"])
    headers = bearer(token_for("facilities_manager"))
    first = client.get("/api/v1/sites.geojson", headers=headers)
    response = client.patch(f"/api/v1/sites/{site.id}", json={"services": ["pmi", "ase"]}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    second = client.get("/api/v1/sites.geojson", headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert second.get_json(force=True)["features"][0]["properties"]["services"] == ["ase", "pmi"]


def test_feature_text_is_the_encoders_own_json_for_hostile_strings():
    """The GeoJSON stream writes each feature field by field: the same text as the JSON encoder's, strings escaped
    by the encoder itself (quotes, backslashes, controls, a closing script tag, non-Latin text), never pasted raw."""
    from facilities.maps.services import compact_json, point_geometry, site_feature_text

    hostile = 'Le "Phare" \\ </script><script>alert(1)</script>\n\t\u2028 Ærø 東京 \x00 %s %d'
    for geometry in (point_geometry(48.8924371, 2.2069999), point_geometry(-0.5, -179.9999996),
                     point_geometry(45, 3), None):
        for kind, address in ((None, None), (hostile, hostile)):
            values = {"code": hostile, "name": hostile, "kind": kind, "status": "open", "commune_code": None,
                      "commune_name": hostile, "services": [hostile, "pmi"], "address": address,
                      "url": 'https://x/sites/7?a=1&b="2"'}
            text = site_feature_text(7, geometry, **values)
            expected = {"type": "Feature", "id": 7, "geometry": geometry, "properties": {"id": 7, **values}}
            assert text == compact_json(expected)
            assert json.loads(text)["properties"]["name"] == hostile
