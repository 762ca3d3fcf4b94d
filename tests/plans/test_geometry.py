"""Plan geometry as pure functions: polygons checked, areas, overlaps, the drawing frame, WGS84."""

from __future__ import annotations

from decimal import Decimal

import pytest

from facilities.plans import geometry
from facilities.plans.geometry import GeometryProblem
from tests.plans.conftest import square


def test_a_square_polygon_has_its_area_and_is_oriented():
    shape = geometry.polygon(square(0, 0, 4, 3))
    assert geometry.area_m2(shape) == Decimal("12.00")
    data = geometry.to_geojson(shape)
    assert data["coordinates"][0][0] == data["coordinates"][0][-1]  # closed ring
    assert shape.exterior.is_ccw


@pytest.mark.parametrize("bad, code", [
    ({"type": "Point", "coordinates": [0, 0]}, "not_a_polygon"),
    ({"type": "Polygon", "coordinates": []}, "not_a_polygon"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "too_few_points"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [4, 4], [4, 0], [0, 4]]]}, "self_intersecting"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0]]]}, "no_area"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], ["x", 1]]]}, "not_a_number"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [float("nan"), 1]]]}, "not_a_number"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [250000, 0], [0, 1]]]}, "too_far"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1], [0, 1]]]}, "not_a_point"),
])
def test_bad_polygons_are_refused_with_a_reason(bad, code):
    with pytest.raises(GeometryProblem) as refused:
        geometry.polygon(bad)
    assert refused.value.code == code


def test_overlapping_rooms_and_rooms_outside_the_floor_are_found():
    outline = geometry.polygon(square(0, 0, 10, 10))
    rooms = {"A": geometry.polygon(square(0, 0, 4)), "B": geometry.polygon(square(3, 0, 4)),
             "C": geometry.polygon(square(8, 8, 4))}
    problems = geometry.plan_problems(outline, rooms)
    assert [(p.code, dict(p.figures)) for p in problems] == [
        ("rooms_overlap", {"a": "A", "b": "B", "area": 4.0}),  # 1 m × 4 m
        ("room_outside_floor", {"room": "C", "area": 12.0}),  # 16 m² of which 2 × 2 inside
    ]


def test_a_shared_wall_drawn_twice_is_tolerated():
    rooms = {"A": geometry.polygon(square(0, 0, 4)), "B": geometry.polygon(square(3.99, 0, 4))}
    assert geometry.plan_problems(None, rooms) == []  # 0.01 m × 4 m = 0.04 m² < 0.05 m²


def test_area_gap_is_a_share_of_the_declared_area():
    assert geometry.area_gap(Decimal("12.60"), Decimal("12")) == Decimal("0.0500")
    assert geometry.area_gap(Decimal("13"), Decimal("12")) == Decimal("0.0833")
    assert geometry.area_gap(None, Decimal("12")) is None


def test_scale_bar_is_a_round_length():
    assert geometry.scale_bar_m(12) == 2
    assert geometry.scale_bar_m(60) == 10
    assert geometry.scale_bar_m(260) == 50


def test_wgs84_conversion_places_the_origin_and_turns_the_axes():
    georef = geometry.Georeference(48.9127, 2.2871, 0)
    shape = geometry.polygon(square(0, 0, 100, 100))
    lon_lat = geometry.wgs84_geojson(shape, georef)["coordinates"][0]
    assert [2.2871, 48.9127] in lon_lat
    # 100 m east of the origin: 100 m / (N · cos φ · π/180) with N = 6 390 km, the ellipsoid's radius of curvature
    # at 48.9° north: 100 / 73 300 ≈ 0.0013643° of longitude.
    assert any(abs(lon - 2.2884643) < 2e-7 and abs(lat - 48.9127) < 1e-6 for lon, lat in lon_lat)
    turned = geometry.wgs84_geojson(shape, geometry.Georeference(48.9127, 2.2871, 90))["coordinates"][0]
    # Turned a quarter anticlockwise, the local x axis points north: (100, 0) lands 100 m north (≈ 0.000899°).
    assert any(abs(lon - 2.2871) < 1e-6 and abs(lat - 48.913599) < 2e-6 for lon, lat in turned)


def test_rotation_from_true_north():
    assert geometry.rotation_from_true_north(0, 1) == 0
    assert geometry.rotation_from_true_north(1, 0) == 90
