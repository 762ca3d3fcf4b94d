"""The demo's plans: the public floors (RDC, R+1) of the Asnières / Gennevilliers hub drawn from their declared
rooms, as two bands of rooms on either side of a corridor. Illustrative (marked so on the page, in the exports
and in the PDF): the département has published the rooms and areas, not the plans."""

from __future__ import annotations

from sqlalchemy import select

from facilities.extensions import db
from facilities.inventory.models import Building, Floor
from facilities.plans import geometry, services

BUILDING_CODE = "PS-ASN-B1"
PUBLIC_LEVELS = (0, 1)
ROOM_DEPTH_M = 5.0
CORRIDOR_M = 2.0


def layout(rooms: list[tuple[str, float]], depth: float = ROOM_DEPTH_M, corridor: float = CORRIDOR_M
           ) -> tuple[geometry.Polygon, dict[str, geometry.Polygon]]:
    """Rooms (code, area) in two bands `depth` deep on either side of a corridor, each room as wide as its area
    needs: (the floor's outline, {code: outline}). The bands are balanced largest room first."""
    bands: list[list[tuple[str, float]]] = [[], []]
    widths = [0.0, 0.0]
    for code, area in sorted(rooms, key=lambda room: (-room[1], room[0])):
        band = 0 if widths[0] <= widths[1] else 1
        bands[band].append((code, area))
        widths[band] += area / depth
    outlines = {}
    for band, y in ((0, 0.0), (1, depth + corridor)):
        x = 0.0
        for code, area in sorted(bands[band]):
            width = round(area / depth, 3)
            outlines[code] = geometry.polygon_from_points([(x, y), (x + width, y), (x + width, y + depth),
                                                           (x, y + depth)])
            x += width
    total_width = round(max(widths), 3)
    floor = geometry.polygon_from_points([(0, 0), (total_width, 0), (total_width, 2 * depth + corridor),
                                          (0, 2 * depth + corridor)])
    return floor, outlines


def load_demo() -> None:
    """Draw the public floors of the Asnières hub and place the building at its site; running it again
    changes nothing."""
    building = db.session.scalar(select(Building).where(Building.code == BUILDING_CODE))
    if building is None:
        return
    for floor in db.session.scalars(select(Floor).where(Floor.building_id == building.id,
                                                        Floor.level.in_(PUBLIC_LEVELS))):
        outline, rooms = layout([(space.code, float(space.area_m2)) for space in floor.spaces])
        services.write_floor_outline(floor, outline, illustrative=True)
        by_code = {space.code: space for space in floor.spaces}
        for code, shape in rooms.items():
            services.write_space_outline(by_code[code], floor, shape)
    site = building.site
    if site.latitude is not None and site.longitude is not None:
        services.set_georeference(building, geometry.Georeference(site.latitude, site.longitude, 0.0),
                                  "illustrative (demo)")
    db.session.flush()
