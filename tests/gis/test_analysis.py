"""Spatial join, nearest site per commune, serving counts."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest

from gis.analysis import (
    join_sites_to_communes,
    nearest_site_by_commune,
    sites_serving_counts,
    to_plain_records,
    worst_first,
)
from gis.sites import sites_to_gdf


def test_join_on_hand_made_squares(squares, lambert_site):
    sites = sites_to_gdf([
        lambert_site(650_500, 6_860_500, id=1, commune_code="A"),  # in A, recorded A
        lambert_site(651_500, 6_860_500, id=2, commune_code="A"),  # in B, recorded A
        lambert_site(660_000, 6_860_500, id=3, commune_code="A"),  # outside everything
        lambert_site(651_200, 6_860_900, id=4, commune_code=None),  # in B, nothing recorded
    ])
    joined = join_sites_to_communes(sites, squares)
    assert joined["commune_from_location"].tolist() == ["A", "B", None, "B"]
    assert joined["commune_mismatch"].tolist() == [False, True, False, False]
    assert len(joined) == len(sites)  # no row duplication


def test_point_in_asnieres_falls_in_92004(communes92, make_site):
    # Asnières-sur-Seine town hall; recorded in the wrong commune on purpose.
    sites = sites_to_gdf([
        make_site(id=1, latitude=48.9105, longitude=2.2887, commune_code="92004"),
        make_site(id=2, latitude=48.9105, longitude=2.2887, commune_code="92050"),
        make_site(id=3, latitude=43.2965, longitude=5.3698, commune_code="13055"),  # Marseille
    ])
    joined = join_sites_to_communes(sites, communes92)
    assert joined["commune_from_location"].tolist() == ["92004", "92004", None]
    assert joined["commune_mismatch"].tolist() == [False, True, False]


@pytest.mark.allowed_skip("the France-wide file (12 MB) is benchmark data kept outside the repository; the join's "
                          "correctness is tested on the shipped Hauts-de-Seine communes, this test checks the join on it")
def test_join_100k_points_on_france(france_communes_path):
    """Correct on the whole of France; its time is measured by benchmarks/bench_gis.py, not here."""
    from gis.boundaries import read_boundaries

    france = france_communes_path
    communes = read_boundaries(france, "code", "nom").gdf
    assert len(communes) == 35_357
    rng = np.random.default_rng(0)
    n = 100_000
    sites = gpd.GeoDataFrame(
        {"commune_code": np.full(n, None, dtype=object)},
        geometry=gpd.points_from_xy(rng.uniform(-4.5, 7.5, n), rng.uniform(42.5, 50.5, n)),
        crs=4326,
    )
    joined = join_sites_to_communes(sites, communes)
    assert len(joined) == n
    assert joined["commune_from_location"].notna().sum() > n * 0.5  # mostly on land


@pytest.fixture()
def service_sites(lambert_site):
    return sites_to_gdf([
        lambert_site(650_500, 6_863_500, id=1, code="S1", name="Open PMI", services=["pmi"]),
        lambert_site(650_500, 6_860_500, id=2, code="S2", name="Closed PMI", status="closed",
                     services=["pmi"]),
        lambert_site(651_500, 6_860_600, id=3, code="S3", name="Open ASE", services=["ase"]),
    ])


def test_nearest_site_hand_computed(squares, service_sites):
    result = nearest_site_by_commune(squares, service_sites, "pmi").set_index("code")
    # Representative points are the square centres (650 500, 6 860 500) and (651 500, 6 860 500).
    assert result.loc["A", "nearest_site_code"] == "S1"
    assert result.loc["A", "distance_km"] == pytest.approx(3.0, abs=1e-3)
    assert result.loc["B", "distance_km"] == pytest.approx(math.hypot(1, 3), abs=1e-3)
    with_closed = nearest_site_by_commune(squares, service_sites, "pmi", only_open=False)
    assert with_closed.set_index("code").loc["A", "nearest_site_code"] == "S2"
    assert with_closed.set_index("code").loc["A", "distance_km"] == pytest.approx(0, abs=1e-3)


def test_nearest_site_none_when_nobody_offers_it(squares, service_sites):
    result = nearest_site_by_commune(squares, service_sites, "digital_help")
    assert result["nearest_site_id"].tolist() == [None, None]
    assert result["distance_km"].isna().all()
    records = to_plain_records(result)
    assert records[0]["distance_km"] is None and "geometry" not in records[0]


def test_worst_first_puts_unserved_first(squares, service_sites, lambert_site):
    far = gpd.GeoDataFrame(
        {"code": ["Z"], "name": ["Far"]},
        geometry=gpd.GeoSeries.from_xy([700_000], [6_900_000], crs=2154).buffer(100).to_crs(4326),
    )
    communes = gpd.GeoDataFrame(
        gpd.pd.concat([squares, far], ignore_index=True), crs=4326
    )
    result = nearest_site_by_commune(communes, service_sites, "ase", sort_worst_first=True)
    assert result["code"].tolist() == ["Z", "A", "B"]
    nobody = nearest_site_by_commune(communes, service_sites, "digital_help")
    assert worst_first(nobody)["distance_km"].isna().all()


def test_sites_serving_counts(squares, lambert_site):
    sites = sites_to_gdf([
        lambert_site(650_500, 6_860_500, id=1, communes_served=["A", "B"]),
        lambert_site(650_500, 6_860_500, id=2, communes_served=[]),  # lies in A
        lambert_site(660_000, 6_860_500, id=3, commune_code="B"),  # outside: recorded B
        lambert_site(651_500, 6_860_500, id=4, communes_served=["A", "A"]),  # counted once
        lambert_site(651_500, 6_860_500, id=5, status="closed"),  # lies in B
    ])
    counts = sites_serving_counts(squares, sites).set_index("code")["sites_count"]
    assert counts.to_dict() == {"A": 3, "B": 3}
    only_open = sites_serving_counts(squares, sites, statuses={"open"}).set_index("code")["sites_count"]
    assert only_open.to_dict() == {"A": 3, "B": 2}
    empty = sites_serving_counts(squares, sites.iloc[:0])
    assert empty["sites_count"].tolist() == [0, 0]
