"""Fixtures for the gis package tests (no Flask, no facilities imports)."""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The editable install predates gis/, so make the top-level package importable explicitly.
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

SHARED_GIS = Path(__file__).resolve().parents[2].parent / "shared" / "gis"


@pytest.fixture(scope="session")
def shared_gis() -> Path:
    """Directory of the reference boundary files; skip when absent."""
    if not (SHARED_GIS / "communes-92.geojson").is_file():
        pytest.skip(f"reference data not found in {SHARED_GIS}")
    return SHARED_GIS


@pytest.fixture(scope="session")
def communes92(shared_gis: Path) -> gpd.GeoDataFrame:
    """The 36 communes of Hauts-de-Seine as a BoundarySet gdf (code, name, geometry)."""
    from gis.boundaries import read_boundaries

    return read_boundaries(shared_gis / "communes-92.geojson", "code", "nom").gdf


@pytest.fixture()
def squares() -> gpd.GeoDataFrame:
    """Two hand-made 1 km squares side by side in Lambert-93, returned in WGS84."""
    a = box(650_000, 6_860_000, 651_000, 6_861_000)
    b = box(651_000, 6_860_000, 652_000, 6_861_000)
    gdf = gpd.GeoDataFrame(
        {"code": ["A", "B"], "name": ["Alpha", "Beta"]}, geometry=[a, b], crs="EPSG:2154"
    )
    return gdf.to_crs("EPSG:4326")


def _make_site(**overrides):
    """A valid site record; override any key."""
    record = {
        "id": 1,
        "code": "S1",
        "name": "Site 1",
        "kind": "social_hub",
        "status": "open",
        "latitude": 48.9,
        "longitude": 2.28,
        "commune_code": "92004",
        "commune_name": "Asnières-sur-Seine",
        "services": ["pmi"],
    }
    record.update(overrides)
    return record


def _lambert_site(x: float, y: float, **overrides):
    """A site record placed at Lambert-93 coordinates (x, y)."""
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(2154, 4326, always_xy=True).transform(x, y)
    return _make_site(latitude=lat, longitude=lon, **overrides)


@pytest.fixture()
def make_site():
    """Factory of valid site records (keyword overrides)."""
    return _make_site


@pytest.fixture()
def lambert_site():
    """Factory of site records placed at Lambert-93 coordinates."""
    return _lambert_site
