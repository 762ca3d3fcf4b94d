"""Plans read and written: a floor's plan for its page, the API and the exports; outlines saved through the same
checks from the forms, the API and the imports; drawn areas compared with declared ones.

Services flush but never commit: the request or the command that calls them commits once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from shapely.geometry import Polygon
from sqlalchemy import and_, func, select

from facilities.extensions import db
from facilities.inventory.models import Building, Floor, Space
from facilities.plans import geometry
from facilities.plans.models import BuildingGeoreference, FloorOutline, SpaceOutline
from facilities.plans.rules import AREA_GAP_FLAG, problem_message
from facilities.validation import ValidationError


def off_by_more_than_tolerance(gap: Decimal | None) -> bool:
    """Whether a gap between drawn and declared areas is flagged (over AREA_GAP_FLAG)."""
    return gap is not None and gap > AREA_GAP_FLAG


@dataclass
class Room:
    """A space drawn on its floor's plan."""

    space: Space
    shape: Polygon
    drawn_area_m2: Decimal
    geometry: dict | None = None  # as stored (GeoJSON, local metres)

    @property
    def gap(self) -> Decimal | None:
        return geometry.area_gap(self.drawn_area_m2, self.space.area_m2)

    @property
    def flagged(self) -> bool:
        return off_by_more_than_tolerance(self.gap)


@dataclass
class FloorPlan:
    """A floor's outline and drawn rooms, with the spaces not drawn yet."""

    floor: Floor
    outline: Polygon | None
    outline_area_m2: Decimal | None
    rooms: list[Room] = field(default_factory=list)
    undrawn: list[Space] = field(default_factory=list)
    illustrative: bool = False  # made up to show plans (the demo), not surveyed
    outline_geometry: dict | None = None  # as stored

    @property
    def outline_flagged(self) -> bool:
        return off_by_more_than_tolerance(geometry.area_gap(self.outline_area_m2, self.floor.area_m2))

    @property
    def flagged_rooms(self) -> list[Room]:
        return [room for room in self.rooms if room.flagged]

    @property
    def drawn(self) -> bool:
        return self.outline is not None or bool(self.rooms)

    def frame(self) -> geometry.Frame | None:
        shapes = [room.shape for room in self.rooms] + ([self.outline] if self.outline is not None else [])
        return geometry.Frame.around(shapes)


def floor_plan(floor: Floor) -> FloorPlan:
    """The plan of a floor whose spaces are loaded: two queries, whatever its number of rooms."""
    outline = _floor_outline_row(floor.id)
    rows = {row.space_id: row for row in db.session.scalars(
        select(SpaceOutline).where(SpaceOutline.floor_id == floor.id))}
    plan = FloorPlan(floor, geometry.stored_polygon(outline.geometry) if outline else None,
                     outline.drawn_area_m2 if outline else None, illustrative=bool(outline and outline.illustrative),
                     outline_geometry=outline.geometry if outline else None)
    for space in floor.spaces:
        row = rows.get(space.id)
        if row is None:
            plan.undrawn.append(space)
        else:
            plan.rooms.append(Room(space, geometry.stored_polygon(row.geometry), row.drawn_area_m2, row.geometry))
    return plan


def georeference(building_id: int) -> geometry.Georeference | None:
    """Where a building's local origin lies, when it is georeferenced."""
    row = _georeference_row(building_id)
    return geometry.Georeference(row.latitude, row.longitude, row.rotation_deg) if row else None


def _floor_outline_row(floor_id: int) -> FloorOutline | None:
    return db.session.scalar(select(FloorOutline).where(FloorOutline.floor_id == floor_id))


def _space_outline_row(space_id: int) -> SpaceOutline | None:
    return db.session.scalar(select(SpaceOutline).where(SpaceOutline.space_id == space_id))


def _georeference_row(building_id: int) -> BuildingGeoreference | None:
    return db.session.scalar(select(BuildingGeoreference).where(BuildingGeoreference.building_id == building_id))


def outline_geometry(*, floor_id: int | None = None, space_id: int | None = None) -> dict | None:
    """The stored outline of a floor or of a space, as GeoJSON, or None."""
    row = _floor_outline_row(floor_id) if floor_id is not None else _space_outline_row(space_id)
    return row.geometry if row else None


# ---------------------------------------------------------------- writing


def _refuse(problems: list[geometry.GeometryProblem], field_name: str) -> None:
    if problems:
        raise ValidationError({field_name: "; ".join(problem_message(problem) for problem in problems[:10])})


