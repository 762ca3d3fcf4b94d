"""The sites web map (folium/Leaflet, client-side clustering, optional commune choropleth) as one HTML document.

folium builds the Leaflet map (its document, the map element and the ``L.map`` call) from options only: no
data ever enters folium, whose elements compile their text again as Jinja2 templates (a site name once ran
code on the server that way). The DATA goes in after folium rendered, as one JSON object in a
``<script type="application/json">`` element escaped for a script element (no ``<``, ``>``, ``&``, U+2028/9
raw), and ``gis/static/sitemap.js``, a static file like Leaflet and markercluster, draws the layers on
folium's map. folium's few inline ``<script>``/``<style>`` elements carry no data; :func:`inline_code_hashes`
gives their CSP hashes, so a strict Content-Security-Policy can allow exactly them.

Design choices, for size and speed with 10,000 sites:

* the sites are embedded ONCE as a compact GeoJSON FeatureCollection (one MultiPoint, per-site columns,
  5-decimal coordinates: :func:`gis.map_layers.compact_sites`) turned into circle markers and popups by the
  script inside a single ``L.markerClusterGroup``; no marker or popup object per site on the server;
* every value that comes from the data is HTML-escaped by the script before it reaches the DOM;
* the assets are files (:data:`MAP_ASSETS` in the folders of :func:`asset_folders`); ``asset_url`` says
  where the page finds them: the application's own URLs, or ``file://`` URLs by default (offline use).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal

import folium
import geopandas as gpd
import numpy as np
from markupsafe import escape

from gis.errors import MapBuildError
from gis.map_layers import check_color, class_breaks, communes_features, compact_sites

#: Default English texts; the app passes translated strings through ``labels``.
DEFAULT_LABELS: dict[str, str] = {
    "address": "Address",
    "services": "Services",
    "floors": "Floors",
    "workstations": "Workstations",
    "medical_cabinets": "Medical cabinets",
    "open_site": "Open the site page",
    "sites_layer": "Sites",
    "communes_layer": "Communes",
    "no_value": "No value",
    "other": "Other",
    "zoom_in": "Zoom in",
    "zoom_out": "Zoom out",
}
#: 5-class sequential colours (ColorBrewer YlOrRd) for the choropleth; override per call.
DEFAULT_CHOROPLETH_COLORS: tuple[str, ...] = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
NEUTRAL_COLOR = "#d9d9d9"
OTHER_COLOR = "#777777"
DEFAULT_CENTER = (48.84, 2.25)  # Hauts-de-Seine, used only when there is no data at all

#: The files the map document loads, as (package, file name) in the folders of :func:`asset_folders`.
MAP_ASSETS: dict[str, tuple[tuple[str, str], ...]] = {
    "css": (
        ("leaflet", "leaflet.css"),
        ("markercluster", "MarkerCluster.css"),
        ("markercluster", "MarkerCluster.Default.css"),
        ("gis", "sitemap.css"),
    ),
    "js": (("leaflet", "leaflet.js"), ("markercluster", "leaflet.markercluster.js"), ("gis", "sitemap.js")),
}
STATIC_FOLDER = Path(__file__).resolve().parent / "static"

AssetUrl = Callable[[str, str], str]


# --------------------------------------------------------------------------- assets


@cache
def asset_folders() -> dict[str, Path]:
    """Package name → folder holding its files: Leaflet and markercluster (XStatic packages), and this
    package's map script. Serve whole folders: leaflet.css loads ``images/layers.png`` relatively."""
    try:
        import xstatic.pkg.leaflet as xleaflet
        import xstatic.pkg.leaflet_markercluster as xcluster
    except ImportError as exc:  # pragma: no cover - they are project dependencies
        raise MapBuildError(f"XStatic package not installed: {exc.name}") from exc
    folders = {"leaflet": Path(xleaflet.BASE_DIR), "markercluster": Path(xcluster.BASE_DIR), "gis": STATIC_FOLDER}
    absent = [str(folders[p] / f) for kind in MAP_ASSETS.values() for p, f in kind if not (folders[p] / f).is_file()]
    if absent:
        raise MapBuildError("map asset file(s) not found: " + ", ".join(absent))
    return folders


def local_asset_url(package: str, filename: str) -> str:
    """The ``file://`` URL of an asset: a document that works offline, opened from the disk."""
    return (asset_folders()[package] / filename).as_uri()


# --------------------------------------------------------------------------- the document


