"""The folium web map: one embedded FeatureCollection, escaping, offline assets, size."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time

import folium
import pytest
from folium.plugins import MarkerCluster

from gis.analysis import sites_serving_counts
from gis.errors import MapBuildError
from gis.sites import sites_to_gdf, sites_to_geojson
from gis.synth import synthetic_sites
from gis.webmap import build_site_map, configure_folium_assets, xstatic_asset_files

PALETTE = {
    "social_hub": ("#1f77b4", "Social hub"),
    "ime": ("#ff7f0e", "IME"),
    "child_welfare_home": ("#2ca02c", "Child welfare home"),
    "maison_departementale": ("#d62728", "Maison départementale"),
    "other": ("#9467bd", "Other site"),
}
TILE = "https://tiles.example.org/{z}/{x}/{y}.png"
EVIL = '</script><script>alert("x")</script> & <b>'


@pytest.fixture()
def local_assets():
    """Configure local asset URLs for one test, then restore folium's class defaults."""
    saved = {
        (cls, attr): getattr(cls, attr)
        for cls in (folium.Map, MarkerCluster)
        for attr in ("default_js", "default_css")
    }
    files = xstatic_asset_files()
    configure_folium_assets(
        {**{k: f"/static/gis/{k}.js" for k in files["js"]}, "bootstrap": "/static/bootstrap.js"},
        {**{k: f"/static/gis/{k}.css" for k in files["css"]}, "bootstrap": "/static/bootstrap.css"},
    )
    yield files
    for (cls, attr), value in saved.items():
        setattr(cls, attr, value)


@pytest.fixture()
def small_fc(make_site):
    return sites_to_geojson(sites_to_gdf([
        make_site(id=1, name=EVIL, address="1 rue <i>X</i>", services=["pmi", "ase"], floors=3,
                  workstations=12, medical_cabinets=2, url="/sites/1"),
        make_site(id=2, name="Foyer", kind="child_welfare_home", status="closed", latitude=48.85,
                  longitude=2.2, url="javascript:alert(1)"),
        make_site(id=3, name="Weird kind", kind="unknown", latitude=48.87, longitude=2.25,
                  url="/sites/3"),
    ]))


def _urls(html: str) -> set[str]:
    return set(re.findall(r"(?:https?:)?//[^\s\"'<>)]+", html))


def test_single_feature_collection_and_no_awesome_markers(small_fc):
    html = build_site_map(small_fc, palette=PALETTE, tile_url=TILE, tile_attribution="© test")
    assert html.count('"FeatureCollection"') == 1
    assert "awesome" not in html.lower()
    assert "L.markerClusterGroup" in html and "pointToLayer" in html and "L.circleMarker" in html
    assert "new L.Marker" not in html and "L.marker(" not in html
    assert TILE in html and "L.tileLayer" in html
    assert "fitBounds" in html


def test_names_are_escaped_in_the_page(small_fc):
    html = build_site_map(small_fc, palette=PALETTE, tile_url=None)
    assert EVIL not in html
    assert '<script>alert("x")' not in html
    # Only folium's own script elements: the data cannot close or open one.
    assert html.count("<script>") + html.count("<script ") == html.count("</script>")


def test_no_tiles_when_tile_url_is_none(small_fc):
    html = build_site_map(small_fc, palette=PALETTE, tile_url=None)
    assert "tileLayer" not in html and "openstreetmap" not in html.lower()
    assert "L.map(" in html and "fitBounds" in html


def test_local_assets_leave_only_the_tile_origin(local_assets, small_fc, communes92):
    html = build_site_map(small_fc, palette=PALETTE, tile_url=TILE, tile_attribution="© test",
                          communes=communes92.assign(v=1.0), indicator="v")
    assert _urls(html) == {TILE}
    for name in ("leaflet.js", "markercluster.js", "markercluster_default.css", "bootstrap.css"):
        assert name in html
    for key, path in [*local_assets["js"].items(), *local_assets["css"].items()]:
        assert path.is_file(), key
    offline = build_site_map(small_fc, palette=PALETTE, tile_url=None)
    assert _urls(offline) == set()


def test_configure_assets_reports_missing_keys():
    with pytest.raises(MapBuildError, match="markercluster"):
        configure_folium_assets({"leaflet": "/l.js"}, {"leaflet": "/l.css"})


def test_legend_has_text_labels_and_translations(small_fc):
    html = build_site_map(small_fc, palette=PALETTE, tile_url=None, legend_title="Types de sites",
                          labels={"floors": "Étages", "other": "Autre"})
    assert "Types de sites" in html and "Social hub" in html and "Child welfare home" in html
    assert "Autre" in html  # the unknown kind is drawn grey and named
    assert "Étages" in html
    # Only categories present on the map are listed (no IME among these sites).
    assert "IME" not in html


def test_zoom_buttons_take_the_given_titles(small_fc):
    html = build_site_map(small_fc, palette=PALETTE, tile_url=None)
    assert '"zoomControl": false' in html  # Leaflet's own control (English titles) is replaced by ours
    assert '"zoomInTitle":"Zoom in","zoomOutTitle":"Zoom out"' in html
    html = build_site_map(small_fc, palette=PALETTE, tile_url=None,
                          labels={"zoom_in": "Zoom avant", "zoom_out": EVIL})
    assert html.count("L.control.zoom(") == 1
    assert '"zoomInTitle":"Zoom avant"' in html and EVIL not in html


