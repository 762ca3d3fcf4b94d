"""The map page: embedded sites, filters, not-located list, offline assets, tiles, choropleth, permissions."""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import ROLES

ORIGIN = re.compile(r"""(?:https?:)?//([A-Za-z0-9.-]+(?::\d+)?)""")


def origins(text: str) -> set[str]:
    """Host names of every absolute or protocol-relative URL in a page (srcdoc unescaped)."""
    return set(ORIGIN.findall(html.unescape(text)))


def test_director_sees_the_map_with_every_located_site(client_as, demo):
    response = client_as("director").get("/map")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "FeatureCollection" in page
    assert "MultiPoint" in html.unescape(page)
    assert '<script src="/vendor/gis/sitemap.js?v=' in html.unescape(page)  # the script that draws the clusters
    assert 'aria-label="Main navigation"' in page or "navbar" in page  # the header navigation is kept
    for name in ("Pôle social", "Asnières"):
        assert name in html.unescape(page)


def test_map_loads_nothing_from_another_origin_except_the_tiles(app, client_as, demo):
    page = client_as("director").get("/map").get_data(as_text=True)
    assert origins(page) <= {"tile.openstreetmap.org"}, origins(page)
    unescaped = html.unescape(page)
    assert "/vendor/leaflet/leaflet.js" in unescaped
    assert "/vendor/markercluster/leaflet.markercluster.js" in unescaped
    assert "cdn.jsdelivr" not in unescaped and "awesome" not in unescaped.lower()


def test_no_tile_layer_when_tile_url_is_none(app, client_as, demo, monkeypatch):
    monkeypatch.setitem(app.config, "TILE_URL", "None")
    page = html.unescape(client_as("director").get("/map").get_data(as_text=True))
    assert '"tiles":null' in page
    assert '"maxZoom":19' in page  # markercluster needs it when there are no tiles
    assert origins(page) == set()


def test_custom_tile_server_is_used(app, client_as, demo, monkeypatch):
    monkeypatch.setitem(app.config, "TILE_URL", "https://tiles.intranet.example/{z}/{x}/{y}.png")
    monkeypatch.setitem(app.config, "TILE_ATTRIBUTION", "Intranet tiles")
    page = html.unescape(client_as("director").get("/map").get_data(as_text=True))
    assert '"tiles":{"url":"https://tiles.intranet.example/{z}/{x}/{y}.png","attribution":"Intranet tiles"}' in page
    assert origins(page) == {"tiles.intranet.example"}


def _embedded_names(page: str) -> list[str]:
    match = re.search(r'"n":\[(.*?)\]', html.unescape(page))
    return re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1)) if match else []


def test_filters_change_what_is_embedded(client_as, factory):
    factory.site(code="A1", name="Alpha PMI", services=["pmi"], kind="social_hub")
    factory.site(code="B1", name="Bravo ASE", services=["ase"], kind="child_welfare_home", status="closed",
                 commune_code="92024", commune_name="Clichy")
    client = client_as("director")
    assert sorted(_embedded_names(client.get("/map").get_data(as_text=True))) == ["Alpha PMI", "Bravo ASE"]
    assert _embedded_names(client.get("/map?service=pmi").get_data(as_text=True)) == ["Alpha PMI"]
    assert _embedded_names(client.get("/map?status=closed").get_data(as_text=True)) == ["Bravo ASE"]
    assert _embedded_names(client.get("/map?kind=social_hub").get_data(as_text=True)) == ["Alpha PMI"]
    assert _embedded_names(client.get("/map?commune=92024").get_data(as_text=True)) == ["Bravo ASE"]


def test_popup_data_holds_key_figures_and_link(client_as, factory):
    site = factory.site(code="F1", name="Figures", services=["pmi", "ase"], address="3 rue Haute")
    factory.building(site=site, floors=2, spaces_per_floor=3)
    client = client_as("director")
    page = html.unescape(client.get("/map").get_data(as_text=True))
    assert "3 rue Haute" in page
    assert f"/sites/{site.id}" in page
    assert '"f":[' not in page  # figures are not aggregated for every site of the map...
    assert '"/figures.json"' in page  # ...but fetched by the popup when it opens
    figures = client.get(f"/sites/{site.id}/figures.json")
    assert figures.get_json() == {"floors": 2, "workstations": 6, "medical_cabinets": 0}  # 3 spaces x 2 floors
    assert client.get("/sites/999999/figures.json").status_code == 404


def test_colour_by_status_changes_the_legend(client_as, factory):
    factory.site(code="C1", status="closed")
    client = client_as("director")
    by_kind = client.get("/map").get_data(as_text=True)
    by_status = client.get("/map?color_by=status").get_data(as_text=True)
    legend = lambda page: re.search(r'id="map-legend">(.*?)</ul>', page, re.S).group(1)  # noqa: E731
    social_hub, closed = "#1f77b4", "#dc3545"  # palette colours of the kind and the status
    assert social_hub in legend(by_kind) and closed not in legend(by_kind)
    assert closed in legend(by_status) and social_hub not in legend(by_status)
    assert legend(by_status).count("<li>") == 4 and legend(by_kind).count("<li>") == 5


