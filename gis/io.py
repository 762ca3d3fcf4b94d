"""Read and write site layers (GeoJSON, GeoPackage, zipped Shapefile, CSV) and reproject.

All file access goes through pyogrio (GDAL). Distances and areas are always computed in
Lambert-93 (EPSG:2154, metres); data is stored and exchanged in WGS84 (EPSG:4326).

List columns (``services``, ``communes_served``) are written as ``;``-joined strings because
Shapefile, CSV and (portably) GeoPackage have no list type, and are split back on reading.
Shapefile field names are limited to 10 characters, so long column names are written under
short aliases (:data:`SHAPEFILE_ALIASES`) and restored on reading.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError

from gis import LAMBERT93, WGS84
from gis.errors import GisFormatError
from gis.sites import LIST_COLUMNS, _as_list

#: Long column name -> Shapefile field name (<= 10 characters).
SHAPEFILE_ALIASES: dict[str, str] = {
    "commune_code": "comm_code",
    "commune_name": "comm_name",
    "communes_served": "comm_serv",
    "medical_cabinets": "med_cabs",
    "workstations": "workstns",
    "commune_from_location": "comm_loc",
    "commune_mismatch": "comm_mism",
}
_NUMERIC_COLUMNS = ("id", "floors", "workstations", "medical_cabinets")
SUPPORTED_WRITE_EXTENSIONS = (".geojson", ".gpkg", ".csv", ".zip", ".shp.zip")


def _suffix(path: Path) -> str:
    """Return the lower-case (possibly double) extension that selects the format."""
    name = path.name.lower()
    for double in (".shp.zip", ".geojson.gz", ".json.gz"):
        if name.endswith(double):
            return double
    return path.suffix.lower()


def gdal_path(path: str | Path) -> str:
    """Return the GDAL path for a file, adding /vsigzip/ for gzip-compressed GeoJSON."""
    path = Path(path)
    if _suffix(path) in (".geojson.gz", ".json.gz"):
        return "/vsigzip/" + str(path.resolve())
    return str(path)


def to_lambert93(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to Lambert-93 (EPSG:2154), the CRS for every distance and area."""
    if gdf.crs is None:
        raise GisFormatError("The layer has no coordinate reference system; cannot reproject.")
    return gdf if gdf.crs.equals(LAMBERT93) else gdf.to_crs(LAMBERT93)


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to WGS84 longitude/latitude (EPSG:4326), the storage and web-map CRS."""
    if gdf.crs is None:
        raise GisFormatError("The layer has no coordinate reference system; cannot reproject.")
    return gdf if gdf.crs.equals(WGS84) else gdf.to_crs(WGS84)


def _prepare_for_file(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Join list columns to ';' strings so every driver can store them."""
    out = gdf.copy()
    for column in LIST_COLUMNS:
        if column in out.columns:
            out[column] = [";".join(_as_list(v)) for v in out[column].tolist()]
    return out


