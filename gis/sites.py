"""Site records (plain dicts from the application) to GeoDataFrames and GeoJSON.

A *site record* is a plain ``dict`` with at least the keys ``id, code, name, kind, status,
latitude, longitude, commune_code, commune_name, services`` (a list of service codes) and
optionally ``communes_served`` (list of INSEE codes), ``address``, ``floors``, ``workstations``,
``medical_cabinets`` and ``url``.

Sites without coordinates are never placed at (0, 0): use :func:`split_located` to separate them
(the application lists them as "not located"), and :func:`sites_to_gdf` raises
:class:`~gis.errors.SiteDataError` when it meets one unless ``on_missing="skip"`` is passed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from gis import WGS84
from gis.errors import SiteDataError

REQUIRED_KEYS: tuple[str, ...] = (
    "id",
    "code",
    "name",
    "kind",
    "status",
    "latitude",
    "longitude",
    "commune_code",
    "commune_name",
    "services",
)
OPTIONAL_KEYS: tuple[str, ...] = (
    "communes_served",
    "address",
    "floors",
    "workstations",
    "medical_cabinets",
    "url",
)
#: Columns holding lists of codes; file formats without list types store them joined by ";".
LIST_COLUMNS: tuple[str, ...] = ("services", "communes_served")

SERVICE_CODES: tuple[str, ...] = (
    "pmi",
    "ase",
    "sexual_health",
    "social_action",
    "access_to_rights",
    "digital_help",
    "solidarity_desk",
)
KINDS: tuple[str, ...] = ("social_hub", "ime", "child_welfare_home", "maison_departementale", "other")
STATUSES: tuple[str, ...] = ("planned", "in_works", "open", "closed")


def _to_float(value: Any) -> float | None:
    """Parse a coordinate; None for missing or unparsable values."""
    if value is None:
        return None
    if isinstance(value, str):
        # French users type decimal commas ("48,89"); accept them rather than losing the site.
        value = value.strip().replace(",", ".")
        if not value:
            return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def is_located(record: Mapping[str, Any]) -> bool:
    """Return True when the record has usable, in-range latitude and longitude."""
    lat = _to_float(record.get("latitude"))
    lon = _to_float(record.get("longitude"))
    return lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180


def split_located(
    records: Iterable[Mapping[str, Any]],
) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """Split records into (located, not_located) according to their latitude/longitude."""
    located: list[Mapping[str, Any]] = []
    not_located: list[Mapping[str, Any]] = []
    for record in records:
        (located if is_located(record) else not_located).append(record)
    return located, not_located


def _as_list(value: Any) -> list[str]:
    """Normalise a list-of-codes value (list, tuple, ';'-joined string, None) to a list of str."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    if isinstance(value, float) and math.isnan(value):
        return []
    return [str(part) for part in value]


def sites_to_gdf(
    records: Iterable[Mapping[str, Any]],
    *,
    on_missing: Literal["raise", "skip"] = "raise",
) -> gpd.GeoDataFrame:
    """Build an EPSG:4326 point GeoDataFrame from site records (raise or skip unlocated ones)."""
    records = list(records)
    if records:
        missing_keys = [key for key in REQUIRED_KEYS if key not in records[0]]
        if missing_keys:
            raise SiteDataError(
                "Site records are missing required keys: " + ", ".join(missing_keys) + "."
            )
    located, not_located = split_located(records)
    if not_located and on_missing == "raise":
        ids = ", ".join(str(r.get("code") or r.get("id")) for r in not_located[:10])
        more = f" and {len(not_located) - 10} more" if len(not_located) > 10 else ""
        raise SiteDataError(
            f"{len(not_located)} site(s) have no valid latitude/longitude ({ids}{more}); "
            "use split_located() to map only located sites or pass on_missing='skip'."
        )
    frame = pd.DataFrame.from_records(located) if located else pd.DataFrame(columns=list(REQUIRED_KEYS))
    for key in REQUIRED_KEYS + OPTIONAL_KEYS:
        if key not in frame.columns:
            frame[key] = None
    frame["latitude"] = pd.to_numeric(
        frame["latitude"].map(_to_float), errors="coerce"
    ).astype("float64")
    frame["longitude"] = pd.to_numeric(
        frame["longitude"].map(_to_float), errors="coerce"
    ).astype("float64")
    for column in LIST_COLUMNS:
        frame[column] = [_as_list(v) for v in frame[column].tolist()]
    # Vectorised construction: one call for all points instead of a Point() per row.
    geometry = gpd.points_from_xy(frame["longitude"].to_numpy(), frame["latitude"].to_numpy())
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=WGS84)


def _clean(value: Any) -> Any:
    """Convert numpy/pandas scalars and NaN to JSON-friendly Python values."""
    if value is None:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.ndarray):
        return [_clean(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def sites_to_geojson(
    sites: gpd.GeoDataFrame | Iterable[Mapping[str, Any]],
    *,
    properties: Sequence[str] | None = None,
    precision: int = 5,
) -> dict[str, Any]:
    """Serialise sites (GeoDataFrame or located records) to a GeoJSON FeatureCollection dict."""
    gdf = sites if isinstance(sites, gpd.GeoDataFrame) else sites_to_gdf(sites)
    if gdf.crs is not None and not gdf.crs.equals(WGS84):
        gdf = gdf.to_crs(WGS84)
    if properties is None:
        properties = [c for c in REQUIRED_KEYS + OPTIONAL_KEYS if c in gdf.columns]
        properties = [c for c in properties if c not in ("latitude", "longitude")]
    # Rounded coordinate arrays and column lists avoid GeoDataFrame.iterfeatures' per-row overhead.
    xs = np.round(gdf.geometry.x.to_numpy(), precision).tolist()
    ys = np.round(gdf.geometry.y.to_numpy(), precision).tolist()
    columns = [(name, _column_values(gdf[name])) for name in properties]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [x, y]},
            "properties": {name: values[i] for name, values in columns},
        }
        for i, (x, y) in enumerate(zip(xs, ys, strict=True))
    ]
    return {"type": "FeatureCollection", "features": features}


def _column_values(series: pd.Series) -> list[Any]:
    """JSON-ready values of one column, converted per column rather than per cell."""
    kind = series.dtype.kind
    if kind in "iub":
        return series.tolist()
    if kind == "f":
        values = series.tolist()
        finite = series.dropna()
        # Counts stored as float because of missing values (3.0, NaN) go back to int / None.
        if len(finite) and bool((finite % 1 == 0).all()):
            return [None if v != v else int(v) for v in values]
        return [None if v != v else v for v in values]
    return [_clean(v) for v in series.tolist()]
