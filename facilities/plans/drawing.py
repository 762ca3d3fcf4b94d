"""A floor's plan laid out for drawing: what the page's SVG, the SVG export and the PDF show (one layout)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from facilities.inventory.catalogue import SpaceType
from facilities.plans import geometry
from facilities.plans.colours import SPACE_TYPE_COLORS, occupancy_band
from facilities.plans.services import FloorPlan


@dataclass(frozen=True)
class RoomDrawing:
    space_id: int
    code: str
    name: str
    space_type: str
    path: str
    label_x: float
    label_y: float
    label_size: float
    fill: str
    classes: str
    area_m2: Decimal
    drawn_area_m2: Decimal
    workstations: int
    is_public: bool
    step_free: bool
    flagged: bool


@dataclass(frozen=True)
class Drawing:
    view_box: str
    width_m: float
    height_m: float
    outline_path: str | None
    rooms: list[RoomDrawing]
    scale_bar_m: int
    # The scale bar's origin, in drawing units (metres), at the bottom left.
    bar_x: float
    bar_y: float


def draw(plan: FloorPlan) -> Drawing | None:
    """The plan's layout in SVG units (metres, y down), or None when nothing is drawn."""
    frame = plan.frame()
    if frame is None:
        return None
    bar = geometry.scale_bar_m(frame.width)
    # Room under the drawing for the scale bar.
    frame = geometry.Frame(frame.min_x, frame.min_y - frame.margin * 2 - 0.6, frame.max_x, frame.max_y,
                           frame.margin)
    rooms = []
    for room in plan.rooms:
        space = room.space
        x, y = frame.point(*geometry.label_point(room.shape))
        type_class = space.space_type if space.space_type in SPACE_TYPE_COLORS else SpaceType.OTHER.value
        classes = (f"room t-{type_class} p-{int(space.is_public)} s-{int(space.step_free)} "
                   f"o-{occupancy_band(space.workstations)}" + (" flagged" if room.flagged else ""))
        rooms.append(RoomDrawing(space.id, space.code, space.name, space.space_type, frame.path(room.shape),
                                 round(x, 2), round(y, 2), geometry.label_size(room.shape),
                                 SPACE_TYPE_COLORS[SpaceType(type_class)], classes, space.area_m2,
                                 room.drawn_area_m2, space.workstations, space.is_public, space.step_free,
                                 room.flagged))
    return Drawing(frame.view_box(), round(frame.width, 2), round(frame.height, 2),
                   frame.path(plan.outline) if plan.outline is not None else None, rooms, bar,
                   round(frame.margin, 2), round(frame.height - frame.margin, 2))
