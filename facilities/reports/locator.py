"""A small location map drawn offline with matplotlib: the site's point, commune outlines when loaded, a scale."""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Iterable

from facilities.maps import services as map_services

KM_PER_DEGREE_LAT = 111.32
DEFAULT_HALF_SPAN_KM = 2.0
MAX_HALF_SPAN_KM = 8.0


def _lines(geometry) -> list[list[tuple[float, float]]]:
    """The rings or lines of any shapely geometry, as lists of (lon, lat)."""
    geometry = getattr(geometry, "geometry", geometry)
    if geometry is None or getattr(geometry, "is_empty", True):
        return []
    kind = geometry.geom_type
    if kind == "Polygon":
        return [list(geometry.exterior.coords)] + [list(ring.coords) for ring in geometry.interiors]
    if kind in ("LineString", "LinearRing"):
        return [list(geometry.coords)]
    if hasattr(geometry, "geoms"):
        return [line for part in geometry.geoms for line in _lines(part)]
    return []


def commune_outlines(lat: float, lon: float) -> list:
    """Commune outlines near a point (none when no boundaries are loaded)."""
    return list(map_services.commune_outlines_near(lat, lon))


def location_map_data_uri(lat: float, lon: float, outlines: Iterable = ()) -> str:
    """An SVG map as a data: URI (the report fetcher serves data: URIs, never the network)."""
    from matplotlib.figure import Figure  # imported late: only reports with a map pay for it

    x_scale = math.cos(math.radians(lat))  # equirectangular projection around the site: km look like km
    lines = [line for geometry in outlines for line in _lines(geometry)]
    half_x = half_y = DEFAULT_HALF_SPAN_KM
    if lines:
        xs = [(p[0] - lon) * KM_PER_DEGREE_LAT * x_scale for line in lines for p in line]
        ys = [(p[1] - lat) * KM_PER_DEGREE_LAT for line in lines for p in line]
        half = max(abs(min(xs)), abs(max(xs)), abs(min(ys)), abs(max(ys)), DEFAULT_HALF_SPAN_KM)
        half_x = half_y = min(half, MAX_HALF_SPAN_KM)

    figure = Figure(figsize=(2.4, 2.4), dpi=72)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(-half_x, half_x)
    axes.set_ylim(-half_y, half_y)
    axes.set_aspect("equal")
    axes.set_facecolor("#f3f6f9")
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.set_xticks([])
    axes.set_yticks([])
    step = 1.0 if half_x <= 3 else 2.0
    for offset in _ticks(half_x, step):
        axes.axvline(offset, color="#dfe6ec", linewidth=0.5)
        axes.axhline(offset, color="#dfe6ec", linewidth=0.5)
    for line in lines:
        axes.plot([(p[0] - lon) * KM_PER_DEGREE_LAT * x_scale for p in line],
                  [(p[1] - lat) * KM_PER_DEGREE_LAT for p in line], color="#5f7d95", linewidth=0.8)
    axes.plot([0], [0], marker="o", markersize=7, color="#c0392b", markeredgecolor="white", markeredgewidth=1.2)
    # Scale bar of one grid step in the lower left corner.
    x0, y0 = -half_x * 0.9, -half_y * 0.88
    axes.plot([x0, x0 + step], [y0, y0], color="#1d1d1f", linewidth=1.6, solid_capstyle="butt")
    axes.text(x0 + step / 2, y0 + half_y * 0.05, f"{step:g} km", ha="center", va="bottom", fontsize=7,
              color="#1d1d1f")
    axes.text(half_x * 0.9, half_y * 0.9, "N ↑", ha="right", va="top", fontsize=7, color="#1d1d1f")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _ticks(half: float, step: float) -> list[float]:
    count = int(half // step)
    return [i * step for i in range(-count, count + 1)]
