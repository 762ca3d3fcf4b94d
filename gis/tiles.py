"""Web Mercator tiles (the grid of slippy maps, EPSG:3857): which tile of a level a point lies in, as a single
integer key, and the range of keys a box covers, so that a map can group points per tile from an index."""

from __future__ import annotations

import mercantile

#: Web Mercator stops short of the poles; points beyond fall in the first or last row of tiles.
MAX_LATITUDE = 85.0511287798


def tile_xy(latitude: float, longitude: float, level: int) -> tuple[int, int]:
    """(column, row) of the tile holding the point at this level (2**level tiles a side; row 0 is the north), by
    mercantile (the XYZ tile scheme of OpenStreetMap and most tile servers); a point beyond Web Mercator's latitudes
    falls in the first or last row, where mercantile would refuse it."""
    found = mercantile.tile(longitude, max(-MAX_LATITUDE, min(MAX_LATITUDE, latitude)), level)
    return found.x, found.y


def tile_key(latitude: float | None, longitude: float | None, level: int) -> int | None:
    """The tile as one integer, row by row (row * 2**level + column); None for a point without coordinates."""
    if latitude is None or longitude is None:
        return None
    x, y = tile_xy(latitude, longitude, level)
    return (y << level) | x


def key_xy(key: int, level: int) -> tuple[int, int]:
    """(column, row) of a tile key."""
    return key & ((1 << level) - 1), key >> level


def key_range(west: float, south: float, east: float, north: float, level: int) -> tuple[int, int]:
    """The smallest and greatest key of the tiles a box covers: every tile of the box has a key between them
    (with whole rows of others, which the box's own bounds leave out)."""
    x0, y0 = tile_xy(north, west, level)
    x1, y1 = tile_xy(south, east, level)
    return (y0 << level) | x0, (y1 << level) | x1
