"""OGC API – Features at /ogc: landing, conformance, collections, items with bbox, paging and the map's filters,
one item; bearer token or session, same permissions; GDAL's own OAPIF driver reads it as QGIS does."""

from __future__ import annotations

import threading

import pytest

from tests.conftest import bearer


@pytest.fixture
def communes(runner, db):
    from facilities.data import COMMUNES_92

    result = runner.invoke(args=["gis", "import-boundaries", str(COMMUNES_92), "--code-field", "code",
                                 "--name-field", "nom"])
    assert result.exit_code == 0, result.output


def get(client, url, token):
    response = client.get(url, headers=bearer(token))
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
    return response.get_json(force=True)


def rels(document) -> dict[str, str]:
    return {link["rel"]: link["href"] for link in document["links"]}


def codes(document) -> list[str]:
    return [feature["properties"]["code"] for feature in document["features"]]


def test_landing_conformance_and_collections(client, token_for, factory):
    factory.site(code="L1")
    token = token_for("director")
    landing = get(client, "/ogc", token)
    links = rels(landing)
    assert {"self", "service-desc", "conformance", "data"} <= set(links)
    assert links["conformance"].endswith("/ogc/conformance") and links["data"].endswith("/ogc/collections")
    assert links["service-desc"].endswith("/api/v1/openapi.json")
    conformance = get(client, "/ogc/conformance", token)["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conformance
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conformance
    collections = get(client, "/ogc/collections", token)["collections"]
    assert [c["id"] for c in collections] == ["sites", "buildings"]  # no boundaries loaded: no communes
    sites = get(client, "/ogc/collections/sites", token)
    assert rels(sites)["items"].endswith("/ogc/collections/sites/items")
    assert sites["extent"]["spatial"]["bbox"] == [[2.28, 48.9, 2.28, 48.9]]
    assert client.get("/ogc/collections/communes", headers=bearer(token)).status_code == 404
    assert client.get("/ogc/collections/communes/items", headers=bearer(token)).status_code == 404


def test_items_bbox_paging_and_links(client, token_for, factory):
    # A row of sites from west to east: longitudes 2.20, 2.21, ... 2.29.
    for i in range(10):
        factory.site(code=f"P{i}", name=f"Point {i}", longitude=2.20 + i / 100, latitude=48.85)
    factory.site(code="FAR", longitude=5.0, latitude=45.0)
    factory.site(code="NOWHERE", latitude=None, longitude=None)
    token = token_for("director")
    # The box takes P2..P6 (2.215 to 2.265), hand-counted: 5 sites.
    first = get(client, "/ogc/collections/sites/items?bbox=2.215,48.8,2.265,48.9&limit=2", token)
    assert first["type"] == "FeatureCollection"
    assert (first["numberMatched"], first["numberReturned"]) == (5, 2)
    assert codes(first) == ["P2", "P3"]
    links = rels(first)
    assert "prev" not in links and "bbox=2.215" in links["next"] and "offset=2" in links["next"]
    second = get(client, links["next"].split("localhost", 1)[1], token)
    assert codes(second) == ["P4", "P5"] and "prev" in rels(second)
    last = get(client, rels(second)["next"].split("localhost", 1)[1], token)
    assert codes(last) == ["P6"] and "next" not in rels(last)
    assert "offset=2" in rels(last)["prev"]
    everything = get(client, "/ogc/collections/sites/items?limit=100", token)
    assert everything["numberMatched"] == 12 and everything["numberReturned"] == 12
    assert get(client, "/ogc/collections/sites/items", token)["numberReturned"] == 10  # the default limit


def test_items_take_the_maps_filters(client, token_for, factory):
    factory.site(code="OPEN", status="open", services=["pmi"])
    factory.site(code="SHUT", status="closed", services=["ase"], kind="ime")
    token = token_for("director")
    assert codes(get(client, "/ogc/collections/sites/items?status=closed", token)) == ["SHUT"]
    assert codes(get(client, "/ogc/collections/sites/items?service=pmi", token)) == ["OPEN"]
    assert codes(get(client, "/ogc/collections/sites/items?kind=ime", token)) == ["SHUT"]
    bad = client.get("/ogc/collections/sites/items?status=bogus", headers=bearer(token))
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"
    assert [e["field"] for e in bad.get_json()["errors"]] == ["status"]


@pytest.mark.parametrize("query", ["bbox=1,2,3", "bbox=a,b,c,d", "bbox=0,0,200,1", "limit=0", "limit=10001",
                                   "offset=-1", "bbox=nan,0,1,1"])
def test_bad_parameters_are_400_problems(client, token_for, query):
    response = client.get(f"/ogc/collections/sites/items?{query}", headers=bearer(token_for("director")))
    assert response.status_code == 400, query
    assert response.mimetype == "application/problem+json"


def test_one_item_and_unknown_item(client, token_for, factory):
    site = factory.site(code="ONE", name="Only one", services=["pmi", "ase"])
    token = token_for("director")
    feature = get(client, f"/ogc/collections/sites/items/{site.id}", token)
    assert feature["type"] == "Feature" and feature["id"] == site.id
    assert feature["geometry"] == {"type": "Point", "coordinates": [2.28, 48.9]}
    assert feature["properties"]["services"] == ["ase", "pmi"]
    assert rels(feature)["self"].endswith(f"/ogc/collections/sites/items/{site.id}")
    missing = client.get("/ogc/collections/sites/items/999999", headers=bearer(token))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_buildings_at_their_sites_point(client, token_for, factory):
    inside = factory.site(code="IN", longitude=2.25, latitude=48.85)
    outside = factory.site(code="OUT", longitude=3.0, latitude=48.85, status="closed")
    building = factory.building(site=inside, code="B-IN", name="Inside")
    factory.building(site=outside, code="B-OUT")
    token = token_for("director")
    page = get(client, "/ogc/collections/buildings/items?bbox=2.2,48.8,2.3,48.9", token)
    assert codes(page) == ["B-IN"] and page["numberMatched"] == 1
    assert page["features"][0]["geometry"]["coordinates"] == [2.25, 48.85]
    assert page["features"][0]["properties"]["site_code"] == "IN"
    assert codes(get(client, "/ogc/collections/buildings/items?status=closed", token)) == ["B-OUT"]
    one = get(client, f"/ogc/collections/buildings/items/{building.id}", token)
    assert one["properties"]["code"] == "B-IN"


def test_communes_once_boundaries_are_loaded(client, token_for, communes):
    token = token_for("director")
    assert "communes" in [c["id"] for c in get(client, "/ogc/collections", token)["collections"]]
    every = get(client, "/ogc/collections/communes/items?limit=100", token)
    assert every["numberMatched"] == 36
    # A small box around Asnières-sur-Seine's town hall (2.2853 E, 48.9109 N) meets Asnières and maybe a neighbour.
    near = get(client, "/ogc/collections/communes/items?bbox=2.284,48.910,2.286,48.912", token)
    assert "92004" in codes(near) and near["numberMatched"] <= 2
    assert near["features"][0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    asnieres = get(client, "/ogc/collections/communes/items/92004", token)
    assert asnieres["properties"]["name"] == "Asnières-sur-Seine"


def test_session_or_token_and_nothing_else(client, client_as, factory):
    factory.site(code="S")
    assert client.get("/ogc/collections/sites/items").status_code == 401
    assert client.get("/ogc", headers=bearer("wrong")).status_code == 401
    assert client.get("/ogc").mimetype == "application/problem+json"
    signed_in = client_as("architect")
    assert signed_in.get("/ogc/collections/sites/items").status_code == 200


def test_map_page_links_to_the_service(client_as):
    page = client_as("director").get("/map").get_data(as_text=True)
    assert 'href="/ogc"' in page


GDAL_CLIENT = """
import json, sys
import pyogrio

url, token, layer, bbox, page_size = sys.argv[1:]
# GDAL's bearer authentication (GDAL >= 3.9), what a QGIS connection's authentication sends.
pyogrio.set_gdal_config_options({"GDAL_HTTP_AUTH": "BEARER", "GDAL_HTTP_BEARER": token})
layers = [name for name, _geometry in pyogrio.list_layers(url)]
frame = pyogrio.read_dataframe(url, layer=layer, bbox=tuple(map(float, bbox.split(","))) if bbox else None,
                               PAGE_SIZE=page_size)
print(json.dumps({"layers": layers, "codes": sorted(frame["code"]), "epsg": frame.crs.to_epsg(),
                  "x": sorted(round(point.x, 2) for point in frame.geometry)}))
"""


def read_with_gdal(url: str, token: str, layer: str, bbox: str, page_size: int) -> dict:
    """GDAL's OAPIF driver in a process of its own: pyogrio keeps the GIL while it reads, so in this process it
    would stop the server thread it is waiting for."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", GDAL_CLIENT, url, token, layer, bbox, str(page_size)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.real_commits
def test_gdal_oapif_driver_reads_sites_with_bbox_and_paging(app, db, factory, token_for, monkeypatch):
    """GDAL's OAPIF driver (what QGIS uses) against a live server: a box, and pages of 2 features."""
    from werkzeug.serving import make_server

    for i in range(7):
        factory.site(code=f"G{i}", name=f"Gdal {i}", longitude=2.20 + i / 100, latitude=48.85, services=["pmi"])
    factory.site(code="GFAR", longitude=5.0, latitude=45.0)
    token = token_for("director")
    db.session.remove()  # the server thread reads committed data through connections of its own
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setitem(app.config, "SERVER_NAME", f"127.0.0.1:{server.server_port}")  # the links' host
    try:
        url = f"OAPIF:http://127.0.0.1:{server.server_port}/ogc"
        # Box 2.215..2.255 takes G2, G3, G4, G5 (hand-counted); pages of 2 make GDAL follow the next links.
        boxed = read_with_gdal(url, token, "sites", "2.215,48.8,2.255,48.9", 2)
        assert boxed["layers"][:2] == ["sites", "buildings"]
        assert boxed["codes"] == ["G2", "G3", "G4", "G5"] and boxed["epsg"] == 4326
        assert boxed["x"] == [2.22, 2.23, 2.24, 2.25]
        everything = read_with_gdal(url, token, "sites", "", 3)
        assert everything["codes"] == ["G0", "G1", "G2", "G3", "G4", "G5", "G6", "GFAR"]
    finally:
        server.shutdown()
        thread.join()