def check_plan(outline: Polygon | None, rooms: dict[str, Polygon], field_name: str = "plan",
               only: str | None = None) -> None:
    """Refuse overlapping rooms and rooms outside the outline (ValidationError); with `only`, the problems
    that involve that room only (one room edited among others already accepted)."""
    problems = geometry.plan_problems(outline, rooms)
    if only is not None:
        problems = [p for p in problems if only in (p.figures.get("a"), p.figures.get("b"), p.figures.get("room"))]
    _refuse(problems, field_name)


def _write_outline(model, row, shape: Polygon | None, **keys: int) -> None:
    """Create, change or delete one outline row (only when its geometry changes: the trail records real edits)."""
    if shape is None:
        if row is not None:
            db.session.delete(row)
        return
    data, area = geometry.to_geojson(shape), geometry.area_m2(shape)
    if row is None:
        db.session.add(model(**keys, geometry=data, drawn_area_m2=area))
    elif row.geometry != data:
        row.geometry, row.drawn_area_m2 = data, area


def write_space_outline(space: Space, floor: Floor, shape: Polygon | None) -> None:
    """Draw (or erase) a space's outline as it is, without checking it against the plan (an import checked)."""
    _write_outline(SpaceOutline, _space_outline_row(space.id), shape, space_id=space.id, floor_id=floor.id,
                   building_id=floor.building_id)


def write_floor_outline(floor: Floor, shape: Polygon | None, illustrative: bool = False) -> None:
    """Draw (or erase) a floor's outline as it is, without checking the rooms against it (an import checked)."""
    row = _floor_outline_row(floor.id)
    _write_outline(FloorOutline, row, shape, floor_id=floor.id, building_id=floor.building_id,
                   illustrative=illustrative)
    if row is not None and shape is not None and row.illustrative != illustrative:
        row.illustrative = illustrative


def save_space_outline(space: Space, shape: Polygon | None) -> None:
    """Draw (or, with None, erase) a space's outline: refused when it overlaps another room of its floor or
    leaves the floor's outline."""
    floor = space.floor
    if shape is not None:
        plan = floor_plan(floor)
        rooms = {room.space.code: room.shape for room in plan.rooms if room.space.id != space.id}
        rooms[space.code] = shape
        check_plan(plan.outline, rooms, "outline", only=space.code)
    write_space_outline(space, floor, shape)
    db.session.flush()


def save_floor_outline(floor: Floor, shape: Polygon | None) -> None:
    """Draw (or erase) a floor's outline: refused when a drawn room would lie outside it."""
    if shape is not None:
        plan = floor_plan(floor)
        check_plan(shape, {room.space.code: room.shape for room in plan.rooms}, "outline")
    write_floor_outline(floor, shape)
    db.session.flush()


def replace_floor_plan(floor: Floor, outline: Polygon | None, rooms: dict[int, Polygon]) -> None:
    """Replace a floor's whole geometry (the API's PUT, an import): its outline and the outline of each space
    named; spaces not named lose theirs. Checked as a whole first."""
    by_id = {space.id: space for space in floor.spaces}
    unknown = [space_id for space_id in rooms if space_id not in by_id]
    if unknown:
        raise ValidationError({"features": f"space_id {unknown[0]}: not a space of this floor"})
    check_plan(outline, {by_id[space_id].code: shape for space_id, shape in rooms.items()}, "features")
    write_floor_outline(floor, outline)
    for space in floor.spaces:
        write_space_outline(space, floor, rooms.get(space.id))
    db.session.flush()


def set_georeference(building: Building, georef: geometry.Georeference | None, source: str | None) -> None:
    """Place (or, with None, unplace) a building's local origin on Earth."""
    row = _georeference_row(building.id)
    if georef is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(BuildingGeoreference(building_id=building.id, latitude=georef.latitude,
                                            longitude=georef.longitude, rotation_deg=georef.rotation_deg,
                                            source=source))
    elif (row.latitude, row.longitude, row.rotation_deg) != (georef.latitude, georef.longitude,
                                                            georef.rotation_deg):
        row.latitude, row.longitude, row.rotation_deg, row.source = (georef.latitude, georef.longitude,
                                                                     georef.rotation_deg, source)
    db.session.flush()


# ---------------------------------------------------------------- area flags


def _flagged_space() -> object:
    return and_(Space.area_m2 > 0, func.abs(SpaceOutline.drawn_area_m2 - Space.area_m2) > AREA_GAP_FLAG * Space.area_m2)


def _flagged_floor() -> object:
    return and_(Floor.area_m2 > 0, func.abs(FloorOutline.drawn_area_m2 - Floor.area_m2) > AREA_GAP_FLAG * Floor.area_m2)


@dataclass(frozen=True)
class FloorFlags:
    floor_id: int
    level: int
    name: str
    flagged_spaces: int
    drawn_spaces: int
    outline_flagged: bool


