"""Fixtures come from tests/conftest.py; plan helpers here."""

from __future__ import annotations

import pytest


def square(x: float, y: float, size: float = 4.0, height: float | None = None) -> dict:
    """A rectangle as a GeoJSON polygon, its lower-left corner at (x, y)."""
    h = size if height is None else height
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + h], [x, y + h], [x, y]]]}


def outline_text(x: float, y: float, size: float = 4.0, height: float | None = None) -> str:
    h = size if height is None else height
    return "\n".join(f"{a} {b}".replace(".", ",") for a, b in [(x, y), (x + size, y), (x + size, y + h), (x, y + h)])


@pytest.fixture
def drawn_floor(factory, db):
    """A floor of 3 rooms of 12 m² declared, drawn side by side (4 × 3 m each) inside a 12 × 3 m outline."""
    from facilities.plans import geometry, services

    building = factory.building(floors=1, spaces_per_floor=3)
    floor = building.floors[0]
    floor.area_m2 = 36
    services.save_floor_outline(floor, geometry.polygon(square(0, 0, 12, 3)))
    for index, space in enumerate(sorted(floor.spaces, key=lambda s: s.code)):
        services.save_space_outline(space, geometry.polygon(square(4 * index, 0, 4, 3)))
    db.session.commit()
    return floor