def _script_json(value: Any) -> str:
    """Compact JSON safe inside a <script> element (no '<', '>', '&', U+2028/9 raw)."""
    return (
        json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


_INLINE_CODE = re.compile(r"<(script|style)>(.*?)</\1>", re.S)
_NO_ZOOM_LOCK = re.compile(r",\s*maximum-scale=1\.0,\s*user-scalable=no")


def inline_code_hashes(html: str) -> dict[str, list[str]]:
    """CSP source expressions ('sha256-…') of the inline <script> and <style> elements of a document.

    Only elements without attributes count: the JSON data island is not code and needs none."""
    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for tag, body in _INLINE_CODE.findall(html):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        hashes[tag].append(f"'sha256-{digest}'")
    return hashes


def _document(spec: dict[str, Any], asset_url: AssetUrl, lang: str, title: str, extra_scripts: Sequence[str] = ()
              ) -> str:
    """folium's map document with the stylesheets, then the data island and the scripts that draw on the map."""
    fmap = folium.Map(
        location=spec["center"],
        zoom_start=spec["zoom"],
        tiles=None,  # sitemap.js adds the configured tiles, and folium never sees their URL or attribution
        prefer_canvas=True,  # one canvas for thousands of circle markers instead of SVG nodes
        control_scale=False,  # sitemap.js adds a metric-only scale
        zoom_control=False,  # sitemap.js adds it with translated button titles
    )
    # Leaflet from the given URLs; none of the CDN assets folium loads by default (Bootstrap, jQuery, icons).
    fmap.default_js = [("leaflet", asset_url("leaflet", "leaflet.js"))]
    fmap.default_css = [(f"{package}-{name}", asset_url(package, name)) for package, name in MAP_ASSETS["css"]]
    html = fmap.get_root().render()
    scripts = "".join(
        f'<script src="{escape(asset_url(*a))}"></script>\n' for a in MAP_ASSETS["js"] if a[0] != "leaflet")
    scripts += "".join(f'<script src="{escape(url)}"></script>\n' for url in extra_scripts)
    island = f'<script type="application/json" id="gis-map-data">{_script_json({**spec, "mapName": fmap.get_name()})}'
    # Plain string edits of the rendered text: nothing here is compiled as a template.
    head, _end, _rest = html.rpartition("</html>")
    html = f"{head}{island}</script>\n{scripts}</html>\n"
    html = html.replace("<html>", f'<html lang="{escape(lang)}">', 1)
    html = html.replace("<head>", f"<head>\n<title>{escape(title)}</title>", 1)
    return _NO_ZOOM_LOCK.sub("", html)  # people who need to zoom the page must be able to


def _fmt(value: float, decimals: int, decimal_mark: str = ".") -> str:
    return f"{value:.{decimals}f}".replace(".", decimal_mark)


def build_site_map(
    sites_geojson: Mapping[str, Any] | None,
    *,
    color_by: Literal["kind", "status"] = "kind",
    palette: Mapping[Any, tuple[str, str]],
    tile_url: str | None = None,
    tile_attribution: str = "",
    communes: gpd.GeoDataFrame | Mapping[str, Any] | None = None,
    indicator: str | None = None,
    indicator_label: str = "",
    indicator_unit: str = "",
    indicator_decimals: int = 0,
    communes_legend_title: str | None = None,
    commune_name_field: str = "name",
    choropleth_colors: Sequence[str] = DEFAULT_CHOROPLETH_COLORS,
    legend_title: str = "",
    labels: Mapping[str, str] | None = None,
    service_labels: Mapping[str, str] | None = None,
    max_zoom: int = 19,
    figures_url_suffix: str | None = None,
    outlines: gpd.GeoDataFrame | Mapping[str, Any] | None = None,
    frame_bounds: tuple[float, float, float, float] | None = None,
    sites_legend_on_map: bool = True,
    decimal_mark: str = ".",
    fit_max_zoom: int = 14,
    asset_url: AssetUrl = local_asset_url,
    lang: str = "en",
    title: str = "Map of the sites",
    footprints: Mapping[str, Any] | None = None,
    footprints_min_zoom: int = 17,
    viewport: Mapping[str, Any] | None = None,
    extra_scripts: Sequence[str] = (),
) -> str:
    """Build the sites web map (clustered circle markers, legend, optional choropleth) as an HTML document.

    ``palette`` maps each value of ``color_by`` to ``(css colour, translated label)``; values
    absent from it are drawn grey as ``labels["other"]``. ``communes`` carries an ``indicator``
    column/property (e.g. ``sites_count`` or ``distance_km``); communes with no value are drawn
    in a neutral grey. ``tile_url=None`` draws vector layers only (no background tiles).
    Sites without ``floors``/``workstations``/``medical_cabinets`` properties can have them loaded when their
    popup opens: ``figures_url_suffix`` is appended to the site's ``url`` and must answer JSON with those keys.
    ``outlines`` (communes with ``commune_name_field``) are drawn as thin unfilled outlines under the sites when
    no choropleth is asked for. ``frame_bounds`` (min lon, min lat, max lon, max lat) is what the map frames
    first (the département, a commune), instead of the sites or the communes drawn.
    ``sites_legend_on_map=False`` leaves the sites' legend to the page around the map (shown once, with counts).
    Framing a few sites never zooms closer than ``fit_max_zoom`` (a lone site is shown with its surroundings).
    ``decimal_mark`` writes the figures of legends and tooltips in the reader's language ("," in French).
    ``asset_url(package, file name)`` gives the URL of each file of :data:`MAP_ASSETS`.
    ``footprints``: a FeatureCollection of building outlines (WGS84 polygons with a ``name`` and a ``url``),
    drawn from zoom ``footprints_min_zoom`` on, where a building is large enough on screen to be seen.
    ``viewport``: instead of embedding the sites, a JSON object for a script of ``extra_scripts`` (URLs loaded
    after the map's own) that loads them per viewport; the map gives it an empty layer named ``viewport["name"]``
    (``map.gisSitesLayer``), listed in the layer control.
    """
    if color_by not in ("kind", "status"):
        raise MapBuildError(f"color_by must be 'kind' or 'status', not {color_by!r}.")
    if tile_url is not None and not tile_attribution:
        raise MapBuildError("A tile layer needs an attribution (tile_attribution) by licence.")
    if communes is not None and not indicator:
        raise MapBuildError("Give the indicator column to colour the communes by.")
    texts = {**DEFAULT_LABELS, **(labels or {})}
    categories = list(palette)
    colors = [check_color(palette[c][0]) for c in categories] + [OTHER_COLOR]
    choropleth_colors = [check_color(c) for c in choropleth_colors]

    spec: dict[str, Any] = {
        "center": list(DEFAULT_CENTER),
        "zoom": 11,
        # Also without tiles: markercluster refuses to start on a map without maxZoom.
        "maxZoom": max_zoom,
        "zoomControl": {"position": "topleft", "zoomInTitle": texts["zoom_in"], "zoomOutTitle": texts["zoom_out"]},
        "tiles": None if tile_url is None else {"url": tile_url, "attribution": tile_attribution},
        "communes": None,
        "outlines": None,
        "sites": None,
        "bounds": None,
        "fitMaxZoom": fit_max_zoom,
        "sitesLegendOnMap": sites_legend_on_map,
    }
    bounds: tuple[float, float, float, float] | None = None
    if communes is not None:
        features, communes_bounds = communes_features(communes, indicator or "", commune_name_field)
        values = np.array([f["properties"]["v"] for f in features if f["properties"]["v"] is not None])
        breaks = class_breaks(values, len(choropleth_colors))
        used_colors = choropleth_colors[: max(len(breaks) - 1, 0)]
        unit = f" {indicator_unit}" if indicator_unit else ""
        items = [
            [color, f"{_fmt(breaks[i], indicator_decimals, decimal_mark)} – "
             f"{_fmt(breaks[i + 1], indicator_decimals, decimal_mark)}{unit}"]
            for i, color in enumerate(used_colors)
        ] + [[NEUTRAL_COLOR, texts["no_value"]]]
        spec["communes"] = {
            "name": texts["communes_layer"],
            "data": {"type": "FeatureCollection", "features": features},
            "breaks": breaks,
            "colors": used_colors,
            "texts": {
                "neutral": NEUTRAL_COLOR,
                "label": indicator_label or indicator,
                "no_value": texts["no_value"],
                "unit": unit,
                "decimals": indicator_decimals,
                "decimalMark": decimal_mark,
            },
            "legend": {
                "title": communes_legend_title or indicator_label or indicator or "",
                "items": items,
                "position": "bottomleft",
                "round": False,
            },
        }
        bounds = communes_bounds
    elif outlines is not None:
        features, outline_bounds = communes_features(outlines, None, commune_name_field)
        spec["outlines"] = {"name": texts["communes_layer"], "data": {"type": "FeatureCollection",
                                                                   "features": features}}
        bounds = outline_bounds

    if sites_geojson is not None:
        compact, service_list, url_prefix, sites_bounds = compact_sites(sites_geojson, color_by, categories)
        used = sorted({c for f in compact["features"] for c in f["properties"]["c"]})
        items = [[colors[i], palette[categories[i]][1] if i < len(categories) else texts["other"]] for i in used]
        if not items:  # an empty map still explains its colours
            items = [[colors[i], palette[c][1]] for i, c in enumerate(categories)]
        spec["sites"] = {
            "name": texts["sites_layer"],
            "data": compact,
            "colors": colors,
            "services": [(service_labels or {}).get(s, s) for s in service_list],
            "labels": texts,
            "urlPrefix": url_prefix,
            "figuresSuffix": figures_url_suffix,
            "legend": {"title": legend_title, "items": items, "position": "bottomright", "round": True},
        }
        if sites_bounds is not None:
            bounds = sites_bounds
    if frame_bounds is not None:
        bounds = frame_bounds

    if viewport is not None:
        spec["viewport"] = dict(viewport)

    if footprints is not None and footprints.get("features"):
        spec["footprints"] = {"name": texts.get("footprints_layer", "Buildings"), "data": dict(footprints),
                              "minZoom": footprints_min_zoom}

    if bounds is not None:
        minx, miny, maxx, maxy = bounds
        spec["bounds"] = [[miny, minx], [maxy, maxx]]
    return _document(spec, asset_url, lang, title, extra_scripts)
