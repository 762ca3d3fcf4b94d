"""Boundary import: formats, CRS, fields, repairs and refusals."""

from __future__ import annotations

import gzip
import json
import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon, box

from gis.boundaries import read_boundaries
from gis.errors import BoundaryError


def _write(gdf: gpd.GeoDataFrame, path: Path, driver: str, **kwargs) -> Path:
    gdf.to_file(path, driver=driver, engine="pyogrio", **kwargs)
    return path


def _zip_shapefile(gdf: gpd.GeoDataFrame, tmp_path: Path, name: str = "communes") -> Path:
    folder = tmp_path / "shp"
    folder.mkdir()
    _write(gdf, folder / f"{name}.shp", "ESRI Shapefile")
    archive = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, arcname=part.name)
    return archive


@pytest.fixture()
def lambert_communes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"INSEE_COM": ["92001", "92002"], "NOM": ["Une", "Deux"]},
        geometry=[box(640_000, 6_850_000, 645_000, 6_855_000), box(645_000, 6_850_000, 650_000, 6_855_000)],
        crs="EPSG:2154",
    )


def test_reads_shipped_communes_92(communes92_path):
    result = read_boundaries(communes92_path, "code", "nom")
    assert (result.read, result.repaired, result.skipped) == (36, 0, 0)
    assert list(result.gdf.columns) == ["code", "name", "geometry"]
    assert result.gdf.crs.to_epsg() == 4326
    assert "Asnières-sur-Seine" in set(result.gdf["name"])


def test_zipped_shapefile_in_lambert93_is_reprojected(tmp_path, lambert_communes):
    archive = _zip_shapefile(lambert_communes, tmp_path)
    result = read_boundaries(archive, "INSEE_COM", "NOM")
    assert result.gdf.crs.to_epsg() == 4326
    assert list(result.gdf["code"]) == ["92001", "92002"]
    minx, miny, maxx, maxy = result.gdf.total_bounds
    assert 1.5 < minx < maxx < 3 and 48 < miny < maxy < 49.5
    assert "2154" in (result.source_crs or "")


def test_geopackage_with_layer(tmp_path, lambert_communes):
    path = tmp_path / "admin.gpkg"
    _write(lambert_communes, path, "GPKG", layer="communes")
    _write(lambert_communes.iloc[:1], path, "GPKG", layer="other")
    result = read_boundaries(path, "INSEE_COM", "NOM", layer="communes")
    assert result.read == 2 and len(result.gdf) == 2
    with pytest.raises(BoundaryError, match="nope"):
        read_boundaries(path, "INSEE_COM", "NOM", layer="nope")


def test_gzipped_geojson(tmp_path, communes92_path):
    gz = tmp_path / "communes.geojson.gz"
    with open(communes92_path, "rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    assert read_boundaries(gz, "code", "nom").read == 36


def test_missing_field_lists_available_fields(tmp_path, lambert_communes):
    path = _write(lambert_communes, tmp_path / "c.gpkg", "GPKG")
    with pytest.raises(BoundaryError) as info:
        read_boundaries(path, "code", "NOM")
    message = str(info.value)
    assert "'code'" in message and "INSEE_COM" in message and "NOM" in message


@pytest.mark.filterwarnings("ignore:.crs. was not provided")
def test_no_crs_is_refused(tmp_path, lambert_communes):
    archive = _zip_shapefile(lambert_communes.set_crs(None, allow_override=True), tmp_path)
    with pytest.raises(BoundaryError, match="no coordinate reference system"):
        read_boundaries(archive, "INSEE_COM", "NOM")


def test_points_only_is_refused(tmp_path):
    points = gpd.GeoDataFrame({"code": ["1"], "nom": ["x"]}, geometry=[Point(2.2, 48.8)], crs=4326)
    path = _write(points, tmp_path / "points.geojson", "GeoJSON")
    with pytest.raises(BoundaryError, match="no usable polygon"):
        read_boundaries(path, "code", "nom")


def test_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("this is not json", encoding="utf-8")
    with pytest.raises(BoundaryError, match="Cannot read 'broken.geojson'"):
        read_boundaries(path, "code", "nom")
    with pytest.raises(BoundaryError, match="not found"):
        read_boundaries(tmp_path / "missing.gpkg", "code", "nom")


def test_bow_tie_is_repaired_and_empty_skipped(tmp_path):
    bow_tie = Polygon([(2.20, 48.80), (2.22, 48.82), (2.22, 48.80), (2.20, 48.82), (2.20, 48.80)])
    assert not bow_tie.is_valid
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": "A", "nom": "Bow"},
             "geometry": json.loads(gpd.GeoSeries([bow_tie]).to_json())["features"][0]["geometry"]},
            {"type": "Feature", "properties": {"code": "B", "nom": "Square"},
             "geometry": {"type": "Polygon", "coordinates": [[[2.3, 48.8], [2.31, 48.8], [2.31, 48.81], [2.3, 48.81], [2.3, 48.8]]]}},
            {"type": "Feature", "properties": {"code": "C", "nom": "Nothing"}, "geometry": None},
            {"type": "Feature", "properties": {"code": "D", "nom": "Line"},
             "geometry": {"type": "LineString", "coordinates": [[2.3, 48.8], [2.31, 48.81]]}},
        ],
    }
    path = tmp_path / "mixed.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    result = read_boundaries(path, "code", "nom")
    assert (result.read, result.repaired, result.skipped) == (4, 1, 2)
    assert result.skipped_reasons == {"empty geometry": 1, "not a polygon": 1}
    repaired = result.gdf.set_index("code").geometry["A"]
    assert repaired.is_valid and repaired.geom_type == "MultiPolygon"
    # make_valid keeps both triangles of the bow tie: half of the 0.02 x 0.02 degree square.
    assert len(repaired.geoms) == 2
    assert repaired.area == pytest.approx(0.02 * 0.02 / 2, rel=1e-6)
    assert set(result.gdf.geom_type) <= {"Polygon", "MultiPolygon"}
