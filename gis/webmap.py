"""Folium/Leaflet web map of sites (client-side clustering) with an optional commune choropleth.

Design choices, for size and speed with 10,000 sites:

* the sites are embedded ONCE as a compact GeoJSON FeatureCollection (short property keys,
  5-decimal coordinates, no indentation) and turned into circle markers and popups by
  JavaScript (``pointToLayer``/``onEachFeature``) inside a single ``L.markerClusterGroup``;
  no per-site ``folium.Marker`` and no awesome-markers plugin;
* every value that comes from the data is HTML-escaped in JavaScript before it reaches the DOM,
  and the embedded JSON escapes ``<``, ``>`` and ``&`` so a name like ``</script>`` cannot
  close the script element;
* :func:`configure_folium_assets` is called once at application start-up to make folium load
  Leaflet, markercluster, jQuery and Bootstrap from the application's own URLs (offline use).
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from folium.map import Layer
from folium.plugins import MarkerCluster
from folium.template import Template
from markupsafe import escape

from gis import WGS84
from gis.errors import MapBuildError
from gis.sites import SERVICE_CODES

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
_CSS_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|rgba?\([0-9.,%\s]+\))$")
_UNUSED_ASSET = re.compile(r"awesome|glyphicon|font", re.IGNORECASE)
DEFAULT_CENTER = (48.84, 2.25)  # Hauts-de-Seine, used only when there is no data at all

_ASSET_KEYS = {
    "js": {"leaflet": True, "markercluster": True, "jquery": False, "bootstrap": False},
    "css": {"leaflet": True, "markercluster": True, "markercluster_default": True, "bootstrap": False},
}


# --------------------------------------------------------------------------- offline assets


def configure_folium_assets(js: Mapping[str, str], css: Mapping[str, str]) -> None:
    """Point folium's class-level asset lists at the given URLs; call once at start-up.

    ``js`` keys: ``leaflet`` and ``markercluster`` (required), ``jquery``, ``bootstrap``
    (optional). ``css`` keys: ``leaflet``, ``markercluster``, ``markercluster_default``
    (required), ``bootstrap`` (optional). Assets folium would otherwise pull from CDNs but this
    map never uses (awesome-markers, glyphicons, Font Awesome...) are dropped.
    """
    for kind, given in (("js", js), ("css", css)):
        known = _ASSET_KEYS[kind]
        unknown = sorted(set(given) - set(known))
        missing = sorted(k for k, required in known.items() if required and not given.get(k))
        if unknown or missing:
            raise MapBuildError(
                f"configure_folium_assets: {kind} "
                + (f"missing {', '.join(missing)}; " if missing else "")
                + (f"unknown {', '.join(unknown)}; " if unknown else "")
                + f"expected keys: {', '.join(known)}."
            )
    # New lists (not in-place edits): folium's defaults are module-level lists shared by classes.
    folium.Map.default_js = [("leaflet", js["leaflet"])] + [
        (name, js[name]) for name in ("jquery", "bootstrap") if js.get(name)
    ]
    folium.Map.default_css = [("leaflet_css", css["leaflet"])] + (
        [("bootstrap_css", css["bootstrap"])] if css.get("bootstrap") else []
    )
    MarkerCluster.default_js = [("markerclusterjs", js["markercluster"])]
    MarkerCluster.default_css = [
        ("markerclustercss", css["markercluster"]),
        ("markerclusterdefaultcss", css["markercluster_default"]),
    ]


def xstatic_asset_files() -> dict[str, dict[str, Path]]:
    """Return local paths of Leaflet, markercluster and jQuery files from the XStatic packages.

    Keys mirror :func:`configure_folium_assets`. Serve the *directory* of ``css["leaflet"]``,
    not just the file: leaflet.css loads ``images/layers.png`` (layer control) relatively.
    """
    try:
        import xstatic.pkg.jquery as xjquery
        import xstatic.pkg.leaflet as xleaflet
        import xstatic.pkg.leaflet_markercluster as xcluster
    except ImportError as exc:  # pragma: no cover - they are project dependencies
        raise MapBuildError(f"XStatic package not installed: {exc.name}") from exc
    leaflet = Path(xleaflet.BASE_DIR)
    cluster = Path(xcluster.BASE_DIR)
    jquery = Path(xjquery.BASE_DIR)
    files = {
        "js": {
            "leaflet": leaflet / "leaflet.js",
            "markercluster": cluster / "leaflet.markercluster.js",
            "jquery": jquery / "jquery.min.js",
        },
        "css": {
            "leaflet": leaflet / "leaflet.css",
            "markercluster": cluster / "MarkerCluster.css",
            "markercluster_default": cluster / "MarkerCluster.Default.css",
        },
    }
    absent = [str(p) for group in files.values() for p in group.values() if not p.is_file()]
    if absent:
        raise MapBuildError("XStatic asset file(s) not found: " + ", ".join(absent))
    return files


# --------------------------------------------------------------------------- helpers


def _js(value: Any) -> str:
    """Compact JSON safe to embed in a <script> element (no '<', '>', '&', U+2028/9 raw)."""
    return (
        json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


class _DataSlots:
    """Keeps data out of every template engine: elements carry opaque tokens, the data goes in after rendering.

    branca wraps the output of each element's macros in a new ``Element``, which compiles that text
    again as an (unsandboxed) Jinja2 template. Anything inside it that looks like ``{{ ... }}`` would
    run on the server, so site names, addresses, commune names and labels never enter it: each blob
    of JSON is registered here, the elements render a random token, and :meth:`fill` swaps the
    tokens for the JSON in one pass over the final HTML (so inserted text is never scanned again).
    """

    def __init__(self) -> None:
        self._nonce = secrets.token_hex(8)
        self._values: dict[str, str] = {}
        self._pattern = re.compile(rf"__gisdata_{self._nonce}_(\d+)__")

    def add(self, value: Any) -> str:
        """Register ``value`` (JSON-serialisable) and return the token to put in a template instead."""
        key = str(len(self._values))
        self._values[key] = _js(value)
        return f"__gisdata_{self._nonce}_{key}__"

    def fill(self, html: str) -> str:
        """Replace every token by its script-safe JSON."""
        return self._pattern.sub(lambda match: self._values[match.group(1)], html)


def _check_color(color: str) -> str:
    """Accept only plain CSS colours, because they end up in style attributes."""
    if not isinstance(color, str) or not _CSS_COLOR.match(color.strip()):
        raise MapBuildError(f"Invalid colour {color!r}: use #rgb, #rrggbb, rgb(...) or a CSS name.")
    return color.strip()


_ESCAPE_JS = r"""function esc(v) {
    return String(v).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }"""


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value == ""


def _compact_sites(
    sites_geojson: Mapping[str, Any], color_by: str, categories: Sequence[Any]
) -> tuple[dict[str, Any], list[str], str, tuple[float, float, float, float] | None]:
    """Pack the sites into one MultiPoint feature whose properties are per-site columns.

    A Feature per site costs ~96 bytes of GeoJSON boilerplate before any property, which alone
    would blow the 1.5 MB budget for 10,000 sites once names and addresses are added. One
    MultiPoint (a point costs ~19 bytes) with column arrays (n = name, c = colour category,
    a = address, s = service bitmask, f/w/m = floors/workstations/medical cabinets, u = URL
    suffix) keeps it valid GeoJSON, still rendered by one L.geoJSON layer via pointToLayer.
    """
    features = sites_geojson.get("features") if isinstance(sites_geojson, Mapping) else None
    if not isinstance(sites_geojson, Mapping) or sites_geojson.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise MapBuildError("sites_geojson must be a GeoJSON FeatureCollection dict.")
    cat_index = {value: i for i, value in enumerate(categories)}
    other = len(categories)
    points = []
    for feature in features:
        geometry = feature.get("geometry") or {}
        coords = geometry.get("coordinates") or ()
        # Unlocated sites are listed by the app, never drawn at 0,0.
        if geometry.get("type") == "Point" and len(coords) >= 2 and None not in coords[:2]:
            points.append((coords, feature.get("properties") or {}))
    present: set[str] = set()
    for _coords, p in points:
        present.update(map(str, p.get("services") or ()))
    # Known codes first, in the canonical order, so the bitmask is stable between maps.
    service_list = [s for s in SERVICE_CODES if s in present] + sorted(present - set(SERVICE_CODES))
    service_bit = {s: 1 << i for i, s in enumerate(service_list)}
    use_bitmask = len(service_list) <= 30  # JS bit operations are 32-bit signed
    urls = [p["url"] for _c, p in points if isinstance(p.get("url"), str)]
    # Site URLs share a long prefix ("/sites/"): store it once, keep only suffixes per site.
    url_prefix = os.path.commonprefix(urls) if len(urls) > 1 else ""
    cut = len(url_prefix)

    def number(value: Any) -> Any:
        if _is_missing(value):
            return None
        return int(value) if isinstance(value, float) and value.is_integer() else value

    coordinates: list[list[float]] = []
    columns: dict[str, list[Any]] = {k: [] for k in ("n", "c", "a", "s", "f", "w", "m", "u")}
    for coords, p in points:
        coordinates.append([round(float(coords[0]), 5), round(float(coords[1]), 5)])
        columns["n"].append("" if p.get("name") is None else str(p["name"]))
        columns["c"].append(cat_index.get(p.get(color_by), other))
        columns["a"].append(None if _is_missing(p.get("address")) else str(p["address"]))
        codes = {str(c) for c in (p.get("services") or ())}
        if use_bitmask:
            columns["s"].append(sum(service_bit[c] for c in codes))
        else:
            columns["s"].append(sorted(service_list.index(c) for c in codes))
        columns["f"].append(number(p.get("floors")))
        columns["w"].append(number(p.get("workstations")))
        columns["m"].append(number(p.get("medical_cabinets")))
        url = p.get("url")
        columns["u"].append(url[cut:] if isinstance(url, str) else None)
    # Drop columns that carry nothing (e.g. no site has medical cabinets).
    properties = {k: v for k, v in columns.items() if k in ("n", "c") or any(x is not None for x in v)}
    fc: dict[str, Any] = {"type": "FeatureCollection", "features": []}
    bounds = None
    if coordinates:
        array = np.asarray(coordinates)
        bounds = (*array.min(axis=0).tolist(), *array.max(axis=0).tolist())
        fc["features"].append(
            {
                "type": "Feature",
                "geometry": {"type": "MultiPoint", "coordinates": coordinates},
                "properties": properties,
            }
        )
    return fc, service_list, url_prefix, bounds


class _SitesLayer(MacroElement):
    """One L.geoJSON layer of circle markers with JS-built, escaped popups."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var colors = {{ this.colors_js }};
  var services = {{ this.services_js }};
  var t = {{ this.labels_js }};
  var urlPrefix = {{ this.url_prefix_js }};
  var figuresSuffix = {{ this.figures_suffix_js }};
  var loaded = {};  // figures fetched when a popup opened, by point index
  {{ this.escape_js }}
  function col(p, key, k) {
    var v = p[key] ? p[key][k] : null;
    if ((v === undefined || v === null) && loaded[k]) { v = loaded[k][key]; }
    return v === undefined ? null : v;
  }
  function loadFigures(p, k, popup) {
    var u = col(p, "u", k);
    if (!figuresSuffix || u == null || loaded[k]) { return; }
    fetch(urlPrefix + u + figuresSuffix, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) { return; }
        loaded[k] = {f: d.floors, w: d.workstations, m: d.medical_cabinets};
        popup.setContent(render(p, k));
      })
      .catch(function () { /* the popup keeps what it has: name, address, services, link */ });
  }
  function hasService(s, i) {
    return Array.isArray(s) ? s.indexOf(i) >= 0 : (s & (1 << i)) !== 0;
  }
  function row(label, value) {
    return value == null || value === "" ? "" : "<br><b>" + esc(label) + "</b> " + esc(value);
  }
  function render(p, k) {
    var h = '<div class="gis-popup"><strong>' + esc(p.n[k]) + "</strong>";
    var a = col(p, "a", k), s = col(p, "s", k), u = col(p, "u", k);
    if (a != null) { h += "<br>" + esc(a); }
    if (s != null) {
      var names = [];
      for (var i = 0; i < services.length; i++) { if (hasService(s, i)) { names.push(services[i]); } }
      h += row(t.services, names.join(", "));
    }
    h += row(t.floors, col(p, "f", k)) + row(t.workstations, col(p, "w", k)) +
      row(t.medical_cabinets, col(p, "m", k));
    if (u != null) {
      var url = urlPrefix + u;
      // Only same-site paths or http(s) links: a "javascript:" URL must never become a link.
      if (/^(https?:\\/\\/|\\/(?!\\/))/i.test(url)) {
        h += '<br><a href="' + esc(url) + '" target="_top">' + esc(t.open_site) + "</a>";
      }
    }
    return h + "</div>";
  }
  // Leaflet calls pointToLayer once per point of a MultiPoint, in order: count to index columns.
  var current = null, k = -1;
  return L.geoJSON({{ this.data_js }}, {
    pointToLayer: function (feature, latlng) {
      if (feature !== current) { current = feature; k = -1; }
      k += 1;
      var p = feature.properties, i = k;
      var marker = L.circleMarker(latlng, {
        radius: 7, weight: 1.5, color: "#333333", fillOpacity: 0.9,
        fillColor: colors[p.c[i]] || colors[colors.length - 1]
      });
      marker.bindPopup(function () { return render(p, i); }, {maxWidth: 320});
      marker.on("popupopen", function (e) { loadFigures(p, i, e.popup); });
      marker.bindTooltip(function () { return esc(p.n[i]); });
      return marker;
    }
  });
})();
{{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
{% endmacro %}
"""
    )

    def __init__(
        self,
        data: dict[str, Any],
        colors: list[str],
        services: list[str],
        labels: Mapping[str, str],
        url_prefix: str,
        figures_url_suffix: str | None,
        slots: _DataSlots,
    ) -> None:
        super().__init__()
        self._name = "SitesGeoJson"
        self.figures_suffix_js = slots.add(figures_url_suffix)
        self.data_js = slots.add(data)
        self.colors_js = slots.add(colors)
        self.services_js = slots.add(services)
        self.labels_js = slots.add(dict(labels))
        self.url_prefix_js = slots.add(url_prefix)
        self.escape_js = _ESCAPE_JS


class _ZoomControl(MacroElement):
    """Leaflet's zoom buttons with the given (translated) titles, which are also their accessible names."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
L.control.zoom({{ this.options_js }}).addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, zoom_in_title: str, zoom_out_title: str, slots: _DataSlots, position: str = "topleft"):
        super().__init__()
        self._name = "ZoomControl"
        self.options_js = slots.add({"position": position, "zoomInTitle": zoom_in_title, "zoomOutTitle": zoom_out_title})


class _Legend(MacroElement):
    """A Leaflet control with coloured swatches AND text labels (colour is never the only cue)."""

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>
.gis-legend { background: #fff; padding: 6px 8px; border-radius: 4px; line-height: 18px;
  box-shadow: 0 0 6px rgba(0,0,0,.3); font: 12px/1.4 sans-serif; max-width: 260px; }
.gis-legend .sw { display: inline-block; width: 14px; height: 14px; margin-right: 6px;
  vertical-align: -2px; border: 1px solid #555; }
.gis-legend .sw.round { border-radius: 50%; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({position: {{ this.position_js }}});
{{ this.get_name() }}.onAdd = function () {
  var div = L.DomUtil.create("div", "gis-legend");
  div.innerHTML = {{ this.html_js }};
  L.DomEvent.disableClickPropagation(div);
  return div;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(
        self, title: str, items: Sequence[tuple[str, str]], position: str, round_swatch: bool, slots: _DataSlots
    ):
        super().__init__()
        self._name = "Legend"
        cls = "sw round" if round_swatch else "sw"
        # Text is escaped here in Python; colours were validated by _check_color.
        rows = "".join(
            f'<div><span class="{cls}" style="background:{color}"></span>{escape(label)}</div>'
            for color, label in items
        )
        html = (f"<strong>{escape(title)}</strong>" if title else "") + rows
        self.html_js = slots.add(html)
        self.position_js = slots.add(position)


class _Choropleth(Layer):
    """Commune polygons coloured by class of an indicator value; missing values neutral."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var breaks = {{ this.breaks_js }};
  var colors = {{ this.colors_js }};
  var t = {{ this.texts_js }};
  {{ this.escape_js }}
  function colorFor(v) {
    if (v == null) { return t.neutral; }
    for (var i = 0; i < colors.length; i++) { if (v <= breaks[i + 1]) { return colors[i]; } }
    return colors[colors.length - 1];
  }
  return L.geoJSON({{ this.data_js }}, {
    style: function (f) {
      return {fillColor: colorFor(f.properties.v), color: "#555555", weight: 1, fillOpacity: 0.55};
    },
    onEachFeature: function (f, layer) {
      layer.bindTooltip(function () {
        var v = f.properties.v;
        return "<strong>" + esc(f.properties.n) + "</strong><br>" + esc(t.label) + ": " +
          esc(v == null ? t.no_value : v.toFixed(t.decimals) + t.unit);
      });
    }
  });
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        data: dict[str, Any],
        breaks: list[float],
        colors: list[str],
        texts: dict[str, Any],
        name: str,
        slots: _DataSlots,
    ):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "Choropleth"
        self.data_js = slots.add(data)
        self.breaks_js = slots.add(breaks)
        self.colors_js = slots.add(colors)
        self.texts_js = slots.add(texts)
        self.escape_js = _ESCAPE_JS


def _round_coords(coords: np.ndarray) -> np.ndarray:
    return np.round(coords, 5)


def _communes_features(
    communes: gpd.GeoDataFrame | Mapping[str, Any], indicator: str, name_field: str
) -> tuple[list[dict[str, Any]], tuple[float, float, float, float] | None]:
    """Return compact commune features {n: name, v: value-or-None} and their bounds."""
    if isinstance(communes, gpd.GeoDataFrame):
        if communes.crs is None:
            raise MapBuildError("The communes layer has no coordinate reference system.")
        gdf = communes if communes.crs.equals(WGS84) else communes.to_crs(WGS84)
        for column in (indicator, name_field):
            if column not in gdf.columns:
                raise MapBuildError(
                    f"Communes have no column '{column}' (columns: {', '.join(map(str, gdf.columns))})."
                )
        geoms = shapely.transform(np.asarray(gdf.geometry.values, dtype=object), _round_coords)
        names = gdf[name_field].tolist()
        values = gdf[indicator].tolist()
        bounds = tuple(float(b) for b in gdf.total_bounds) if len(gdf) else None
        raw = [
            (shapely.geometry.mapping(g), n, v)
            for g, n, v in zip(geoms, names, values, strict=True)
            if g is not None and not g.is_empty
        ]
    else:
        if communes.get("type") != "FeatureCollection":
            raise MapBuildError("communes must be a GeoDataFrame or a GeoJSON FeatureCollection dict.")
        raw = []
        for f in communes.get("features", []):
            props = f.get("properties") or {}
            raw.append((f.get("geometry"), props.get(name_field), props.get(indicator)))
        shapes = [shapely.geometry.shape(g) for g, _n, _v in raw if g]
        bounds = tuple(float(b) for b in shapely.total_bounds(shapes)) if shapes else None
    features = []
    for geometry, name, value in raw:
        number = None if value is None or _is_missing(value) else float(value)
        if number is not None and not np.isfinite(number):
            number = None
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"n": "" if name is None else str(name), "v": number},
            }
        )
    return features, bounds


def _class_breaks(values: np.ndarray, n_classes: int) -> list[float]:
    """Quantile class breaks (min ... max), de-duplicated so every class is non-empty-ish."""
    if values.size == 0:
        return []
    qs = np.quantile(values, np.linspace(0, 1, n_classes + 1))
    breaks = [float(qs[0])]
    for q in qs[1:]:
        if q > breaks[-1]:
            breaks.append(float(q))
    if len(breaks) == 1:  # a single distinct value: one class
        breaks.append(breaks[0])
    return breaks


def _fmt(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


# --------------------------------------------------------------------------- the map


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
    height: str | int = "100%",
    max_zoom: int = 19,
    figures_url_suffix: str | None = None,
) -> str:
    """Build the sites web map (clustered circle markers, legend, optional choropleth) as HTML.

    ``palette`` maps each value of ``color_by`` to ``(css colour, translated label)``; values
    absent from it are drawn grey as ``labels["other"]``. ``communes`` carries an ``indicator``
    column/property (e.g. ``sites_count`` or ``distance_km``); communes with no value are drawn
    in a neutral grey. ``tile_url=None`` draws vector layers only (no background tiles).
    Sites without ``floors``/``workstations``/``medical_cabinets`` properties can have them loaded when their
    popup opens: ``figures_url_suffix`` is appended to the site's ``url`` and must answer JSON with those keys.
    """
    if color_by not in ("kind", "status"):
        raise MapBuildError(f"color_by must be 'kind' or 'status', not {color_by!r}.")
    if tile_url is not None and not tile_attribution:
        raise MapBuildError("A tile layer needs an attribution (tile_attribution) by licence.")
    if communes is not None and not indicator:
        raise MapBuildError("Give the indicator column to colour the communes by.")
    texts = {**DEFAULT_LABELS, **(labels or {})}
    categories = list(palette)
    colors = [_check_color(palette[c][0]) for c in categories] + [OTHER_COLOR]
    choropleth_colors = [_check_color(c) for c in choropleth_colors]

    fmap = folium.Map(
        location=DEFAULT_CENTER,
        zoom_start=11,
        tiles=None,
        prefer_canvas=True,  # one canvas for thousands of circle markers instead of SVG nodes
        control_scale=True,
        height=height,
        max_zoom=max_zoom,
        zoom_control=False,  # added below with translated button titles
    )
    # folium gives max_zoom to its tile layer only; without tiles Leaflet would have no maxZoom and
    # markercluster refuses to start ("Map has no maxZoom specified"), so set it on the map itself.
    fmap.options["max_zoom"] = max_zoom
    # Even before configure_folium_assets, never load icon fonts/plugins this map does not use.
    fmap.default_js = [a for a in type(fmap).default_js if not _UNUSED_ASSET.search(a[0])]
    fmap.default_css = [a for a in type(fmap).default_css if not _UNUSED_ASSET.search(a[0])]
    slots = _DataSlots()
    _ZoomControl(texts["zoom_in"], texts["zoom_out"], slots).add_to(fmap)
    if tile_url is not None:
        folium.TileLayer(
            tiles=tile_url, attr=tile_attribution, name="tiles", control=False, max_zoom=max_zoom
        ).add_to(fmap)

    bounds: tuple[float, float, float, float] | None = None
    if communes is not None:
        features, communes_bounds = _communes_features(communes, indicator or "", commune_name_field)
        values = np.array([f["properties"]["v"] for f in features if f["properties"]["v"] is not None])
        breaks = _class_breaks(values, len(choropleth_colors))
        used_colors = choropleth_colors[: max(len(breaks) - 1, 0)]
        _Choropleth(
            {"type": "FeatureCollection", "features": features},
            breaks,
            used_colors,
            {
                "neutral": NEUTRAL_COLOR,
                "label": indicator_label or indicator,
                "no_value": texts["no_value"],
                "unit": f" {indicator_unit}" if indicator_unit else "",
                "decimals": indicator_decimals,
            },
            name=texts["communes_layer"],
            slots=slots,
        ).add_to(fmap)
        unit = f" {indicator_unit}" if indicator_unit else ""
        items = [
            (color, f"{_fmt(breaks[i], indicator_decimals)} – {_fmt(breaks[i + 1], indicator_decimals)}{unit}")
            for i, color in enumerate(used_colors)
        ] + [(NEUTRAL_COLOR, texts["no_value"])]
        _Legend(communes_legend_title or indicator_label or indicator or "", items, "bottomleft", False, slots).add_to(fmap)
        bounds = communes_bounds

    if sites_geojson is not None:
        compact, service_list, url_prefix, sites_bounds = _compact_sites(sites_geojson, color_by, categories)
        cluster = MarkerCluster(
            name=texts["sites_layer"],
            overlay=True,
            control=communes is not None,
            options={"chunkedLoading": True, "showCoverageOnHover": False},
        ).add_to(fmap)
        names = [(service_labels or {}).get(s, s) for s in service_list]
        _SitesLayer(compact, colors, names, texts, url_prefix, figures_url_suffix, slots).add_to(cluster)
        used = sorted({c for f in compact["features"] for c in f["properties"]["c"]})
        items = [(colors[i], palette[categories[i]][1] if i < len(categories) else texts["other"]) for i in used]
        if not items:  # an empty map still explains its colours
            items = [(colors[i], palette[c][1]) for i, c in enumerate(categories)]
        _Legend(legend_title, items, "bottomright", True, slots).add_to(fmap)
        if sites_bounds is not None:
            bounds = sites_bounds

    if communes is not None:
        folium.LayerControl(collapsed=False).add_to(fmap)
    if bounds is not None:
        minx, miny, maxx, maxy = bounds
        fmap.fit_bounds([[miny, minx], [maxy, maxx]], max_zoom=16)
    return slots.fill(fmap.get_root().render())
