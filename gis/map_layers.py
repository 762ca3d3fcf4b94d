"""The data the sites web map draws, packed small: the sites as one MultiPoint with per-site columns, the
communes as compact features with one indicator value, and the choropleth's class breaks.

Every function takes and returns plain data (dicts, lists, GeoDataFrames); nothing here knows of HTML.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from gis import WGS84
from gis.errors import MapBuildError
from gis.sites import SERVICE_CODES

_CSS_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|rgba?\([0-9.,%\s]+\))$")


def check_color(color: str) -> str:
    """Accept only plain CSS colours, because they end up in style attributes."""
    if not isinstance(color, str) or not _CSS_COLOR.match(color.strip()):
        raise MapBuildError(f"Invalid colour {color!r}: use #rgb, #rrggbb, rgb(...) or a CSS name.")
    return color.strip()


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value == ""


def compact_sites(
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


def _round_coords(coords: np.ndarray) -> np.ndarray:
    return np.round(coords, 5)


def communes_features(
    communes: gpd.GeoDataFrame | Mapping[str, Any], indicator: str | None, name_field: str
) -> tuple[list[dict[str, Any]], tuple[float, float, float, float] | None]:
    """Return compact commune features {n: name, v: value-or-None} and their bounds (v always None without an
    indicator: outlines only)."""
    if isinstance(communes, gpd.GeoDataFrame):
        if communes.crs is None:
            raise MapBuildError("The communes layer has no coordinate reference system.")
        gdf = communes if communes.crs.equals(WGS84) else communes.to_crs(WGS84)
        for column in (indicator or name_field, name_field):
            if column not in gdf.columns:
                raise MapBuildError(
                    f"Communes have no column '{column}' (columns: {', '.join(map(str, gdf.columns))})."
                )
        geoms = shapely.transform(np.asarray(gdf.geometry.values, dtype=object), _round_coords)
        names = gdf[name_field].tolist()
        values = gdf[indicator].tolist() if indicator else [None] * len(gdf)
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
            raw.append((f.get("geometry"), props.get(name_field), props.get(indicator) if indicator else None))
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


def class_breaks(values: np.ndarray, n_classes: int) -> list[float]:
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
