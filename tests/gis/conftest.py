"""Fixtures for the gis package tests (no Flask, no facilities imports)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The editable install predates gis/, so make the top-level package importable explicitly.
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

# Benchmark-sized geography that stays outside the repository (12 MB): only the France-wide join test reads it.
SHARED_GIS = Path(os.environ.get("FACILITIES_SHARED_GIS", PROJECT_ROOT.parent / "shared" / "gis"))


@pytest.fixture(scope="session")
def communes92_path() -> Path:
    """The 36 communes of Hauts-de-Seine shipped with the package (facilities/data, Licence Ouverte)."""
    from facilities.data import COMMUNES_92

    return COMMUNES_92


@pytest.fixture(scope="session")
def communes92(communes92_path: Path) -> gpd.GeoDataFrame:
    """The 36 communes of Hauts-de-Seine as a BoundarySet gdf (code, name, geometry)."""
    from gis.boundaries import read_boundaries

    return read_boundaries(communes92_path, "code", "nom").gdf


@pytest.fixture(scope="session")
def france_communes_path() -> Path:
    """Every commune of France (12 MB, not shipped): ../shared/gis or FACILITIES_SHARED_GIS."""
    path = SHARED_GIS / "communes-france.geojson.gz"
    if not path.is_file():
        pytest.skip(f"France-wide communes not found at {path} (benchmark data, not shipped)")
    return path


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
