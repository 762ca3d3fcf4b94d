"""The map page and its viewport endpoint: sites per viewport, filters, not-located list, offline assets, tiles, choropleth, permissions."""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import ROLES

ORIGIN = re.compile(r"""(?:https?:)?//([A-Za-z0-9.-]+(?::\d+)?)""")


def origins(text: str) -> set[str]:
    """Host names of every absolute or protocol-relative URL in a page (srcdoc unescaped)."""
    return set(ORIGIN.findall(html.unescape(text)))


WORLD = "-180,-90,180,90"


def viewport(client, query: str = "", bbox: str = WORLD, zoom: int = 3) -> dict:
    """The viewport endpoint's answer, as the map's script asks for it."""
    response = client.get(f"/api/v1/map/viewport?bbox={bbox}&zoom={zoom}&{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return response.get_json()


def names(client, query: str = "") -> list[str]:
    return sorted(site["n"] for site in viewport(client, query)["sites"])


def test_director_sees_the_map_which_loads_its_sites_per_viewport(client_as, demo):
    client = client_as("director")
    response = client.get("/map")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert '<script src="/vendor/gis/sitemap.js?v=' in page  # draws folium's map
    assert '<script src="/static/js/map-viewport.js?v=' in page  # asks for the sites of each viewport
    assert 'aria-label="Main navigation"' in page or "navbar" in page  # the header navigation is kept
    spec = _spec(page)
    assert spec["sites"] is None and spec["viewport"]["url"] == "/api/v1/map/viewport"
    assert spec["viewport"]["params"] == {"color_by": "kind"}
    assert '"urlPrefix"' not in page and "/sites/1" not in page  # no site in the page (building outlines are)
    answer = viewport(client)
    assert answer["mode"] == "sites" and answer["total"] == len(answer["sites"]) >= 5
    assert any("Asnières" in site["n"] for site in answer["sites"])


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


def test_filters_change_what_the_viewport_answers(client_as, factory):
    factory.site(code="A1", name="Alpha PMI", services=["pmi"], kind="social_hub")
    factory.site(code="B1", name="Bravo ASE", services=["ase"], kind="child_welfare_home", status="closed",
                 commune_code="92024", commune_name="Clichy")
    client = client_as("director")
    assert names(client) == ["Alpha PMI", "Bravo ASE"]
    assert names(client, "service=pmi") == ["Alpha PMI"]
    assert names(client, "status=closed") == ["Bravo ASE"]
    assert names(client, "kind=social_hub") == ["Alpha PMI"]
    assert names(client, "commune=92024") == ["Bravo ASE"]
    assert names(client, "commune=92024&service=pmi") == []
    page = html.unescape(client.get("/map?service=pmi&color_by=status").get_data(as_text=True))
    assert _spec(page)["viewport"]["params"] == {"service": "pmi", "color_by": "status"}
    (south, west), (north, east) = _spec(page)["bounds"]  # a filtered map frames the sites it shows
    assert (south, west, north, east) == (48.9, 2.28, 48.9, 2.28)


def test_popup_data_holds_address_services_and_figures_on_demand(client_as, factory):
    site = factory.site(code="F1", name="Figures", services=["pmi", "ase"], address="3 rue Haute")
    factory.building(site=site, floors=2, spaces_per_floor=3)
    client = client_as("director")
    (marker,) = viewport(client)["sites"]
    assert marker == {"id": site.id, "n": "Figures", "lat": 48.9, "lon": 2.28, "c": "social_hub",
                      "a": "3 rue Haute, Asnières-sur-Seine", "s": ["ase", "pmi"]}
    spec = _spec(html.unescape(client.get("/map").get_data(as_text=True)))["viewport"]
    assert spec["siteUrl"] == ["/sites/", ""] and spec["figuresSuffix"] == "/figures.json"
    figures = client.get(f"/sites/{site.id}/figures.json")
    assert figures.get_json() == {"floors": 2, "workstations": 6, "medical_cabinets": 0}  # 3 spaces x 2 floors
    assert client.get("/sites/999999/figures.json").status_code == 404


def test_clusters_per_grid_cell_at_low_zoom_sites_past_the_threshold(client_as, factory, monkeypatch):
    from facilities.maps import viewport as module

    monkeypatch.setattr(module, "FEW_SITES", 2)
    for i in range(3):
        factory.site(code=f"N{i}", latitude=48.90 + i / 1000, longitude=2.28)  # 100 m apart
    factory.site(code="C0", status="closed", latitude=48.80, longitude=2.20)  # 13 km away
    factory.site(code="Z0", latitude=None, longitude=None)
    client = client_as("director")
    low = viewport(client, "color_by=status", bbox="2.0,48.7,2.5,49.0", zoom=10)
    assert low["mode"] == "clusters" and low["sites"] == [] and low["total"] == 4
    assert sorted((c["n"], c["counts"]) for c in low["clusters"]) == [(1, {"closed": 1}), (3, {"open": 3})]
    north = next(c for c in low["clusters"] if c["n"] == 3)
    assert north["lat"] == 48.901 and north["lon"] == 2.28  # the mean of its sites
    assert low["counts"] == {"open": 3, "closed": 1}
    high = viewport(client, bbox="2.27,48.89,2.29,48.91", zoom=module.SITES_ZOOM)
    assert high["mode"] == "sites" and len(high["sites"]) == 3  # the closed site is out of the box
    monkeypatch.setattr(module, "MAX_SITES", 2)  # too many to draw one by one, even zoomed in
    assert viewport(client, bbox="2.27,48.89,2.29,48.91", zoom=module.SITES_ZOOM)["mode"] == "clusters"


@pytest.mark.parametrize("query, field", [
    ("bbox=2,48,1,49&zoom=10", "bbox"), ("bbox=2,48,3&zoom=10", "bbox"), ("bbox=a,b,c,d&zoom=10", "bbox"),
    ("bbox=2,48,3,91&zoom=10", "bbox"), ("bbox=2,48,3,49&zoom=23", "zoom"), ("bbox=2,48,3,49&zoom=x", "zoom"),
    ("bbox=2,48,3,49", "zoom"), ("zoom=3", "bbox"), ("bbox=2,48,3,49&zoom=3&status=bogus", "status"),
    ("bbox=2,48,3,49&zoom=3&color_by=", "color_by"), ("bbox=nan,48,3,49&zoom=3", "bbox"),
])
def test_bad_viewport_is_refused_with_a_clear_message(client_as, query, field):
    response = client_as("director").get(f"/api/v1/map/viewport?{query}")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in {error["field"] for error in response.get_json()["errors"]}


def test_viewport_needs_a_signed_in_reader(client):
    assert client.get(f"/api/v1/map/viewport?bbox={WORLD}&zoom=3").status_code == 401


def test_map_coloured_by_safety_status(client_as, factory, db):
    from datetime import date, timedelta

    from facilities.safety import reference, rules, services

    reference.ensure_seeded()
    late = factory.building(site=factory.site(code="LATE", name="Late"), erp_types=["W"], public_capacity=250,
                            staff_capacity=30)
    item = services.create_equipment(late, rules.clean_equipment({"category": "lift", "name": "Ascenseur"}))
    services.record_check(item, rules.clean_check({"check_type": "lift_yearly", "body": "Otis", "result": "compliant",
                                                   "done_on": (date.today() - timedelta(days=400)).isoformat()}))
    factory.building(site=factory.site(code="ERP", name="Erp only"), erp_types=["W"], public_capacity=50)
    factory.building(site=factory.site(code="NONE", name="No ERP"))
    db.session.commit()
    client = client_as("director")
    client.set_cookie("lang", "en")
    colours = {site["n"]: site["c"] for site in viewport(client, "color_by=safety")["sites"]}
    assert colours == {"Late": "alert", "Erp only": "ok", "No ERP": "none"}
    page = client.get("/map?color_by=safety").get_data(as_text=True)
    spec = _spec(html.unescape(page))["viewport"]
    assert spec["severity"] == ["alert", "due_soon"]  # each cluster counts its worst sites on a badge
    assert spec["categoryLabels"]["ok"] == "Nothing due"
    legend = re.search(r'id="map-legend">(.*?)</ul>', page, re.S).group(1)
    # The legend names every status, "no ERP data" included (never hidden); its counts are the view's, as the
    # viewport answers them (the page's script writes them beside each label).
    for code, text in (("alert", "Check overdue or never done, or unfavourable opinion"),
                       ("due_soon", "Due within 30 days"), ("ok", "Nothing due"), ("_other", "No ERP data")):
        assert re.search(rf'<li data-category="{code}"( data-grey)?>.*?{text} <span class="text-muted" data-count>',
                         legend), legend
    assert viewport(client, "color_by=safety")["counts"] == {"alert": 1, "ok": 1, "none": 1}


def test_colour_by_status_changes_the_legend(client_as, factory):
    factory.site(code="C1", status="closed")
    client = client_as("director")
    by_kind = client.get("/map").get_data(as_text=True)
    by_status = client.get("/map?color_by=status").get_data(as_text=True)
    legend = lambda page: re.search(r'id="map-legend">(.*?)</ul>', page, re.S).group(1)  # noqa: E731
    social_hub, closed = "#1f77b4", "#dc3545"  # palette colours of the kind and the status
    assert social_hub in legend(by_kind) and closed not in legend(by_kind)
    assert closed in legend(by_status) and social_hub not in legend(by_status)
    categories = lambda page: re.findall(  # noqa: E731
        r'<li data-category="([^"]+)"(?: data-grey)?( hidden)?>', legend(page))
    assert categories(by_status) == [("planned", ""), ("in_works", ""), ("open", ""), ("closed", ""),
                                     ("_other", " hidden")]  # grey shows when the view has sites in no colour
    assert [code for code, _hidden in categories(by_kind)] == [
        "social_hub", "ime", "child_welfare_home", "maison_departementale", "other", "_other"]


def test_bad_filter_is_reported_and_ignored(client_as, factory):
    factory.site(code="X1", name="Xray")
    response = client_as("director").get("/map?status=bogus&color_by=rainbow")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="status-error"' in page and 'id="color_by-error"' in page
    assert "bogus" not in page.split('id="status-error"')[1][:20]
    assert _spec(html.unescape(page))["viewport"]["params"] == {"color_by": "kind"}  # the others apply


def test_not_located_sites_are_listed_not_drawn(client_as, factory):
    factory.site(code="L1", name="Located")
    factory.site(code="N1", name="Nowhere", latitude=None, longitude=None)
    client = client_as("director")
    page = client.get("/map").get_data(as_text=True)
    assert names(client) == ["Located"]
    not_located = re.search(r'id="not-located">(.*?)</section>', page, re.S).group(1)
    assert "Nowhere" in not_located and "Located" not in not_located.replace("Not located", "")
    assert "(1)</h2>" in not_located  # one site without coordinates, counted
    assert "[0.0,0.0]" not in html.unescape(page) and "[0,0]" not in html.unescape(page)


def test_empty_portfolio_still_renders(client_as):
    response = client_as("director").get("/map")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="not-located"' in page
    assert viewport(client_as("director"))["total"] == 0


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


def test_map_coloured_by_energy_label_from_the_stored_standings(client_as, demo):
    from facilities.energy import standings

    client = client_as("director")
    expected = standings.latest_dpe_class_by_site()
    assert expected, "the demo has energy labels"
    colours = {site["id"]: site["c"] for site in viewport(client, "color_by=dpe")["sites"]}
    assert {site_id: colours[site_id] for site_id in expected} == expected
    assert {c for site_id, c in colours.items() if site_id not in expected} <= {"none"}


def test_clusters_are_the_tiles_of_the_zoom_kept_right_when_a_site_moves(client_as, factory, db, monkeypatch):
    """A cell is a Web Mercator tile two levels finer than the zoom (64 pixels): sites in one tile make one
    cluster, sites in neighbouring tiles two, whatever stored level the cells are read from; a site moved by a
    save is grouped where it now lies."""
    from facilities.maps import viewport as module
    from gis.tiles import tile_xy

    monkeypatch.setattr(module, "FEW_SITES", 0)
    first, second = (48.8530, 2.3499), (48.8531, 2.3501)  # 20 m apart
    far = (48.8530, 2.3499 + 360 / 2 ** 12)  # one tile of level 12 further east
    assert tile_xy(*first, 12) == tile_xy(*second, 12) != tile_xy(*far, 12)
    sites = [factory.site(code=f"T{n}", latitude=lat, longitude=lon)
             for n, (lat, lon) in enumerate((first, second, far))]
    client = client_as("director")
    assert [module.tile_level(zoom) for zoom in (9, 10, 11, 12)] == [(13, 2), (13, 1), (13, 0), (16, 2)]
    for zoom in (8, 9, 10):  # cells of levels 10 to 12, from stored levels 10 and 13; split at 10 only
        answer = viewport(client, bbox="2.0,48.5,2.8,49.0", zoom=zoom)
        split = tile_xy(*first, zoom + 2) != tile_xy(*far, zoom + 2)
        assert answer["mode"] == "clusters" and answer["total"] == 3
        assert sorted(c["n"] for c in answer["clusters"]) == ([1, 2] if split else [3]), (zoom, answer)
    sites[2].latitude, sites[2].longitude = second  # moved into the others' tile
    db.session.commit()
    assert sites[2].map_tile_16 == sites[1].map_tile_16 and sites[2].map_tile_13 == sites[0].map_tile_13
    assert [c["n"] for c in viewport(client, bbox="2.0,48.5,2.8,49.0", zoom=10)["clusters"]] == [3]
