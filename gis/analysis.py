"""Spatial analyses between sites (points) and communes (polygons).

Inputs are GeoDataFrames (sites from :func:`gis.sites.sites_to_gdf`, communes from
:func:`gis.boundaries.read_boundaries` - columns ``code``, ``name``, ``geometry``); outputs are
GeoDataFrames/DataFrames so the app can render tables, maps or JSON without further GIS work.
Every distance is computed in Lambert-93 (EPSG:2154).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from gis.errors import GisError
from gis.io import to_lambert93
from gis.sites import _as_list


def _require_columns(gdf: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise a readable GisError when expected columns are absent."""
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise GisError(
            f"The {what} table is missing column(s): {', '.join(missing)} "
            f"(it has: {', '.join(map(str, gdf.columns))})."
        )


def _same_crs(sites: gpd.GeoDataFrame, communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the sites in the communes' CRS (both layers must have one)."""
    if sites.crs is None or communes.crs is None:
        raise GisError("Sites and communes must both have a coordinate reference system.")
    return sites if sites.crs.equals(communes.crs) else sites.to_crs(communes.crs)


def locate_communes(points: gpd.GeoSeries, communes_gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Return, for each point, the code of the commune polygon containing it (None if none)."""
    result = np.full(len(points), None, dtype=object)
    if len(points) == 0 or communes_gdf.empty:
        return result
    # One bulk STRtree query (prepared polygons, C loop) instead of per-point Python tests.
    point_idx, commune_idx = communes_gdf.sindex.query(points.values, predicate="within")
    if len(point_idx):
        # A point on a shared border matches two communes; keep the first match deterministically.
        first = np.unique(point_idx, return_index=True)[1]
        codes = communes_gdf["code"].to_numpy(dtype=object)
        result[point_idx[first]] = codes[commune_idx[first]]
    return result


def join_sites_to_communes(
    sites_gdf: gpd.GeoDataFrame, communes_gdf: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Add commune_from_location (code or None) and commune_mismatch to a copy of the sites."""
    _require_columns(communes_gdf, ("code", "geometry"), "communes")
    sites = _same_crs(sites_gdf, communes_gdf)
    located = locate_communes(sites.geometry, communes_gdf)
    out = sites_gdf.copy()
    # Explicit object dtype: pandas 3 would otherwise infer a string dtype and turn None into NaN.
    out["commune_from_location"] = pd.Series(located, index=out.index, dtype=object)
    if "commune_code" in out.columns:
        recorded = out["commune_code"].astype("string").str.strip().to_numpy(dtype=object)
        recorded = np.where(pd.isna(recorded), None, recorded)
        # Only a real disagreement counts: a site outside every commune or with no recorded
        # code is "unknown", not a mismatch.
        known = (located != None) & (recorded != None)  # noqa: E711 - elementwise on object arrays
        out["commune_mismatch"] = known & (located != recorded)
    else:
        out["commune_mismatch"] = False
    return out


def _offers(services: Any, service_code: str) -> bool:
    """Return True if a services value (list or ';' string) contains the code."""
    return service_code in _as_list(services)


def nearest_site_by_commune(
    communes_gdf: gpd.GeoDataFrame,
    sites_gdf: gpd.GeoDataFrame,
    service_code: str,
    only_open: bool = True,
    *,
    sort_worst_first: bool = False,
) -> gpd.GeoDataFrame:
    """For each commune, the nearest (open) site offering a service and its distance in km.

    Distances are straight lines in Lambert-93 from the commune's *representative point* (a
    point guaranteed to lie inside the polygon, unlike the centroid of a crescent-shaped
    commune) to the site. Communes with no matching site get None / NaN.
    """
    _require_columns(communes_gdf, ("code", "geometry"), "communes")
    _require_columns(sites_gdf, ("services",), "sites")
    mask = np.fromiter(
        (_offers(v, service_code) for v in sites_gdf["services"].tolist()),
        dtype=bool,
        count=len(sites_gdf),
    )
    if only_open:
        _require_columns(sites_gdf, ("status",), "sites")
        mask &= (sites_gdf["status"] == "open").to_numpy(dtype=bool)
    candidates = sites_gdf.loc[mask]
    out = communes_gdf.copy()
    n = len(out)
    site_id = np.full(n, None, dtype=object)
    site_code = np.full(n, None, dtype=object)
    site_name = np.full(n, None, dtype=object)
    distance_km = np.full(n, np.nan)
    if n and len(candidates):
        communes_l93 = to_lambert93(communes_gdf)
        origins = communes_l93.geometry.representative_point()
        targets = to_lambert93(candidates).geometry
        tree = gpd.GeoSeries(targets.values, crs=targets.crs).sindex
        # query_nearest returns every tie; keep the first per commune for a stable answer.
        (origin_idx, target_idx), dist = tree.nearest(
            origins.values, return_all=True, return_distance=True
        )
        first = np.unique(origin_idx, return_index=True)[1]
        origin_idx, target_idx, dist = origin_idx[first], target_idx[first], dist[first]
        for column, array in (("id", site_id), ("code", site_code), ("name", site_name)):
            if column in candidates.columns:
                array[origin_idx] = candidates[column].to_numpy(dtype=object)[target_idx]
        distance_km[origin_idx] = dist / 1000.0
    for column, array in (
        ("nearest_site_id", site_id),
        ("nearest_site_code", site_code),
        ("nearest_site_name", site_name),
    ):
        out[column] = pd.Series(array, index=out.index, dtype=object)
    out["distance_km"] = distance_km
    return worst_first(out) if sort_worst_first else out


def worst_first(df: pd.DataFrame, column: str = "distance_km") -> pd.DataFrame:
    """Sort communes worst served first: no site at all (NaN) first, then longest distance."""
    return df.sort_values(column, ascending=False, na_position="first", kind="stable")


def sites_serving_counts(
    communes_gdf: gpd.GeoDataFrame,
    sites_gdf: gpd.GeoDataFrame,
    *,
    statuses: Iterable[str] | None = None,
) -> gpd.GeoDataFrame:
    """Count, per commune, the sites serving it (``communes_served``, else the commune it lies in).

    A site whose point lies outside every commune polygon and has no ``communes_served`` falls
    back to its recorded ``commune_code``. ``statuses`` optionally restricts the sites counted
    (e.g. ``{"open"}``). Adds an integer ``sites_count`` column (0 when none).
    """
    _require_columns(communes_gdf, ("code", "geometry"), "communes")
    sites = sites_gdf
    if statuses is not None:
        _require_columns(sites, ("status",), "sites")
        sites = sites.loc[sites["status"].isin(list(statuses))]
    out = communes_gdf.copy()
    if sites.empty:
        out["sites_count"] = 0
        return out
    located = locate_communes(_same_crs(sites, communes_gdf).geometry, communes_gdf)
    served_lists = (
        sites["communes_served"].tolist() if "communes_served" in sites.columns else [None] * len(sites)
    )
    recorded = sites["commune_code"].tolist() if "commune_code" in sites.columns else [None] * len(sites)
    ids = sites["id"].tolist() if "id" in sites.columns else list(range(len(sites)))
    pairs: set[tuple[Any, str]] = set()  # (site, commune) so a site counts once per commune
    for site, served, here, fallback in zip(ids, served_lists, located, recorded, strict=True):
        codes = _as_list(served)
        if not codes:
            home = here if here is not None else fallback
            if home is None or (isinstance(home, float) and math.isnan(home)):
                continue
            codes = [str(home)]
        pairs.update((site, code) for code in codes)
    counts = pd.Series([code for _site, code in pairs], dtype=object).value_counts()
    out["sites_count"] = out["code"].map(counts).fillna(0).astype(int).to_numpy()
    return out


def to_plain_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Drop geometry and return JSON-ready records with NaN/NA turned into None."""
    table = pd.DataFrame(df.drop(columns=[df.geometry.name])) if isinstance(df, gpd.GeoDataFrame) else df
    records = table.astype(object).where(table.notna(), None).to_dict("records")
    return records
