"""Importing and exporting the equipment register (CSV or XLSX), with the inventory's readers and report.

A file has one record a line (XLSX: a sheet named `equipment`), columns EQUIPMENT_COLUMNS: the building by its
code, optionally the floor by its level and the space by its code, then the fields of the rules
(facilities.safety.rules). An item is found by its building and its name (without regard to case): a line
updates it, or creates it when there is none. Importing checks every line first (a dry run that the preview
page shows) and writes everything in one transaction, or nothing when a single line is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from facilities.extensions import db
from facilities.inventory.bulk_columns import FileError, Row, single_layout
from facilities.inventory.bulk_export import export_csv, export_xlsx
from facilities.inventory.bulk_plan import CREATE, REFUSED, UNCHANGED, UPDATE, ImportReport, LineResult
from facilities.inventory.bulk_read import MoreRows, Source, read_file
from facilities.inventory.models import Building, Floor, Space
from facilities.money import cents_to_euros
from facilities.safety import rules, services
from facilities.safety.models import Equipment
from facilities.validation import ValidationError, rule_names

KIND = "equipment"
LOCATION_COLUMNS = ["building_code", "floor_level", "space_code"]
FIELDS = rule_names(rules.EQUIPMENT_RULES)
EQUIPMENT_COLUMNS = LOCATION_COLUMNS + FIELDS
LAYOUT = single_layout(KIND, EQUIPMENT_COLUMNS)


@dataclass
class _Slot:
    building: Building
    floor: Floor | None
    space: Space | None
    values: dict[str, Any]
    item: Equipment | None = None
    changed: dict[str, Any] = field(default_factory=dict)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _stored(item: Equipment, name: str) -> Any:
    return item.replacement_cost_cents if name == "replacement_cost_cents" else getattr(item, name)


def _locate(raw: dict[str, Any], buildings: dict[str, Building]) -> tuple[Building, Floor | None, Space | None]:
    code = _text(raw.get("building_code"))
    building = buildings.get(code.lower())
    if building is None:
        raise ValidationError({"building_code": _("No building with the code '%(code)s'", code=code[:40])
                               if code else _("building_code is required")})
    floor = space = None
    level = _text(raw.get("floor_level"))
    if level:
        floor = next((f for f in building.floors if str(f.level) == level.removesuffix(".0")), None)
        if floor is None:
            raise ValidationError({"floor_level": _("Building %(code)s has no floor at level %(level)s",
                                                    code=building.code, level=level[:10])})
    space_code = _text(raw.get("space_code")).lower()
    if space_code:
        floors = [floor] if floor is not None else building.floors
        space = next((s for f in floors for s in f.spaces if s.code.lower() == space_code), None)
        if space is None:
            raise ValidationError({"space_code": _("No space '%(code)s' in building %(building)s",
                                                   code=_text(raw.get("space_code"))[:40], building=building.code)})
        floor = space.floor
    return building, floor, space


def plan(rows: list[Row]) -> tuple[ImportReport, list[_Slot]]:
    """What each line would do (created, updated with which fields, unchanged, refused and why)."""
    report, slots, seen = ImportReport(), [], set()
    codes = {_text(row.raw.get("building_code")).lower() for row in rows}
    buildings = {b.code.lower(): b for b in db.session.scalars(
        select(Building).where(func.lower(Building.code).in_(codes)))}
    existing = {(item.building_id, item.name.lower()): item for item in db.session.scalars(
        select(Equipment).where(Equipment.building_id.in_([b.id for b in buildings.values()])))}
    for row in rows:
        key = f"{_text(row.raw.get('building_code'))} / {_text(row.raw.get('name'))}"
        try:
            building, floor, space = _locate(row.raw, buildings)
            values = rules.clean_equipment({name: row.raw.get(name) for name in FIELDS})
        except ValidationError as error:
            report.lines.append(LineResult(row.where, KIND, key, REFUSED, errors=error.errors))
            continue
        identity = (building.id, values["name"].lower())
        if identity in seen:
            report.lines.append(LineResult(row.where, KIND, key, REFUSED,
                                           errors={"name": _("This item is already on an earlier line")}))
            continue
        seen.add(identity)
        slot = _Slot(building, floor, space, values, existing.get(identity))
        if slot.item is None:
            report.lines.append(LineResult(row.where, KIND, key, CREATE))
        else:
            wanted = {**values, "floor_id": floor.id if floor else None, "space_id": space.id if space else None}
            slot.changed = {name: value for name, value in wanted.items() if _stored(slot.item, name) != value
                            and not (name == "condition_on" and value is None)}
            changes = {name: (str(_stored(slot.item, name)), str(value)) for name, value in slot.changed.items()}
            report.lines.append(LineResult(row.where, KIND, key, UPDATE if changes else UNCHANGED, changes))
        slots.append(slot)
    return report, slots


def _apply(slots: list[_Slot]) -> None:
    for slot in slots:
        if slot.item is None:
            services.create_equipment(slot.building, slot.values, slot.floor, slot.space)
        elif slot.changed:
            services.update_equipment(slot.item, slot.values, (slot.floor, slot.space))


def import_file(source: Source, fmt: str, *, apply: bool) -> ImportReport:
    """Check a file (a dry run) or, with `apply`, write all its lines when none is refused; the caller commits."""
    limit = int(current_app.config.get("IMPORT_INLINE_ROWS") or 5000)
    try:
        rows = read_file(source, fmt, stop_after=limit, layout=LAYOUT)
    except FileError as error:
        return ImportReport(file_error=str(error))
    except MoreRows:
        return ImportReport(file_error=_("The file has more than %(max)s lines; an equipment import reads at most "
                                         "%(max)s. Split it into several files.", max=limit))
    report, slots = plan(rows)
    if apply and report.ok:
        _apply(slots)
        report.applied = True
    return report


def export_file(fmt: str) -> bytes:
    """The whole equipment register in the layout the import reads ('csv' or 'xlsx')."""
    query = services.equipment_query({}).order_by(Building.code, Equipment.name, Equipment.id)
    table = []
    for item in db.session.scalars(query).unique():
        values = [cents_to_euros(item.replacement_cost_cents) if name == "replacement_cost_eur" else getattr(item, name)
                  for name in FIELDS]
        table.append([item.building.code, item.floor.level if item.floor else None,
                      item.space.code if item.space else None, *values])
    tables = {KIND: table}
    return export_csv(tables, LAYOUT) if fmt == "csv" else export_xlsx(tables, LAYOUT)
