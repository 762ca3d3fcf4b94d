"""Sites to GeoDataFrame, file round trips and reprojection."""

from __future__ import annotations

import math
import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import Point

from gis.errors import GisFormatError, SiteDataError
from gis.io import read_sites, to_lambert93, to_wgs84, write_sites
from gis.sites import sites_to_gdf, sites_to_geojson, split_located


def test_split_located_never_places_missing_coordinates(make_site):
    records = [
        make_site(id=1),
        make_site(id=2, latitude=None),
        make_site(id=3, longitude=""),
        make_site(id=4, latitude="48,85", longitude="2,25"),  # decimal commas accepted
        make_site(id=5, latitude=123.0),  # out of range
    ]
    located, not_located = split_located(records)
    assert [r["id"] for r in located] == [1, 4]
    assert [r["id"] for r in not_located] == [2, 3, 5]


def test_sites_to_gdf_raises_with_codes_or_skips(make_site):
    records = [make_site(id=1, code="OK"), make_site(id=2, code="NOPE", latitude=None)]
    with pytest.raises(SiteDataError, match="NOPE"):
        sites_to_gdf(records)
    gdf = sites_to_gdf(records, on_missing="skip")
    assert list(gdf["code"]) == ["OK"]
    assert gdf.crs.to_epsg() == 4326
    point = gdf.geometry.iloc[0]
    assert (point.x, point.y) == (2.28, 48.9)


def test_sites_to_gdf_reports_missing_keys():
    with pytest.raises(SiteDataError, match="services"):
        sites_to_gdf([{"id": 1, "code": "x", "name": "n", "kind": "k", "status": "open",
                       "latitude": 1, "longitude": 1, "commune_code": None, "commune_name": None}])


def test_sites_to_geojson_rounds_and_keeps_lists(make_site):
    fc = sites_to_geojson([make_site(latitude=48.123456789, longitude=2.987654321,
                                     services=["pmi", "ase"], floors=float("nan"))])
    feature = fc["features"][0]
    assert feature["geometry"]["coordinates"] == [2.98765, 48.12346]
    assert feature["properties"]["services"] == ["pmi", "ase"]
    assert feature["properties"]["floors"] is None


@pytest.fixture()
def sample_gdf(make_site):
    return sites_to_gdf([
        make_site(id=1, code="S1", name="Pôle social Nanterre", services=["pmi", "ase"],
                  commune_code="92050", communes_served=["92050", "92063"], medical_cabinets=2,
                  workstations=12, latitude=48.8924, longitude=2.2069),
        make_site(id=2, code="S2", name="IME Clamart", kind="ime", status="planned",
                  services=[], commune_code="01004", communes_served=[],
                  latitude=48.8003, longitude=2.2667),
    ])


@pytest.mark.parametrize("name", ["sites.geojson", "sites.gpkg", "sites.csv", "sites.zip", "sites.shp.zip"])
def test_round_trip_each_format(tmp_path, sample_gdf, name):
    path = write_sites(sample_gdf, tmp_path / name)
    assert path.exists()
    if name.endswith(".zip"):
        members = zipfile.ZipFile(path).namelist()
        assert any(m.endswith(".shp") for m in members) and any(m.endswith(".prj") for m in members)
    back = read_sites(path)
    assert back.crs.to_epsg() == 4326
    assert list(back["code"]) == ["S1", "S2"]
    assert list(back["name"]) == ["Pôle social Nanterre", "IME Clamart"]
    assert list(back["commune_code"]) == ["92050", "01004"]  # leading zero kept
    assert back["services"].tolist() == [["pmi", "ase"], []]
    assert back["communes_served"].tolist() == [["92050", "92063"], []]
    assert int(back["medical_cabinets"].iloc[0]) == 2
    assert back.geometry.iloc[0].distance(Point(2.2069, 48.8924)) < 1e-6
    assert back["latitude"].iloc[1] == pytest.approx(48.8003)


def test_write_refuses_unknown_extension(tmp_path, sample_gdf):
    with pytest.raises(GisFormatError, match=r"\.kml.*\.geojson"):
        write_sites(sample_gdf, tmp_path / "sites.kml")


def test_read_csv_without_coordinates_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,name\n1,Foo\n", encoding="utf-8")
    with pytest.raises(GisFormatError, match="latitude.*longitude.*id, name"):
        read_sites(path)


def test_lambert93_distance_of_one_kilometre():
    points = gpd.GeoDataFrame(
        geometry=[Point(652_000, 6_862_000), Point(653_000, 6_862_000)], crs="EPSG:2154"
    )
    wgs = to_wgs84(points)
    assert wgs.crs.to_epsg() == 4326
    assert 2.0 < wgs.geometry.iloc[0].x < 2.5 and 48.5 < wgs.geometry.iloc[0].y < 49.1
    back = to_lambert93(wgs)
    assert back.crs.to_epsg() == 2154
    assert back.geometry.iloc[0].distance(back.geometry.iloc[1]) == pytest.approx(1000, abs=0.01)
    # The same two points measured naively in degrees would be meaningless (~0.0137).
    assert not math.isclose(wgs.geometry.iloc[0].distance(wgs.geometry.iloc[1]), 1000)


def test_reprojection_requires_crs():
    with pytest.raises(GisFormatError, match="coordinate reference system"):
        to_lambert93(gpd.GeoDataFrame(geometry=[Point(0, 0)]))