def _restore_after_read(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Undo the Shapefile aliases and split list columns back into lists."""
    reverse = {short: long for long, short in SHAPEFILE_ALIASES.items()}
    gdf = gdf.rename(columns={c: reverse[c] for c in gdf.columns if c in reverse})
    for column in LIST_COLUMNS:
        if column in gdf.columns:
            gdf[column] = [_as_list(v) for v in gdf[column].tolist()]
    return gdf


def write_sites(gdf: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write a site layer; the format follows the extension (.geojson, .gpkg, .csv, .zip)."""
    path = Path(path)
    suffix = _suffix(path)
    if suffix not in SUPPORTED_WRITE_EXTENSIONS:
        raise GisFormatError(
            f"Cannot write '{path.name}': unsupported extension '{suffix or '(none)'}'. "
            "Use one of: " + ", ".join(SUPPORTED_WRITE_EXTENSIONS) + "."
        )
    if gdf.crs is None:
        raise GisFormatError("The layer has no coordinate reference system; refusing to write it.")
    data = _prepare_for_file(to_wgs84(gdf))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if suffix == ".geojson":
            if path.exists():
                path.unlink()  # the GeoJSON driver refuses to overwrite an existing file
            pyogrio.write_dataframe(data, path, driver="GeoJSON")
        elif suffix == ".gpkg":
            layer = path.stem
            pyogrio.write_dataframe(data, path, driver="GPKG", layer=layer)
        elif suffix == ".csv":
            table = pd.DataFrame(data.drop(columns=data.geometry.name))
            table["longitude"] = data.geometry.x.round(7)
            table["latitude"] = data.geometry.y.round(7)
            if path.exists():
                path.unlink()
            pyogrio.write_dataframe(table, path, driver="CSV")
        else:
            _write_zipped_shapefile(data, path)
    except (DataSourceError, DataLayerError, OSError) as exc:
        raise GisFormatError(f"Cannot write '{path.name}': {exc}") from exc
    return path


def _write_zipped_shapefile(data: gpd.GeoDataFrame, path: Path) -> None:
    """Write a Shapefile into a temporary folder and zip its component files."""
    stem = path.name[: -len(_suffix(path))] or "sites"
    data = data.rename(columns={c: a for c, a in SHAPEFILE_ALIASES.items() if c in data.columns})
    too_long = [c for c in data.columns if c != data.geometry.name and len(c) > 10]
    if too_long:
        raise GisFormatError(
            "Shapefile field names are limited to 10 characters; rename: " + ", ".join(too_long)
        )
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / f"{stem}.shp"
        pyogrio.write_dataframe(data, shp, driver="ESRI Shapefile", encoding="UTF-8")
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(Path(tmp).iterdir()):
                archive.write(part, arcname=part.name)


def read_layer(path: str | Path, layer: str | None = None, **kwargs) -> gpd.GeoDataFrame:
    """Read any vector layer pyogrio understands (zip and .geojson.gz included)."""
    path = Path(path)
    if not path.exists():
        raise GisFormatError(f"File not found: '{path.name}'.")
    try:
        return pyogrio.read_dataframe(gdal_path(path), layer=layer, **kwargs)
    except (DataSourceError, DataLayerError, ValueError) as exc:
        raise GisFormatError(f"Cannot read '{path.name}': {exc}") from exc


def read_sites(path: str | Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a site layer written by :func:`write_sites` (or a compatible file) as EPSG:4326."""
    path = Path(path)
    suffix = _suffix(path)
    if suffix == ".csv":
        gdf = _read_csv_sites(path)
    else:
        gdf = read_layer(path, layer=layer)
        if gdf.crs is None:
            raise GisFormatError(
                f"'{path.name}' has no coordinate reference system (for a Shapefile, the .prj "
                "file is missing)."
            )
        gdf = to_wgs84(gdf)
        gdf["longitude"] = gdf.geometry.x
        gdf["latitude"] = gdf.geometry.y
    gdf = _restore_after_read(gdf)
    for column in _NUMERIC_COLUMNS:
        if column in gdf.columns:
            numeric = pd.to_numeric(gdf[column], errors="coerce")
            # Keep integer-looking columns integral (nullable) instead of float with .0.
            if numeric.dropna().mod(1).eq(0).all():
                numeric = numeric.astype("Int64")
            gdf[column] = numeric
    return gdf


def _read_csv_sites(path: Path) -> gpd.GeoDataFrame:
    """Read a CSV with latitude/longitude columns; all other fields stay text."""
    if not path.exists():
        raise GisFormatError(f"File not found: '{path.name}'.")
    try:
        # read_geometry=False: build points ourselves so missing coordinates are caught, and no
        # type autodetection so INSEE codes like "01004" keep their leading zero.
        table = pyogrio.read_dataframe(path, read_geometry=False)
    except (DataSourceError, DataLayerError) as exc:
        raise GisFormatError(f"Cannot read '{path.name}': {exc}") from exc
    columns = {c.lower(): c for c in table.columns}
    lat_col = next((columns[n] for n in ("latitude", "lat", "y") if n in columns), None)
    lon_col = next((columns[n] for n in ("longitude", "lon", "lng", "x") if n in columns), None)
    if lat_col is None or lon_col is None:
        raise GisFormatError(
            f"'{path.name}' needs 'latitude' and 'longitude' columns; found: "
            + ", ".join(table.columns)
            + "."
        )
    lat = pd.to_numeric(table[lat_col].astype(str).str.replace(",", "."), errors="coerce")
    lon = pd.to_numeric(table[lon_col].astype(str).str.replace(",", "."), errors="coerce")
    bad = lat.isna() | lon.isna()
    if bad.any():
        raise GisFormatError(
            f"'{path.name}': {int(bad.sum())} row(s) have no valid latitude/longitude "
            f"(first at data row {int(bad.to_numpy().argmax()) + 1})."
        )
    table = table.rename(columns={lat_col: "latitude", lon_col: "longitude"})
    table["latitude"] = lat.astype("float64")
    table["longitude"] = lon.astype("float64")
    return gpd.GeoDataFrame(
        table, geometry=gpd.points_from_xy(table["longitude"], table["latitude"]), crs=WGS84
    )


def list_layers(path: str | Path) -> list[str]:
    """Return the layer names of a multi-layer file (GeoPackage)."""
    try:
        return [str(name) for name, _geom in pyogrio.list_layers(gdal_path(path))]
    except (DataSourceError, DataLayerError) as exc:
        raise GisFormatError(f"Cannot read '{Path(path).name}': {exc}") from exc
