"""Benchmarks of the gis package; run: .venv/bin/python benchmarks/bench_gis.py

Prints one table: web-map document for 10,000 sites, GeoJSON serialisation of 10,000 sites, and the
spatial join of 100,000 random
points with the 35,357 communes of France (file read timed separately from the join).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))  # run as a script from anywhere, without installing

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402

from gis.analysis import join_sites_to_communes  # noqa: E402
from gis.boundaries import read_boundaries  # noqa: E402
from gis.sites import sites_to_gdf, sites_to_geojson  # noqa: E402
from gis.synth import synthetic_sites  # noqa: E402
from gis.webmap import build_site_map  # noqa: E402

SHARED = PROJECT_ROOT.parent / "shared" / "gis"
N_SITES = 10_000
N_POINTS = 100_000
TILE = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
PALETTE = {
    "social_hub": ("#1f77b4", "Social hub"),
    "ime": ("#ff7f0e", "IME"),
    "child_welfare_home": ("#2ca02c", "Child welfare home"),
    "maison_departementale": ("#d62728", "Maison départementale"),
    "other": ("#9467bd", "Other"),
}


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall time of `repeat` runs and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    rows: list[tuple[str, str, str, str]] = []
    communes92 = None
    if (SHARED / "communes-92.geojson").is_file():
        communes92 = read_boundaries(SHARED / "communes-92.geojson", "code", "nom").gdf
    records = synthetic_sites(N_SITES, seed=42, communes_gdf=communes92)
    gdf = sites_to_gdf(records)

    t_geojson, fc = timed(lambda: sites_to_geojson(gdf), repeat=3)
    t_dumps, text = timed(lambda: json.dumps(fc, ensure_ascii=False, separators=(",", ":")), repeat=3)
    rows.append((f"GeoJSON dict of {N_SITES:,} sites (sites_to_geojson)", f"{t_geojson:.3f}", "", ""))
    rows.append(
        ("  + json.dumps (compact)", f"{t_dumps:.3f}", f"{len(text.encode()) / 1e6:.2f}", "")
    )

    t_ours, ours = timed(
        lambda: build_site_map(fc, palette=PALETTE, tile_url=TILE, tile_attribution="© OpenStreetMap"),
        repeat=3,
    )
    size_ours = len(ours.encode()) / 1e6
    rows.append(
        (f"Map document, {N_SITES:,} sites: build_site_map", f"{t_ours:.3f}", f"{size_ours:.2f}",
         "limits 0.5 s / 1.5 MB: " + ("OK" if t_ours <= 0.5 and size_ours <= 1.5 else "EXCEEDED"))
    )

    france = SHARED / "communes-france.geojson.gz"
    if france.is_file():
        t_read, boundaries = timed(lambda: read_boundaries(france, "code", "nom"))
        communes = boundaries.gdf
        rng = np.random.default_rng(0)
        points = gpd.GeoDataFrame(
            {"commune_code": np.full(N_POINTS, None, dtype=object)},
            geometry=gpd.points_from_xy(
                rng.uniform(-4.8, 8.2, N_POINTS), rng.uniform(42.3, 51.1, N_POINTS)
            ),
            crs="EPSG:4326",
        )
        t_join, joined = timed(lambda: join_sites_to_communes(points, communes), repeat=3)
        inside = int(joined["commune_from_location"].notna().sum())
        rows.append(
            (f"Read+validate {len(communes):,} communes (.geojson.gz)", f"{t_read:.3f}", "",
             f"repaired {boundaries.repaired}, skipped {boundaries.skipped}")
        )
        rows.append(
            (f"Spatial join {N_POINTS:,} points x {len(communes):,} communes", f"{t_join:.3f}", "",
             f"{inside:,} points in a commune; limit 3 s: " + ("OK" if t_join <= 3 else "EXCEEDED"))
        )
    else:
        rows.append(("Spatial join", "skipped", "", f"{france} not found"))

    print_table(rows)


def print_table(rows: list[tuple]) -> None:
    """Rows of (benchmark, time (s), size (MB), note) as a boxed text table."""
    headers = ("benchmark", "time (s)", "size (MB)", "note")
    widths = [max(len(str(r[i])) for r in (*rows, headers)) for i in range(4)]
    line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
    print(line)
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print(line)
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    print(line)


if __name__ == "__main__":
    main()
