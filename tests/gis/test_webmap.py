"""The web map: one HTML document with the data as JSON, the drawing in gis/static/sitemap.js; escaping,
offline assets, size."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gis.analysis import sites_serving_counts
from gis.errors import MapBuildError
from gis.sites import sites_to_gdf, sites_to_geojson
from gis.synth import synthetic_sites
from gis.webmap import MAP_ASSETS, STATIC_FOLDER, asset_folders, build_site_map, inline_code_hashes

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


def app_urls(package: str, filename: str) -> str:
    return f"/vendor/{package}/{filename}"


def spec_of(html: str) -> dict:
    """The JSON the document hands to the map script."""
    match = re.search(r'<script type="application/json" id="gis-map-data">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_folium_builds_the_map_and_the_data_comes_after_it(small_fc):
    html = build_site_map(small_fc, palette=PALETTE, tile_url=TILE, tile_attribution="© test", asset_url=app_urls)
    assert html.count('"FeatureCollection"') == 1 and '"MultiPoint"' in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert [attrs for attrs, _ in scripts] == [
        ' src="/vendor/leaflet/leaflet.js"', "", "", ' type="application/json" id="gis-map-data"',
        ' src="/vendor/markercluster/leaflet.markercluster.js"', ' src="/vendor/gis/sitemap.js"']
    assert all(not code for attrs, code in scripts if "src=" in attrs)
    # folium's own inline code (the L.map call) carries options only: no data, no tile server, no label.
    inline = [code for attrs, code in scripts if not attrs]
    assert "L.map(" in inline[1]
    for code in inline:
        assert "Site" not in code and TILE not in code and "test" not in code
    assert "style=" not in html and " on" not in html.lower().replace(" one", "")
    spec = spec_of(html)
    assert spec["tiles"] == {"url": TILE, "attribution": "© test"}
    assert spec["bounds"] and spec["maxZoom"] == 19 and spec["communes"] is None
    assert f'id="{spec["mapName"]}"' in html and f"var {spec['mapName']} = L.map(" in html


def test_inline_code_hashes_allow_exactly_folium_code(small_fc):
    html = build_site_map(small_fc, palette=PALETTE, tile_url=None)
    hashes = inline_code_hashes(html)
    inline_scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    inline_styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(hashes["script"]) == len(inline_scripts) == 2
    assert len(hashes["style"]) == len(inline_styles) >= 1
    expected = base64.b64encode(hashlib.sha256(inline_scripts[1].encode()).digest()).decode()
    assert f"'sha256-{expected}'" in hashes["script"]


def test_the_script_draws_clusters_circle_markers_and_the_layers():
    script = (STATIC_FOLDER / "sitemap.js").read_text(encoding="utf-8")
    for call in ("L.markerClusterGroup", "pointToLayer", "L.circleMarker", "L.control.layers", "L.tileLayer",
                 "fitBounds", "L.control.zoom", "bindPopup", "fetch("):
        assert call in script, call
    assert "innerHTML" not in script  # legends are text nodes; popups and tooltips are escaped strings


def test_names_are_escaped_in_the_page(small_fc):
    html = build_site_map(small_fc, palette=PALETTE, tile_url=None)
    assert EVIL not in html
    assert '<script>alert("x")' not in html
    # Only the document's own script elements: the data cannot close or open one.
    assert html.count("<script") == html.count("</script>") == 6
    assert spec_of(html)["sites"]["data"]["features"][0]["properties"]["n"][0] == EVIL


def test_no_tiles_when_tile_url_is_none(small_fc):
    html = build_site_map(small_fc, palette=PALETTE, tile_url=None)
    spec = spec_of(html)
    assert spec["tiles"] is None and "openstreetmap" not in html.lower()
    assert spec["maxZoom"] == 19  # markercluster needs it when there are no tiles
    assert spec["bounds"] is not None


def test_assets_are_files_of_this_package_or_its_dependencies(small_fc, communes92):
    html = build_site_map(small_fc, palette=PALETTE, tile_url=TILE, tile_attribution="© test",
                          communes=communes92.assign(v=1.0), indicator="v", asset_url=app_urls)
    assert _urls(html) == {TILE}
    folders = asset_folders()
    for package, filename in (*MAP_ASSETS["css"], *MAP_ASSETS["js"]):
        assert (folders[package] / filename).is_file(), (package, filename)
        assert f'"/vendor/{package}/{filename}"' in html
    assert folders["gis"] == STATIC_FOLDER
    # By default the document points at the files on disk: it works offline, opened from the disk.
    offline = build_site_map(small_fc, palette=PALETTE, tile_url=None)
    links = re.findall(r'(?:href|src)="([^"]+)"', offline)
    assert len(links) == 7 and all(link.startswith("file:///") for link in links)
    assert all(Path(link[len("file://"):]).is_file() for link in links)


def test_legend_has_text_labels_and_translations(small_fc):
    html = build_site_map(small_fc, palette=PALETTE, tile_url=None, legend_title="Types de sites",
                          labels={"floors": "Étages", "other": "Autre"})
    sites = spec_of(html)["sites"]
    assert sites["legend"]["title"] == "Types de sites"
    # Only categories present on the map are listed (no IME among these sites); the unknown kind is "Autre".
    assert [label for _color, label in sites["legend"]["items"]] == ["Social hub", "Child welfare home", "Autre"]
    assert sites["labels"]["floors"] == "Étages"


def test_zoom_buttons_take_the_given_titles(small_fc):
    html = build_site_map(small_fc, palette=PALETTE, tile_url=None)
    assert '"zoomInTitle":"Zoom in","zoomOutTitle":"Zoom out"' in html
    html = build_site_map(small_fc, palette=PALETTE, tile_url=None,
                          labels={"zoom_in": "Zoom avant", "zoom_out": EVIL})
    assert '"zoomInTitle":"Zoom avant"' in html and EVIL not in html
    assert spec_of(html)["zoomControl"]["zoomOutTitle"] == EVIL


def test_choropleth_with_missing_values_and_layer_control(communes92, small_fc):
    counts = sites_serving_counts(communes92, sites_to_gdf(synthetic_sites(80, 2, communes92)))
    counts = counts.astype({"sites_count": float})
    counts.loc[counts.index[:3], "sites_count"] = float("nan")
    html = build_site_map(small_fc, palette=PALETTE, tile_url=None, communes=counts,
                          indicator="sites_count", indicator_label="Sites par commune",
                          labels={"no_value": "Sans valeur"})
    assert html.count('"FeatureCollection"') == 2
    communes = spec_of(html)["communes"]  # a communes layer: the script adds the layer control
    assert communes["texts"]["label"] == "Sites par commune" and communes["legend"]["items"][-1][1] == "Sans valeur"
    assert '"v":null' in html
    # Communes only (no sites): the view fits the communes.
    only = spec_of(build_site_map(None, palette=PALETTE, tile_url=None, communes=counts, indicator="sites_count"))
    minx, miny, maxx, maxy = communes92.total_bounds
    assert only["sites"] is None and only["bounds"] == [[miny, minx], [maxy, maxx]]


def test_tile_url_without_attribution_is_refused(small_fc):
    with pytest.raises(MapBuildError, match="attribution"):
        build_site_map(small_fc, palette=PALETTE, tile_url=TILE)


def test_bad_palette_colour_is_refused(small_fc):
    with pytest.raises(MapBuildError, match="colour"):
        build_site_map(small_fc, palette={"ime": ('red" onload="x', "IME")}, tile_url=None)


def test_10000_sites_size():
    """The size of the document; its build time is measured by benchmarks/bench_map.py, not here."""
    fc = sites_to_geojson(sites_to_gdf(synthetic_sites(10_000, seed=42)))
    html = build_site_map(fc, palette=PALETTE, tile_url=TILE, tile_attribution="© test")
    assert len(html.encode("utf-8")) <= 1_500_000


NODE_HARNESS = r"""
const fs = require("fs");
const html = fs.readFileSync(process.argv[2], "utf8");
const spec = JSON.parse(html.match(/<script type="application\/json" id="gis-map-data">([\s\S]*?)<\/script>/)[1]);
const popups = [];
global.window = global;
global.document = {getElementById: () => null};  // the harness draws the sites layer itself
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
eval(fs.readFileSync(process.argv[3], "utf8"));
window.gisSiteMap.sitesLayer(spec.sites);
const opened = {setContent(html) { this.html = html; }};
if (popups[0].handlers.popupopen) { popups[0].handlers.popupopen({popup: opened}); }
setTimeout(() => {
  console.log(JSON.stringify({fetched, opened: opened.html || null,
    popups: popups.map(p => ({html: p.popup(), tip: p.tip(), color: p.o.fillColor}))}));
}, 10);
"""


def run_popups(tmp_path, html: str) -> dict:
    """Run the map script's sites layer in node with stand-ins for Leaflet and fetch; open the first popup."""
    page = tmp_path / "map.html"
    page.write_text(html, encoding="utf-8")
    script = tmp_path / "harness.js"
    script.write_text(NODE_HARNESS, encoding="utf-8")
    out = subprocess.run(["node", str(script), str(page), str(STATIC_FOLDER / "sitemap.js")],
                         capture_output=True, text=True, check=True)
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