def test_bad_filter_is_reported_and_ignored(client_as, factory):
    factory.site(code="X1", name="Xray")
    response = client_as("director").get("/map?status=bogus&color_by=rainbow")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="status-error"' in page and 'id="color_by-error"' in page
    assert "bogus" not in page.split('id="status-error"')[1][:20]
    assert _embedded_names(page) == ["Xray"]


def test_not_located_sites_are_listed_not_drawn(client_as, factory):
    factory.site(code="L1", name="Located")
    factory.site(code="N1", name="Nowhere", latitude=None, longitude=None)
    page = client_as("director").get("/map").get_data(as_text=True)
    assert _embedded_names(page) == ["Located"]
    not_located = re.search(r'id="not-located">(.*?)</section>', page, re.S).group(1)
    assert "Nowhere" in not_located and "Located" not in not_located.replace("Not located", "")
    assert "[0.0,0.0]" not in html.unescape(page) and "[0,0]" not in html.unescape(page)


def test_empty_portfolio_still_renders(client_as):
    response = client_as("director").get("/map")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="not-located"' in page and '"features":[]' in html.unescape(page)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_read_the_map(client_as, role):
    assert client_as(role).get("/map").status_code == 200


def test_anonymous_is_sent_to_login(client):
    response = client.get("/map")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_choropleth_of_sites_count_with_layer_control(client_as, demo, communes):
    page = html.unescape(client_as("director").get("/map?indicator=sites_count").get_data(as_text=True))
    assert '"communes":{"name":"Communes"' in page  # a communes layer: the map script adds the layer control
    assert 'id="indicator-title"' in page
    assert page.count('"n":"') >= 36  # one feature per commune, named


def test_choropleth_of_distance_needs_a_service(client_as, demo, communes):
    client = client_as("director")
    page = html.unescape(client.get("/map?indicator=distance").get_data(as_text=True))
    assert 'id="service-error"' in page and '"communes":null' in page
    page = html.unescape(client.get("/map?indicator=distance&service=pmi").get_data(as_text=True))
    assert '"communes":{"name":"Communes"' in page and " km" in page
    assert re.search(r'"\d+,\d – \d+,\d km"', page), "French legends use a decimal comma"
    assert '"decimalMark":","' in page


def test_indicator_is_offered_only_with_boundaries(client_as, demo, db):
    from sqlalchemy import delete

    from facilities.maps.models import Boundary, BoundaryImport

    client = client_as("director")
    page = html.unescape(client.get("/map").get_data(as_text=True))
    assert 'name="indicator"' in page  # the demo loads the communes of Hauts-de-Seine
    db.session.execute(delete(Boundary))
    db.session.execute(delete(BoundaryImport))
    db.session.commit()
    page = client.get("/map").get_data(as_text=True)
    assert 'name="indicator"' not in page
    assert "import-boundaries" in page


def test_demo_map_shows_the_communes_frames_the_departement_and_offers_presets(client_as, demo):
    """The demo map draws the 36 communes as outlines, frames them all, and offers the distance view in one click;
    the sites' legend is shown once (beside the map), and a commune filter frames that commune."""
    client = client_as("director")
    page = html.unescape(client.get("/map").get_data(as_text=True))
    spec = _spec(page)
    assert spec["communes"] is None and len(spec["outlines"]["data"]["features"]) == 36
    assert spec["sitesLegendOnMap"] is False
    (south, west), (north, east) = spec["bounds"]
    assert 48.72 < south < 48.74 and 48.94 < north < 48.96 and 2.14 < west < 2.16 and 2.33 < east < 2.35
    assert 'href="/map?indicator=distance&service=pmi"' in page
    framed = _spec(html.unescape(client.get("/map?commune=92004").get_data(as_text=True)))
    (south, west), (north, east) = framed["bounds"]
    assert north - south < 0.05 and east - west < 0.06  # Asnières-sur-Seine, not the whole département


def _spec(page: str) -> dict:
    import json

    island = re.search(r'<script type="application/json" id="gis-map-data">(.*?)</script>', page, re.S)
    return json.loads(island.group(1))


def test_zoom_buttons_speak_the_users_language(app, client_as, demo):
    from tests.conftest import french

    client = client_as("director")
    page = html.unescape(client.get("/map").get_data(as_text=True))
    assert f'"zoomInTitle":"{french("Zoom in")}","zoomOutTitle":"{french("Zoom out")}"' in page
    client.set_cookie("lang", "en")
    page = html.unescape(client.get("/map").get_data(as_text=True))
    assert '"zoomInTitle":"Zoom in","zoomOutTitle":"Zoom out"' in page


def test_map_policy_allows_exactly_folium_inline_code(client_as, demo):
    """folium's inline code runs under a hash-based policy; nothing else inline is allowed (no 'unsafe-inline')."""
    from gis.webmap import inline_code_hashes

    response = client_as("director").get("/map")
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    srcdoc = html.unescape(re.search(r'srcdoc="([^"]*)"', response.get_data(as_text=True)).group(1))
    hashes = inline_code_hashes(srcdoc)
    assert hashes["script"] and hashes["style"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    for digest in hashes["script"]:
        assert digest in directives["script-src"]
    for digest in hashes["style"]:
        assert digest in directives["style-src"]
    assert "sha256" not in client_as("director").get("/sites").headers["Content-Security-Policy"]
