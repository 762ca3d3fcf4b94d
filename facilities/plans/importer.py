"""Import a building's plans from an IFC or DXF file, as the CSV import works: a preview first (floors and spaces
to create, update or leave, area differences, unmapped types), then all or nothing, idempotent when run again,
in the audit trail. The page, the API and the command line call `import_plans`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from facilities.extensions import db
from facilities.inventory import rules as inventory_rules
from facilities.inventory import services as inventory
from facilities.inventory.catalogue import SpaceType
from facilities.inventory.models import Building, Floor, Space
from facilities.plans import dxf, geometry, ifc, services
from facilities.plans.imported import FileRefused, ImportedModel, ImportedSpace, ImportedStorey
from facilities.plans.models import TypeMapping
from facilities.plans.rules import AREA_GAP_FLAG, TYPE_MAPPING_RULES, problem_message
from facilities.plans.types import folded, space_type_of
from facilities.validation import ValidationError, clean

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"
OUTCOMES = (CREATE, UPDATE, UNCHANGED, REFUSED)
FORMATS = ("ifc", "dxf")
DEFAULT_MAX_BYTES = 100 * 1024 * 1024  # PLANS_IMPORT_MAX_BYTES: a whole building's IFC is tens of MB
GROUND_NAMES = re.compile(r"^(rdc|rez[- ]de[- ]chauss[ée]e|ground( floor)?|gf|r\+?0|niveau 0|level 0|00?)\b", re.I)


@dataclass
class Line:
    where: str
    entity: str  # floor, space
    key: str
    outcome: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass
class AreaDifference:
    level: int
    code: str
    file_m2: Decimal | None
    drawn_m2: Decimal | None
    declared_m2: Decimal | None  # in the inventory now

    @property
    def gap(self) -> Decimal | None:
        return geometry.area_gap(self.drawn_m2, self.file_m2 or self.declared_m2)


@dataclass
class Preview:
    source: str = ""
    lines: list[Line] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    area_differences: list[AreaDifference] = field(default_factory=list)
    unmapped: list[tuple[int, str, str]] = field(default_factory=list)  # level, code, its texts
    georeference: geometry.Georeference | None = None
    applied: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for line in self.lines:
            counts[line.outcome] += 1
        return counts

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.counts[REFUSED]

    @property
    def changes_anything(self) -> bool:
        return any(line.outcome in (CREATE, UPDATE) for line in self.lines)

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "ok": self.ok, "applied": self.applied, "counts": self.counts,
                "file_errors": self.file_errors,
                "lines": [{"where": line.where, "entity": line.entity, "key": line.key, "outcome": line.outcome,
                           "changes": {name: [_json(old), _json(new)] for name, (old, new) in line.changes.items()},
                           "errors": line.errors} for line in self.lines],
                "area_differences": [{"level": d.level, "code": d.code, "file_m2": _json(d.file_m2),
                                      "drawn_m2": _json(d.drawn_m2), "declared_m2": _json(d.declared_m2)}
                                     for d in self.area_differences],
                "unmapped": [{"level": level, "code": code, "texts": texts} for level, code, texts in self.unmapped],
                "georeference": None if self.georeference is None else {
                    "latitude": self.georeference.latitude, "longitude": self.georeference.longitude,
                    "rotation_deg": self.georeference.rotation_deg}}


def _json(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


# ---------------------------------------------------------------- reading a file


def file_format(filename: str) -> str:
    """"ifc" or "dxf" from a file's name, or FileRefused."""
    suffix = Path(filename or "").suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise FileRefused(_("Choose an IFC (.ifc) or DXF (.dxf) file."))
    return suffix


