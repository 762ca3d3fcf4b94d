"""Import user-supplied administrative boundaries (communes) and check them.

The application must keep working when no boundary file is loaded, so nothing here is required
at start-up: :func:`read_boundaries` is called when a user uploads a file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from gis import WGS84
from gis.errors import BoundaryError
from gis.io import gdal_path

_POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass
class BoundarySet:
    """Validated boundaries: ``gdf`` has columns code, name, geometry (EPSG:4326, polygons only)."""

    gdf: gpd.GeoDataFrame
    read: int
    repaired: int
    skipped: int
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    source_crs: str | None = None
    layer: str | None = None

    def summary(self) -> dict[str, Any]:
        """Return the counts as plain data for an import report."""
        return {
            "read": self.read,
            "kept": len(self.gdf),
            "repaired": self.repaired,
            "skipped": self.skipped,
            "skipped_reasons": dict(self.skipped_reasons),
            "source_crs": self.source_crs,
            "layer": self.layer,
        }


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry | None:
    """Keep only the polygonal parts of a geometry (e.g. of a make_valid GeometryCollection)."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in _POLYGONAL:
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in _POLYGONAL and not p.is_empty]
    # make_valid can nest collections; flatten once more for GeometryCollection parts.
    flat: list[shapely.Geometry] = []
    for part in parts:
        flat.extend(shapely.get_parts(part))
    polygons = [p for p in flat if p.geom_type == "Polygon" and not p.is_empty]
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def read_boundaries(
    path: str | Path,
    code_field: str,
    name_field: str,
    layer: str | None = None,
) -> BoundarySet:
    """Read, reproject to EPSG:4326, repair and count boundary polygons from a vector file."""
    path = Path(path)
    if not path.exists():
        raise BoundaryError(f"Boundary file not found: '{path.name}'.")
    source = gdal_path(path)
    try:
        # One read of everything, then checks on the result: GDAL's GeoJSON driver parses the
        # whole file when opening it, so a separate read_info() call would double the cost.
        raw = pyogrio.read_dataframe(source, layer=layer)
    except IndexError as exc:  # pyogrio looks for a default layer in a source that has none
        raise BoundaryError(
            f"Cannot read '{path.name}': it holds no layer GDAL can read (for a zipped Shapefile, the "
            ".shp, .shx and .dbf files must all be in the archive)."
        ) from exc
    except (DataSourceError, DataLayerError, ValueError, RuntimeError, OSError) as exc:
        raise BoundaryError(
            f"Cannot read '{path.name}' as a vector file (GeoJSON, GeoPackage, zipped "
            f"Shapefile): {exc}"
        ) from exc
    fields = [str(c) for c in raw.columns if not isinstance(raw, gpd.GeoDataFrame) or c != raw.geometry.name]
    missing = [f for f in (code_field, name_field) if f not in fields]
    if missing:
        hint = ""
        lower = {f.lower(): f for f in fields}
        close = [lower[m.lower()] for m in missing if m.lower() in lower]
        if close:
            hint = " Did you mean: " + ", ".join(close) + "?"
        raise BoundaryError(
            f"Field(s) {', '.join(repr(m) for m in missing)} not found in '{path.name}'. "
            f"Available fields: {', '.join(fields) if fields else '(none)'}.{hint}"
        )
    if not isinstance(raw, gpd.GeoDataFrame):
        raise BoundaryError(
            f"'{path.name}' has no geometry column; boundary files must contain polygons."
        )
    if raw.crs is None:
        raise BoundaryError(
            f"'{path.name}' has no coordinate reference system (for a Shapefile, the .prj file "
            "is missing); cannot place it on the map."
        )

    read = len(raw)
    reasons: Counter[str] = Counter()
    geoms = np.asarray(raw.geometry.values, dtype=object) if read else np.array([], dtype=object)
    geoms = shapely.force_2d(geoms) if read else geoms

    codes = raw[code_field].astype("string").str.strip()
    names = raw[name_field].astype("string").str.strip()

    keep = np.ones(read, dtype=bool)
    missing_geom = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    reasons["empty geometry"] += int(missing_geom.sum())
    keep &= ~missing_geom

    types = shapely.get_type_id(geoms)
    # 3 = Polygon, 6 = MultiPolygon, 7 = GeometryCollection (may hold polygons).
    not_polygonal = keep & ~np.isin(types, (3, 6, 7))
    reasons["not a polygon"] += int(not_polygonal.sum())
    keep &= ~not_polygonal

    no_code = keep & (codes.isna() | codes.eq("")).to_numpy(dtype=bool)
    reasons["missing code"] += int(no_code.sum())
    keep &= ~no_code

    if not keep.any():
        raise BoundaryError(
            f"'{path.name}' contains no usable polygon ({read} feature(s) read: "
            + ", ".join(f"{n} {r}" for r, n in reasons.items() if n)
            + "). Boundary files must contain polygons or multipolygons."
        )

    gdf = gpd.GeoDataFrame(
        {"code": codes[keep].to_numpy(), "name": names[keep].fillna("").to_numpy()},
        geometry=gpd.GeoSeries(geoms[keep], crs=raw.crs),
    )
    source_crs = gdf.crs.to_string() if gdf.crs is not None else None
    if not gdf.crs.equals(WGS84):
        gdf = gdf.to_crs(WGS84)

    # Validity is checked after reprojection because reprojection itself can create defects.
    values = gdf.geometry.values
    invalid = ~shapely.is_valid(np.asarray(values, dtype=object))
    collections = np.asarray(shapely.get_type_id(np.asarray(values, dtype=object)) == 7)
    to_fix = invalid | collections
    repaired = 0
    fixed = np.asarray(values, dtype=object).copy()
    drop = np.zeros(len(gdf), dtype=bool)
    for i in np.flatnonzero(to_fix):
        geom = shapely.make_valid(fixed[i]) if invalid[i] else fixed[i]
        part = _polygonal_part(geom)
        if part is None:
            drop[i] = True
            reasons["invalid geometry that could not be repaired" if invalid[i] else "not a polygon"] += 1
        else:
            fixed[i] = part
            repaired += int(invalid[i])
    gdf = gdf.set_geometry(gpd.GeoSeries(fixed, crs=WGS84, index=gdf.index))
    gdf = gdf.loc[~drop].reset_index(drop=True)
    if gdf.empty:
        raise BoundaryError(
            f"'{path.name}' contains no usable polygon after repairing invalid geometries."
        )
    skipped = read - len(gdf)
    return BoundarySet(
        gdf=gdf[["code", "name", "geometry"]],
        read=read,
        repaired=repaired,
        skipped=skipped,
        skipped_reasons={reason: n for reason, n in reasons.items() if n},
        source_crs=source_crs,
        layer=layer,
    )