def building_flags(building_id: int) -> list[FloorFlags]:
    """Per drawn floor of a building: rooms drawn, rooms whose drawn area is more than the tolerance away from
    the declared one, and whether the floor's own outline is."""
    counts = db.session.execute(
        select(SpaceOutline.floor_id, func.count(), func.count().filter(_flagged_space()))
        .join(Space, Space.id == SpaceOutline.space_id)
        .where(SpaceOutline.building_id == building_id).group_by(SpaceOutline.floor_id)
    ).all()
    per_floor = {floor_id: (drawn, flagged) for floor_id, drawn, flagged in counts}
    outlines = dict(db.session.execute(
        select(FloorOutline.floor_id, _flagged_floor()).join(Floor, Floor.id == FloorOutline.floor_id)
        .where(FloorOutline.building_id == building_id)).all())
    floors = db.session.execute(select(Floor.id, Floor.level, Floor.name).where(
        Floor.building_id == building_id, Floor.id.in_(set(per_floor) | set(outlines))).order_by(Floor.level)).all()
    return [FloorFlags(floor_id, level, name, per_floor.get(floor_id, (0, 0))[1], per_floor.get(floor_id, (0, 0))[0],
                       bool(outlines.get(floor_id))) for floor_id, level, name in floors]


@dataclass(frozen=True)
class BuildingFlags:
    building_id: int
    code: str
    name: str
    flagged_spaces: int
    flagged_floors: int


def portfolio_flags(limit: int = 10) -> tuple[int, list[BuildingFlags]]:
    """Buildings whose plans disagree with their declared areas (most flagged rooms first), and how many."""
    spaces = dict(db.session.execute(
        select(SpaceOutline.building_id, func.count()).join(Space, Space.id == SpaceOutline.space_id)
        .where(_flagged_space()).group_by(SpaceOutline.building_id)).all())
    floors = dict(db.session.execute(
        select(FloorOutline.building_id, func.count()).join(Floor, Floor.id == FloorOutline.floor_id)
        .where(_flagged_floor()).group_by(FloorOutline.building_id)).all())
    ids = set(spaces) | set(floors)
    if not ids:
        return 0, []
    names = {bid: (code, name) for bid, code, name in db.session.execute(
        select(Building.id, Building.code, Building.name).where(Building.id.in_(ids)))}
    found = sorted((BuildingFlags(bid, *names[bid], spaces.get(bid, 0), floors.get(bid, 0)) for bid in ids),
                   key=lambda b: (-b.flagged_spaces, -b.flagged_floors, b.code))
    return len(found), found[:limit]


def footprints_geojson(building_url: Callable[[int], str]) -> dict:
    """The footprints of the georeferenced buildings in WGS84, for the map: the outline of the ground floor (or
    of the lowest floor drawn; failing an outline, its rooms merged), with the building's name and page."""
    import shapely

    georefs = {row.building_id: row for row in db.session.scalars(select(BuildingGeoreference))}
    if not georefs:
        return {"type": "FeatureCollection", "features": []}
    outlines = db.session.execute(
        select(FloorOutline.building_id, Floor.level, FloorOutline.geometry).join(Floor, Floor.id == FloorOutline.floor_id)
        .where(FloorOutline.building_id.in_(georefs))).all()
    rooms = db.session.execute(
        select(SpaceOutline.building_id, Floor.level, SpaceOutline.geometry).join(Floor, Floor.id == SpaceOutline.floor_id)
        .where(SpaceOutline.building_id.in_(georefs))).all()
    names = dict(db.session.execute(select(Building.id, Building.name).where(Building.id.in_(georefs))).all())
    shapes: dict[int, tuple[int, Polygon]] = {}
    for building_id, level, data in outlines:
        rank = (abs(level), level)
        if building_id not in shapes or rank < shapes[building_id][0]:
            shapes[building_id] = (rank, geometry.stored_polygon(data))
    by_floor: dict[tuple[int, int], list[Polygon]] = {}
    for building_id, level, data in rooms:
        if building_id not in shapes:
            by_floor.setdefault((building_id, level), []).append(geometry.stored_polygon(data))
    for (building_id, level), polygons in sorted(by_floor.items(), key=lambda item: (abs(item[0][1]), item[0][1])):
        if building_id not in shapes:
            merged = geometry.repaired(shapely.union_all(polygons).convex_hull)
            if merged is not None:
                shapes[building_id] = ((abs(level), level), merged)
    features = []
    for building_id, (_rank, shape) in sorted(shapes.items()):
        row = georefs[building_id]
        georef = geometry.Georeference(row.latitude, row.longitude, row.rotation_deg)
        features.append({"type": "Feature", "geometry": geometry.wgs84_geojson(shape, georef),
                         "properties": {"name": names.get(building_id, ""), "url": building_url(building_id)}})
    return {"type": "FeatureCollection", "features": features}