def max_bytes() -> int:
    return int(current_app.config.get("PLANS_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def read_file(path: Path, fmt: str, *, layer: str | None = None, unit: str = "m", level: int = 0) -> ImportedModel:
    """The file's storeys and spaces, or FileRefused (too large, not an IFC/DXF, no storey…)."""
    size = path.stat().st_size
    if size > max_bytes():
        raise FileRefused(_("The file is %(size)s MB; at most %(max)s MB are imported.",
                            size=size // (1024 * 1024), max=max_bytes() // (1024 * 1024)))
    if fmt == "ifc":
        return ifc.read(path)
    model = dxf.read(path, layer, unit)
    model.storeys[0].level = level
    return model


# ---------------------------------------------------------------- planning


def assign_levels(storeys: list[ImportedStorey]) -> None:
    """Levels by elevation: the ground floor (named so, else at elevation 0, else the lowest at or above 0) is 0,
    the storeys above 1, 2…, those below -1, -2…"""
    storeys.sort(key=lambda storey: storey.elevation_m)
    named = [i for i, storey in enumerate(storeys) if GROUND_NAMES.match(storey.name.strip())]
    at_zero = [i for i, storey in enumerate(storeys) if abs(storey.elevation_m) < 0.5]
    above = [i for i, storey in enumerate(storeys) if storey.elevation_m >= 0]
    ground = (named or at_zero or above or [len(storeys) - 1])[0]
    for index, storey in enumerate(storeys):
        storey.level = index - ground


def mapping_rows() -> list[tuple[str, str]]:
    """The users' type mapping, in the order they entered it."""
    return [(row.pattern, row.space_type) for row in db.session.scalars(select(TypeMapping).order_by(TypeMapping.id))]


@dataclass
class _SpacePlan:
    imported: ImportedSpace
    space: Space | None
    values: dict[str, Any]
    outline: Any


@dataclass
class _FloorPlan:
    storey: ImportedStorey
    floor: Floor | None
    spaces: list[_SpacePlan] = field(default_factory=list)


def plan(building: Building, model: ImportedModel) -> tuple[Preview, list[_FloorPlan]]:
    """What importing `model` into `building` would do; nothing is written."""
    preview = Preview(model.source, file_errors=list(model.problems), georeference=model.georeference)
    if model.source == "ifc":
        assign_levels(model.storeys)
    mapping = mapping_rows()
    floors = {floor.level: floor for floor in db.session.scalars(select(Floor).where(Floor.building_id == building.id))}
    plans = []
    for storey in model.storeys:
        floor = floors.get(storey.level)
        where = f"{storey.name} ({_('level')} {storey.level})"
        if floor is None:
            try:
                inventory_rules.clean_floor({"level": storey.level, "name": storey.name[:120]})
                preview.lines.append(Line(where, "floor", storey.name, CREATE))
            except ValidationError as error:
                preview.lines.append(Line(where, "floor", storey.name, REFUSED, errors=list(error.errors.values())))
        else:
            preview.lines.append(Line(where, "floor", floor.name, UNCHANGED))
        floor_plan = _FloorPlan(storey, floor)
        existing = {space.code.casefold(): space for space in (floor.spaces if floor else [])}
        seen: set[str] = set()
        for imported in storey.spaces:
            line, planned = _plan_space(imported, existing, mapping, preview, storey.level, seen)
            preview.lines.append(line)
            if planned is not None:
                floor_plan.spaces.append(planned)
        _check_geometry(floor_plan, preview)
        plans.append(floor_plan)
    return preview, plans


def _plan_space(imported: ImportedSpace, existing: dict[str, Space], mapping, preview: Preview, level: int,
                seen: set[str]) -> tuple[Line, _SpacePlan | None]:
    key = imported.code or imported.where
    where = f"{_('level')} {level}, {imported.where}"
    if not imported.code:
        return Line(where, "space", key, REFUSED, errors=[_("no code")]), None
    if imported.code.casefold() in seen:
        return Line(where, "space", key, REFUSED, errors=[_("the code %(code)s appears twice on this storey",
                                                            code=imported.code)]), None
    seen.add(imported.code.casefold())
    drawn = geometry.area_m2(imported.outline) if imported.outline is not None else None
    area = imported.area_m2 or drawn
    if area is None:
        return Line(where, "space", key, REFUSED, errors=[_("neither geometry nor a base quantity of area")]), None
    space = existing.get(imported.code.casefold())
    space_type = space_type_of(imported.hints, mapping)
    if space_type is None:
        preview.unmapped.append((level, imported.code, " / ".join(imported.hints[:3])))
        space_type = space.space_type if space is not None else SpaceType.OTHER.value
    raw = {"code": imported.code, "name": imported.name or imported.code, "space_type": space_type,
           "area_m2": str(area)}
    try:
        values = inventory_rules.clean_space(raw, partial=space is not None,
                                             current_type=space.space_type if space else None)
    except ValidationError as error:
        return Line(where, "space", key, REFUSED, errors=list(error.errors.values())), None
    if drawn is not None and geometry.area_gap(drawn, area) is not None and geometry.area_gap(drawn, area) > AREA_GAP_FLAG:
        preview.area_differences.append(AreaDifference(level, imported.code, imported.area_m2, drawn,
                                                       space.area_m2 if space else None))
    elif space is not None and geometry.area_gap(area, space.area_m2) and geometry.area_gap(area, space.area_m2) > AREA_GAP_FLAG:
        preview.area_differences.append(AreaDifference(level, imported.code, imported.area_m2, drawn, space.area_m2))
    planned = _SpacePlan(imported, space, values, imported.outline)
    if space is None:
        return Line(where, "space", key, CREATE), planned
    changes = {name: (getattr(space, name), value) for name, value in values.items()
               if name != "code" and getattr(space, name) != value}
    stored = services.outline_geometry(space_id=space.id)
    if imported.outline is not None and stored != geometry.to_geojson(imported.outline):
        changes["outline"] = (_("drawn") if stored else "—", _("drawn") + f" {drawn} m²")
    return Line(where, "space", key, UPDATE if changes else UNCHANGED, changes), planned


def _check_geometry(floor_plan: _FloorPlan, preview: Preview) -> None:
    """Rooms of the file that overlap each other or rooms already drawn on the floor (and not in the file)."""
    rooms = {planned.imported.code: planned.outline for planned in floor_plan.spaces if planned.outline is not None}
    if floor_plan.floor is not None:
        current = services.floor_plan(floor_plan.floor)
        imported = {code.casefold() for code in rooms}
        for room in current.rooms:
            if room.space.code.casefold() not in imported:
                rooms[room.space.code] = room.shape
        outline = floor_plan.storey.outline or current.outline
    else:
        outline = floor_plan.storey.outline
    for problem in geometry.plan_problems(outline, rooms):
        preview.file_errors.append(f"{floor_plan.storey.name}: {problem_message(problem)}")


# ---------------------------------------------------------------- applying


def apply(building: Building, preview: Preview, plans: list[_FloorPlan]) -> None:
    """Write a checked plan: floors, spaces (through the inventory's services and rules), outlines, the
    georeference. Called only when the preview is ok; the caller commits once."""
    for floor_plan in plans:
        floor = floor_plan.floor
        if floor is None:
            floor = inventory.create_floor(building, inventory_rules.clean_floor(
                {"level": floor_plan.storey.level, "name": floor_plan.storey.name[:120]}))
        for planned in floor_plan.spaces:
            space = planned.space
            if space is None:
                space = inventory.create_space(floor, planned.values)
            else:
                changed = {name: value for name, value in planned.values.items() if getattr(space, name) != value}
                if changed:
                    inventory.update_space(space, changed)
            if planned.outline is not None:
                services.write_space_outline(space, floor, planned.outline)
        if floor_plan.storey.outline is not None:
            services.write_floor_outline(floor, floor_plan.storey.outline)
    if preview.georeference is not None:
        services.set_georeference(building, preview.georeference, preview.source.upper())
    db.session.flush()
    preview.applied = True


def import_plans(building: Building, path: Path, fmt: str, *, apply_it: bool, layer: str | None = None,
                 unit: str = "m", level: int = 0) -> Preview:
    """Read, check and (with `apply_it`, when everything is accepted) write; the preview says what happened.
    Nothing is written when anything is refused."""
    try:
        model = read_file(path, fmt, layer=layer, unit=unit, level=level)
    except FileRefused as refused:
        return Preview(fmt, file_errors=[refused.message])
    preview, plans = plan(building, model)
    if apply_it and preview.ok:
        apply(building, preview, plans)
    return preview


def clean_type_mapping(raw: dict[str, Any]) -> dict[str, Any]:
    """A mapping entry (a text, a space type), or ValidationError; the text is unique without case or accents."""
    values = clean(TYPE_MAPPING_RULES, raw)
    if any(folded(pattern) == folded(values["pattern"]) for pattern, _type in mapping_rows()):
        raise ValidationError({"pattern": _("This text is already mapped.")})
    return values
