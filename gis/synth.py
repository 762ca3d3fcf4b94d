"""Reproducible synthetic site records for demos, tests and benchmarks."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from gis.io import to_lambert93, to_wgs84
from gis.sites import KINDS, SERVICE_CODES, STATUSES

_KIND_WEIGHTS = (0.45, 0.1, 0.15, 0.2, 0.1)
_STATUS_WEIGHTS = (0.1, 0.1, 0.7, 0.1)
_KIND_LABELS = {
    "social_hub": "Pôle social",
    "ime": "IME",
    "child_welfare_home": "Foyer de l'enfance",
    "maison_departementale": "Maison départementale",
    "other": "Site",
}
# Plausible service menus per kind; a site offers a random non-empty subset.
_KIND_SERVICES: dict[str, tuple[str, ...]] = {
    "social_hub": ("social_action", "access_to_rights", "digital_help", "solidarity_desk", "pmi"),
    "ime": ("access_to_rights",),
    "child_welfare_home": ("ase",),
    "maison_departementale": SERVICE_CODES,
    "other": ("digital_help", "solidarity_desk", "sexual_health"),
}
_STREETS = ("rue de la Paix", "av. Jean Jaurès", "rue Victor Hugo", "bd Gambetta", "rue Pasteur")


def _sample_in_communes(
    n: int, rng: np.random.Generator, communes_gdf: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sample n points uniformly over the union of communes (commune chosen by area)."""
    wgs = to_wgs84(communes_gdf).reset_index(drop=True)
    areas = to_lambert93(wgs).geometry.area.to_numpy()
    chosen = rng.choice(len(wgs), size=n, p=areas / areas.sum())
    lon = np.empty(n)
    lat = np.empty(n)
    for idx in np.unique(chosen):
        # Rejection sampling inside the polygon's bounding box, vectorised per commune.
        slots = np.flatnonzero(chosen == idx)
        geom = wgs.geometry.iloc[idx]
        shapely.prepare(geom)
        minx, miny, maxx, maxy = geom.bounds
        want = len(slots)
        got_x: list[np.ndarray] = []
        got_y: list[np.ndarray] = []
        have = 0
        while have < want:
            batch = max(16, (want - have) * 3)
            xs = rng.uniform(minx, maxx, batch)
            ys = rng.uniform(miny, maxy, batch)
            inside = shapely.contains_xy(geom, xs, ys)
            got_x.append(xs[inside])
            got_y.append(ys[inside])
            have += int(inside.sum())
        lon[slots] = np.concatenate(got_x)[:want]
        lat[slots] = np.concatenate(got_y)[:want]
    return lon, lat, chosen


def synthetic_sites(
    n: int,
    seed: int,
    communes_gdf: gpd.GeoDataFrame | None = None,
    bbox: tuple[float, float, float, float] = (2.15, 48.75, 2.35, 48.95),
) -> list[dict[str, Any]]:
    """Return n reproducible random site records, spread over the communes or the bbox."""
    rng = np.random.default_rng(seed)
    codes_served_pool: np.ndarray | None = None
    if communes_gdf is not None and not communes_gdf.empty:
        lon, lat, chosen = _sample_in_communes(n, rng, communes_gdf)
        commune_codes = communes_gdf["code"].astype(str).to_numpy()[chosen]
        commune_names = communes_gdf["name"].astype(str).to_numpy()[chosen]
        codes_served_pool = communes_gdf["code"].astype(str).to_numpy()
    else:
        minx, miny, maxx, maxy = bbox
        lon = rng.uniform(minx, maxx, n)
        lat = rng.uniform(miny, maxy, n)
        commune_codes = np.full(n, None, dtype=object)
        commune_names = np.full(n, None, dtype=object)
    kinds = rng.choice(len(KINDS), size=n, p=_KIND_WEIGHTS)
    statuses = rng.choice(len(STATUSES), size=n, p=_STATUS_WEIGHTS)
    floors = rng.integers(1, 6, size=n)
    workstations = rng.integers(5, 80, size=n)
    numbers = rng.integers(1, 120, size=n)
    streets = rng.integers(0, len(_STREETS), size=n)
    service_draws = rng.random((n, len(SERVICE_CODES)))
    records: list[dict[str, Any]] = []
    for i in range(n):
        kind = KINDS[kinds[i]]
        menu = _KIND_SERVICES[kind]
        services = [s for j, s in enumerate(menu) if service_draws[i, j] < 0.5] or [menu[0]]
        served: list[str] = []
        if kind == "maison_departementale" and codes_served_pool is not None:
            served = sorted({str(commune_codes[i]), *rng.choice(codes_served_pool, size=2).tolist()})
        place = commune_names[i] or f"secteur {i % 50 + 1}"
        records.append(
            {
                "id": i + 1,
                "code": f"S{i + 1:05d}",
                "name": f"{_KIND_LABELS[kind]} {place}",
                "kind": kind,
                "status": STATUSES[statuses[i]],
                "latitude": round(float(lat[i]), 6),
                "longitude": round(float(lon[i]), 6),
                "commune_code": commune_codes[i],
                "commune_name": commune_names[i],
                "services": services,
                "communes_served": served,
                "address": f"{numbers[i]} {_STREETS[streets[i]]}",
                "floors": int(floors[i]),
                "workstations": int(workstations[i]),
                "medical_cabinets": int(rng.integers(1, 4)) if "pmi" in services else None,
                "url": f"/sites/{i + 1}",
            }
        )
    return records
