"""Web Mercator tile keys (gis.tiles): the same tiles as the slippy-map convention, and box ranges that hold them."""

from __future__ import annotations

import random

from gis.tiles import key_range, key_xy, tile_key, tile_xy


def test_tiles_follow_the_slippy_map_convention():
    # Paris (Notre-Dame) at zoom 10 is tile 518/352 in every OpenStreetMap tile URL.
    assert tile_xy(48.853, 2.3499, 10) == (518, 352)
    assert tile_xy(0.0, -180.0, 1) == (0, 1)
    assert tile_xy(89.9, 179.9999, 4) == (15, 0)  # beyond Web Mercator: the last column, the first row
    assert tile_xy(-89.9, 180.0, 4) == (15, 15)
    assert tile_xy(90.0, -180.0, 4) == (0, 0) and tile_xy(-90.0, 0.0, 4) == (8, 15)  # a pole: a site may say so


def test_a_key_gives_back_its_tile_and_no_point_has_none():
    assert key_xy(tile_key(48.853, 2.3499, 10), 10) == (518, 352)
    assert tile_key(None, 2.3, 10) is None and tile_key(48.8, None, 10) is None


def test_every_point_of_a_box_has_a_key_in_the_box_range():
    rng = random.Random(7)
    for _ in range(200):
        west, east = sorted(rng.uniform(-10, 10) for _ in range(2))
        south, north = sorted(rng.uniform(40, 52) for _ in range(2))
        level = rng.choice((4, 7, 10, 13, 16))
        low, high = key_range(west, south, east, north, level)
        for _ in range(20):
            lat, lon = rng.uniform(south, north), rng.uniform(west, east)
            assert low <= tile_key(lat, lon, level) <= high
