"""Plan geometry as pure functions (shapely): polygons in the building's local metres, their checks and areas,
the plan's SVG layout and the conversion to WGS84. Nothing here knows Flask or the database.

A polygon travels as a GeoJSON geometry, `{"type": "Polygon", "coordinates": [exterior, *holes]}`, each ring a
list of `[x, y]` in metres. A problem is a `GeometryProblem` with a code and its figures; the rules
(facilities/plans/rules.py) turn it into a sentence in the reader's language.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import shapely
from shapely import make_valid
from shapely.geometry import Polygon, mapping
from shapely.geometry.polygon import orient
from shapely.strtree import STRtree

# Plans are drawn in metres around the building's own origin: 100 km either way is far beyond any building and
# keeps a typing mistake (coordinates in millimetres) from passing as a plan.
MAX_COORDINATE_M = 100_000
MAX_VERTICES = 5_000  # per ring; an architect's room has tens
MAX_HOLES = 100
COORDINATE_PLACES = 3  # millimetres
# Overlaps and overhangs smaller than this are drawing tolerance (a shared wall drawn twice), not errors.
OVERLAP_TOLERANCE_M2 = 0.05


@dataclass(frozen=True)
class GeometryProblem(Exception):
    """Why a polygon or a plan is refused: a code and the figures its message names."""

    code: str
    figures: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code} {dict(self.figures)}"


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise GeometryProblem("not_a_number")
    number = float(value)
    if not math.isfinite(number):
        raise GeometryProblem("not_a_number")
    if abs(number) > MAX_COORDINATE_M:
        raise GeometryProblem("too_far", {"max": MAX_COORDINATE_M})
    return round(number, COORDINATE_PLACES)


def _ring(points: Any) -> list[tuple[float, float]]:
    if not isinstance(points, (list, tuple)):
        raise GeometryProblem("not_a_polygon")
    if len(points) > MAX_VERTICES + 1:
        raise GeometryProblem("too_many_vertices", {"max": MAX_VERTICES})
    ring = []
    for point in points:
        if not isinstance(point, (list, tuple)) or len(point) not in (2, 3):
            raise GeometryProblem("not_a_point")
        ring.append((_number(point[0]), _number(point[1])))
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()  # closed or not, the same ring
    if len(set(ring)) < 3:
        raise GeometryProblem("too_few_points")
    return ring


def polygon(geometry: Any) -> Polygon:
    """A valid shapely Polygon from a GeoJSON Polygon geometry, or GeometryProblem saying why not."""
    if not isinstance(geometry, Mapping) or geometry.get("type") != "Polygon":
        raise GeometryProblem("not_a_polygon")
    rings = geometry.get("coordinates")
    if not isinstance(rings, (list, tuple)) or not rings:
        raise GeometryProblem("not_a_polygon")
    if len(rings) > MAX_HOLES + 1:
        raise GeometryProblem("too_many_holes", {"max": MAX_HOLES})
    exterior, *holes = (_ring(ring) for ring in rings)
    shape = Polygon(exterior, holes)
    if Polygon(exterior).convex_hull.area <= 0:  # all points on one line
        raise GeometryProblem("no_area")
    if not shape.is_valid:
        raise GeometryProblem("self_intersecting")
    return orient(shape)  # exterior counter-clockwise, as GeoJSON (RFC 7946) wants


def stored_polygon(geometry: Mapping) -> Polygon:
    """A polygon saved by this application (checked when it was saved): read without checking it again."""
    exterior, *holes = geometry["coordinates"]
    return Polygon(exterior, holes)


def polygon_from_points(points: Iterable[tuple[float, float]]) -> Polygon:
    """A polygon from one ring of (x, y) points (a form, an imported outline)."""
    return polygon({"type": "Polygon", "coordinates": [[list(point) for point in points]]})


def to_geojson(shape: Polygon) -> dict:
    """The GeoJSON geometry of a polygon, coordinates rounded to the millimetre, rings closed."""
    data = mapping(orient(shape))
    return {"type": "Polygon", "coordinates": [[[round(x, COORDINATE_PLACES), round(y, COORDINATE_PLACES)]
                                                for x, y, *_z in ring] for ring in data["coordinates"]]}


def area_m2(shape: Polygon) -> Decimal:
    """The drawn area in m², to the hundredth, rounded half up as people round."""
    return Decimal(repr(shape.area)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def area_gap(drawn: Decimal | None, declared: Decimal | None) -> Decimal | None:
    """How far the drawn area is from the declared one, as a share of the declared (0.08 = 8 %); None when
    either is missing."""
    if drawn is None or declared is None or declared <= 0:
        return None
    return (abs(Decimal(drawn) - Decimal(declared)) / Decimal(declared)).quantize(Decimal("0.0001"))


def translated(shape: Polygon, dx: float, dy: float) -> Polygon:
    """The polygon moved by (dx, dy) metres."""
    from shapely import affinity

    return affinity.translate(shape, xoff=dx, yoff=dy)


def plan_problems(outline: Polygon | None, rooms: Mapping[Any, Polygon]) -> list[GeometryProblem]:
    """What makes a floor's plan inconsistent: rooms overlapping each other, rooms outside the floor's outline.

    `rooms` maps a key (a code) to its polygon; an STR-tree keeps 500 rooms to a few thousand comparisons."""
    problems: list[GeometryProblem] = []
    keys = list(rooms)
    shapes = [rooms[key] for key in keys]
    tree = STRtree(shapes)
    for index, shape in enumerate(shapes):
        for other in tree.query(shape):
            other = int(other)
            if other <= index:
                continue
            overlap = shape.intersection(shapes[other]).area
            if overlap > OVERLAP_TOLERANCE_M2:
                problems.append(GeometryProblem("rooms_overlap", {"a": keys[index], "b": keys[other],
                                                                  "area": round(overlap, 2)}))
    if outline is not None:
        for key, shape in zip(keys, shapes, strict=True):
            outside = shape.difference(outline).area
            if outside > OVERLAP_TOLERANCE_M2:
                problems.append(GeometryProblem("room_outside_floor", {"room": key, "area": round(outside, 2)}))
    return problems


def repaired(shape: Any) -> Polygon | None:
    """The largest polygon of a possibly invalid shape (imported drawings), or None."""
    fixed = make_valid(shape)
    parts = [part for part in getattr(fixed, "geoms", [fixed]) if isinstance(part, Polygon) and part.area > 0]
    return max(parts, key=lambda part: part.area) if parts else None


# ---------------------------------------------------------------- drawing


@dataclass(frozen=True)
class Frame:
    """Where local metres land in an SVG drawing: x to the right, y up in metres but down in SVG."""

    min_x: float
    min_y: float
    max_x: float
    max_y: float
    margin: float

    @classmethod
    def around(cls, shapes: Iterable[Polygon]) -> Frame | None:
        bounds = [shape.bounds for shape in shapes]
        if not bounds:
            return None
        min_x, min_y = min(b[0] for b in bounds), min(b[1] for b in bounds)
        max_x, max_y = max(b[2] for b in bounds), max(b[3] for b in bounds)
        margin = max(max_x - min_x, max_y - min_y, 1.0) * 0.03
        return cls(min_x, min_y, max_x, max_y, margin)

    @property
    def width(self) -> float:
        return self.max_x - self.min_x + 2 * self.margin

    @property
    def height(self) -> float:
        return self.max_y - self.min_y + 2 * self.margin

    def view_box(self) -> str:
        return f"0 0 {self.width:.2f} {self.height:.2f}"

    def point(self, x: float, y: float) -> tuple[float, float]:
        return x - self.min_x + self.margin, self.max_y - y + self.margin

    def path(self, shape: Polygon) -> str:
        """The SVG path data of a polygon (holes included; fill-rule evenodd)."""
        parts = []
        for ring in (shape.exterior, *shape.interiors):
            coords = list(ring.coords)[:-1]
            points = " ".join("{:.2f},{:.2f}".format(*self.point(x, y)) for x, y in coords)
            parts.append(f"M{points}Z")
        return "".join(parts)


def label_point(shape: Polygon) -> tuple[float, float]:
    """A point inside the polygon (its centroid when inside, else shapely's representative point)."""
    centroid = shape.centroid
    point = centroid if shape.contains(centroid) else shape.representative_point()
    return point.x, point.y


def label_size(shape: Polygon) -> float:
    """A label's height in metres that fits the room: a fraction of its narrower side, between 0.25 and 0.9 m."""
    min_x, min_y, max_x, max_y = shape.bounds
    return round(max(0.25, min(0.9, min(max_x - min_x, max_y - min_y) / 4)), 2)


def scale_bar_m(width_m: float) -> int:
    """A round length for a scale bar about a fifth of the drawing's width (1, 2, 5, 10, 20, 50… m)."""
    target = max(width_m / 5, 1)
    step = 10 ** math.floor(math.log10(target))
    return int(next(n * step for n in (5, 2, 1) if n * step <= target) if target >= 1 else 1)


# ---------------------------------------------------------------- georeference


@dataclass(frozen=True)
class Georeference:
    """Where a building's local origin lies on Earth and how its x axis turns: `rotation_deg` is the angle from
    east to the local x axis, counter-clockwise (as IFC's map conversion gives it)."""

    latitude: float
    longitude: float
    rotation_deg: float = 0.0


def rotation_from_true_north(north_x: float, north_y: float) -> float:
    """The rotation of a georeference from the direction of true north in local coordinates (IFC TrueNorth)."""
    return round(math.degrees(math.atan2(north_x, north_y)), 6)


@functools.lru_cache(maxsize=256)
def _local_to_wgs84(latitude: float, longitude: float):
    """The transformer from a transverse Mercator centred on a building's origin to longitude/latitude: made once
    per origin (making one costs about 28 ms, which the map page paid on every view for the demo's footprints).
    pyproj's Transformer is safe to share between threads since pyproj 3.1."""
    from pyproj import Transformer

    local = (f"+proj=tmerc +lat_0={latitude} +lon_0={longitude} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs")
    return Transformer.from_crs(local, "EPSG:4326", always_xy=True)


def to_wgs84(shape: Polygon, georef: Georeference) -> Polygon:
    """The polygon in longitude/latitude (EPSG:4326), through a transverse Mercator centred on the origin."""
    from shapely import affinity

    turned = affinity.rotate(shape, georef.rotation_deg, origin=(0, 0))
    transformer = _local_to_wgs84(georef.latitude, georef.longitude)
    return shapely.transform(turned, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def wgs84_geojson(shape: Polygon, georef: Georeference) -> dict:
    """The GeoJSON geometry of a polygon in WGS84, to about a centimetre (7 decimals)."""
    data = mapping(orient(to_wgs84(shape, georef)))
    return {"type": "Polygon", "coordinates": [[[round(x, 7), round(y, 7)] for x, y, *_z in ring]
                                               for ring in data["coordinates"]]}
