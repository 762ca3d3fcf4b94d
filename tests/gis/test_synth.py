"""Synthetic sites are reproducible and plausible."""

from __future__ import annotations

from gis.analysis import join_sites_to_communes
from gis.sites import KINDS, SERVICE_CODES, STATUSES, sites_to_gdf
from gis.synth import synthetic_sites


def test_same_seed_same_output_and_different_seed_differs():
    assert synthetic_sites(50, seed=7) == synthetic_sites(50, seed=7)
    assert synthetic_sites(50, seed=7) != synthetic_sites(50, seed=8)


def test_bbox_sampling_and_vocabulary():
    bbox = (2.15, 48.75, 2.35, 48.95)
    sites = synthetic_sites(500, seed=1, bbox=bbox)
    assert len(sites) == 500 and len({s["code"] for s in sites}) == 500
    for site in sites:
        assert bbox[0] <= site["longitude"] <= bbox[2] and bbox[1] <= site["latitude"] <= bbox[3]
        assert site["kind"] in KINDS and site["status"] in STATUSES
        assert site["services"] and set(site["services"]) <= set(SERVICE_CODES)
    assert {s["status"] for s in sites} == set(STATUSES)


def test_points_fall_in_their_commune(communes92):
    sites = synthetic_sites(300, seed=3, communes_gdf=communes92)
    assert synthetic_sites(300, seed=3, communes_gdf=communes92) == sites
    joined = join_sites_to_communes(sites_to_gdf(sites), communes92)
    assert joined["commune_from_location"].notna().all()
    assert not joined["commune_mismatch"].any()
    assert {s["commune_name"] for s in sites} <= set(communes92["name"])