def test_choropleth_with_missing_values_and_layer_control(communes92, small_fc):
    counts = sites_serving_counts(communes92, sites_to_gdf(synthetic_sites(80, 2, communes92)))
    counts = counts.astype({"sites_count": float})
    counts.loc[counts.index[:3], "sites_count"] = float("nan")
    html = build_site_map(small_fc, palette=PALETTE, tile_url=None, communes=counts,
                          indicator="sites_count", indicator_label="Sites par commune",
                          labels={"no_value": "Sans valeur"})
    assert html.count('"FeatureCollection"') == 2
    assert "L.control.layers" in html
    assert "Sites par commune" in html and "Sans valeur" in html
    assert '"v":null' in html
    # Communes only (no sites): the view fits the communes.
    only = build_site_map(None, palette=PALETTE, tile_url=None, communes=counts, indicator="sites_count")
    minx, miny, maxx, maxy = communes92.total_bounds
    assert f"[[{miny}, {minx}], [{maxy}, {maxx}]]" in only


def test_tile_url_without_attribution_is_refused(small_fc):
    with pytest.raises(MapBuildError, match="attribution"):
        build_site_map(small_fc, palette=PALETTE, tile_url=TILE)


def test_bad_palette_colour_is_refused(small_fc):
    with pytest.raises(MapBuildError, match="colour"):
        build_site_map(small_fc, palette={"ime": ('red" onload="x', "IME")}, tile_url=None)


def test_10000_sites_size_and_time():
    fc = sites_to_geojson(sites_to_gdf(synthetic_sites(10_000, seed=42)))
    best = float("inf")
    for _ in range(3):  # best of three: the limit is about our code, not a busy CI machine
        start = time.perf_counter()
        html = build_site_map(fc, palette=PALETTE, tile_url=TILE, tile_attribution="© test")
        best = min(best, time.perf_counter() - start)
    assert len(html.encode("utf-8")) <= 1_500_000
    assert best <= 0.5, f"built in {best:.2f} s"


NODE_HARNESS = r"""
const fs = require("fs");
const html = fs.readFileSync(process.argv[2], "utf8");
const m = html.match(/var (sites_geo_json_[0-9a-f]+) = \(function[\s\S]*?\}\)\(\);/);
const popups = [];
global.L = {
  geoJSON(data, opts) {
    for (const f of data.features) {
      for (const c of f.geometry.coordinates) {
        const mk = opts.pointToLayer(f, {lat: c[1], lng: c[0]});
        popups.push(mk);
      }
    }
    return {};
  },
  circleMarker(latlng, o) {
    return {o, handlers: {}, bindPopup(fn) { this.popup = fn; }, bindTooltip(fn) { this.tip = fn; },
            on(event, fn) { this.handlers[event] = fn; }};
  },
};
const fetched = [];
global.fetch = (url) => {
  fetched.push(url);
  return Promise.resolve({ok: true, json: () => ({floors: 7, workstations: 96, medical_cabinets: 4})});
};
eval(m[0]);
const opened = {setContent(html) { this.html = html; }};
if (popups[0].handlers.popupopen) { popups[0].handlers.popupopen({popup: opened}); }
setTimeout(() => {
  console.log(JSON.stringify({fetched, opened: opened.html || null,
    popups: popups.map(p => ({html: p.popup(), tip: p.tip(), color: p.o.fillColor}))}));
}, 10);
"""


def run_popups(tmp_path, html: str) -> dict:
    """Run the map's popup script in node with stand-ins for Leaflet and fetch; open the first popup."""
    page = tmp_path / "map.html"
    page.write_text(html, encoding="utf-8")
    script = tmp_path / "harness.js"
    script.write_text(NODE_HARNESS, encoding="utf-8")
    out = subprocess.run(["node", str(script), str(page)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="node.js not installed")
def test_popup_javascript_escapes_and_links(tmp_path, small_fc):
    html = build_site_map(small_fc, palette=PALETTE, tile_url=None,
                          service_labels={"pmi": "PMI", "ase": "Aide sociale à l'enfance"},
                          labels={"open_site": "Voir la fiche"})
    result = run_popups(tmp_path, html)
    first, second, third = result["popups"]
    assert result["fetched"] == []  # figures given inline: nothing to load
    assert "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in first["html"]
    assert "<script>" not in first["html"] and "<b>" not in first["tip"]
    assert "1 rue &lt;i&gt;X&lt;/i&gt;" in first["html"]
    assert "PMI, Aide sociale à l&#39;enfance" in first["html"]
    assert "Floors</b> 3" in first["html"] and "Medical cabinets</b> 2" in first["html"]
    assert '<a href="/sites/1" target="_top">Voir la fiche</a>' in first["html"]
    assert "javascript:" not in second["html"]  # unsafe URL is not turned into a link
    assert first["color"] == "#1f77b4" and second["color"] == "#2ca02c"
    assert third["color"] == "#777777"  # kind absent from the palette: neutral grey


@pytest.mark.skipif(shutil.which("node") is None, reason="node.js not installed")
def test_popup_loads_missing_figures_when_it_opens(tmp_path, small_fc):
    for feature in small_fc["features"]:
        for key in ("floors", "workstations", "medical_cabinets"):
            feature["properties"].pop(key, None)
    html = build_site_map(small_fc, palette=PALETTE, tile_url=None, figures_url_suffix="/figures.json")
    result = run_popups(tmp_path, html)
    assert result["fetched"] == ["/sites/1/figures.json"]
    assert "Floors</b> 7" in result["opened"] and "Workstations</b> 96" in result["opened"]
    assert "Floors" not in result["popups"][1]["html"]  # another site's popup, never opened, has no figures
