"""Planning an import: what each row of the file would do to the inventory, without writing anything.

Each row is checked by the rules of the forms and the API (`facilities.inventory.rules`), its parent found in the
inventory or earlier in the file, and compared with the stored record: created, updated (which fields), left
unchanged or refused (and why). The plan keeps, for each record to write, a Slot that the applier writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from facilities.extensions import db
from facilities.inventory import rules
from facilities.inventory.bulk_columns import ENTITY, KIND_OF_ENTITY, KINDS, Row
from facilities.inventory.models import Building, Floor, Site, Space
from facilities.validation import ValidationError

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"
OUTCOMES = (CREATE, UPDATE, UNCHANGED, REFUSED)


@dataclass(slots=True)
class LineResult:
    where: str
    entity: str
    key: str
    outcome: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field → (old, new), for updates
    errors: dict[str, str] = field(default_factory=dict)  # field → message, for refused lines


@dataclass
class ImportReport:
    lines: list[LineResult] = field(default_factory=list)
    file_error: str | None = None
    applied: bool = False
    # The counts of a report kept by a background job, which keeps only the notable lines (see to_json).
    kept_counts: dict[str, int] | None = None

    @property
    def counts(self) -> dict[str, int]:
        if self.kept_counts is not None:
            return dict(self.kept_counts)
        counts = dict.fromkeys(OUTCOMES, 0)
        for line in self.lines:
            counts[line.outcome] += 1
        return counts

    @property
    def ok(self) -> bool:
        return self.file_error is None and not self.counts[REFUSED]

    @property
    def changes_anything(self) -> bool:
        counts = self.counts
        return bool(counts[CREATE] or counts[UPDATE])

    def notable(self, limit: int = 1000) -> list[LineResult]:
        """Lines worth showing (all but the unchanged), refused first, at most `limit`."""
        order = {REFUSED: 0, CREATE: 1, UPDATE: 2}
        notable = [line for line in self.lines if line.outcome != UNCHANGED]
        notable.sort(key=lambda line: order[line.outcome])
        return notable[:limit]

    def to_json(self, limit: int = 1000) -> dict[str, Any]:
        """The report as a background job keeps it: the counts and the first `limit` notable lines."""
        return {"file_error": self.file_error, "applied": self.applied, "counts": self.counts,
                "lines": [{"where": line.where, "entity": line.entity, "key": line.key, "outcome": line.outcome,
                           "changes": line.changes, "errors": line.errors} for line in self.notable(limit)]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportReport:
        lines = [LineResult(line["where"], line["entity"], line["key"], line["outcome"],
                            {name: tuple(change) for name, change in line["changes"].items()}, line["errors"])
                 for line in data["lines"]]
        return cls(lines, data["file_error"], data["applied"], kept_counts=data["counts"])


@dataclass(slots=True)
class Slot:
    """One record of the import: an existing row (obj) or one to create, with the cleaned values."""

    entity: str
    row: Row
    obj: Any = None
    values: dict[str, Any] = field(default_factory=dict)
    outcome: str = UNCHANGED
    changed: dict[str, Any] = field(default_factory=dict)  # the cleaned values of the changed fields
    parent: Slot | None = None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _level(value: Any) -> int | None:
    try:
        return rules.clean_floor({"level": value}, partial=True)["level"]
    except ValidationError:
        return None


class _Inventory:
    """The records the file names, loaded once into dicts keyed by codes (no query per line)."""

    def __init__(self, rows: list[Row]):
        self.sites = {site.code.lower(): site for site in db.session.execute(
            select(Site).options(selectinload(Site.service_links))).scalars()}
        self.buildings = {b.code.lower(): b for b in db.session.execute(select(Building)).scalars()}
        building_ids = {self.buildings[code].id for code in self._building_codes(rows) if code in self.buildings}
        self.floors: dict[tuple[int, int], Floor] = {}
        self.spaces: dict[tuple[int, str], Space] = {}
        ids = sorted(building_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for floor in db.session.execute(select(Floor).where(Floor.building_id.in_(chunk))).scalars():
                self.floors[(floor.building_id, floor.level)] = floor
            for space in db.session.execute(
                select(Space).join(Floor, Space.floor_id == Floor.id).where(Floor.building_id.in_(chunk))
            ).scalars():
                self.spaces[(space.floor_id, space.code.lower())] = space

    @staticmethod
    def _building_codes(rows: list[Row]) -> set[str]:
        return {_text(row.raw.get("building_code")).lower() for row in rows if row.kind in ("floors", "spaces")}


def _current(obj, name: str) -> Any:
    """A stored value in the shape the rules produce, for comparison."""
    if name == "services":
        return sorted(obj.service_codes)
    if name == "communes_served":
        return [{"code": c.get("code"), "name": c.get("name", "")} for c in (obj.communes_served or [])]
    return getattr(obj, name)


def _same(old: Any, new: Any) -> bool:
    if isinstance(new, list) and isinstance(old, list):
        # Service codes compare as sets; communes served (dicts) in their order. An empty list is either.
        strings = all(isinstance(x, str) for x in old) and all(isinstance(x, str) for x in new)
        return sorted(old) == sorted(new) if strings else old == new
    if isinstance(old, float) or isinstance(new, float):
        return old is not None and new is not None and abs(float(old) - float(new)) < 1e-9
    return old == new


def _diff(obj, values: dict[str, Any]) -> dict[str, Any]:
    changed = {}
    for name, new in values.items():
        if not _same(_current(obj, name), new):
            changed[name] = new
    return changed


def _show(value: Any) -> Any:
    if type(value) in (str, int, bool):  # most values: shown as they are
        return value
    if isinstance(value, Decimal | date):
        return str(value)
    if isinstance(value, list):
        return ", ".join(f"{v.get('code')} {v.get('name', '')}".strip() if isinstance(v, dict) else str(v)
                         for v in value)
    return value


class _Planner:
    def __init__(self, rows: list[Row], can_edit_sites: bool, can_edit_buildings: bool):
        self.rows = rows
        self.can = {"site": can_edit_sites, "building": can_edit_buildings, "floor": can_edit_buildings,
                    "space": can_edit_buildings}
        self.inventory = _Inventory(rows)
        self.report = ImportReport()
        self.slots: list[Slot] = []
        self.seen: dict[tuple, Slot] = {}
        self.site_slots: dict[str, Slot] = {}
        self.building_slots: dict[str, Slot] = {}
        self.floor_slots: dict[tuple[str, int], Slot] = {}

    def refuse(self, row: Row, entity: str, key: str, errors: dict[str, str]) -> None:
        self.report.lines.append(LineResult(row.where, entity, key, REFUSED, errors=errors))

    def plan(self, progress: Callable[[float], None]) -> ImportReport:
        order = {kind: index for index, kind in enumerate(KINDS)}
        for done, row in enumerate(sorted(self.rows, key=lambda r: (order.get(r.kind, -1), r.line))):
            if done % 5000 == 0:
                progress(done / len(self.rows))
            if not row.kind:
                self.refuse(row, "?", "", {"entity": _("Unknown entity '%(value)s': use site, building, floor "
                                                      "or space", value=row.raw.get("entity", "")[:40])})
                continue
            stray = row.raw.pop("__stray__", None)
            entity = ENTITY[row.kind]
            if stray:
                self.refuse(row, entity, "", {name: _("This column does not apply to a %(entity)s line; leave it "
                                                      "empty", entity=entity) for name in stray})
                continue
            getattr(self, f"_plan_{entity}")(row)
            row.raw = {}  # read, cleaned and compared: memory goes to the next rows
        return self.report

    def _finish(self, slot: Slot, key: str, unique_key: tuple) -> None:
        row = slot.row
        if unique_key in self.seen:
            self.refuse(row, slot.entity, key, {
                "code" if slot.entity != "floor" else "level":
                _("The same %(entity)s is already on %(where)s", entity=slot.entity, where=self.seen[unique_key].row.where)
            })
            slot.outcome = REFUSED
            return
        self.seen[unique_key] = slot
        changes: dict[str, tuple[Any, Any]] = {}  # shown for updates only: a created record is its line
        if slot.obj is None:
            slot.outcome = CREATE
        else:
            slot.changed = _diff(slot.obj, slot.values)
            if slot.entity == "building" and slot.parent is not None and slot.parent.obj is not slot.obj.site:
                slot.changed["site"] = slot.parent
            slot.outcome = UPDATE if slot.changed else UNCHANGED
            changes = {name: (_show(_current(slot.obj, name) if name != "site" else slot.obj.site.code),
                              _show(value if name != "site" else value.values["code"]))
                       for name, value in slot.changed.items()}
        if slot.outcome != UNCHANGED and not self.can[slot.entity]:
            needed = _("edit sites") if slot.entity == "site" else _("edit buildings, floors and spaces")
            self.refuse(row, slot.entity, key, {slot.entity: _(
                "Your role may not %(action)s a %(entity)s (permission needed: %(needed)s); remove this line or ask "
                "a facilities manager", action=_("create") if slot.outcome == CREATE else _("change"),
                entity=slot.entity, needed=needed)})
            slot.outcome = REFUSED
            return
        self.report.lines.append(LineResult(row.where, slot.entity, key, slot.outcome, changes=changes))
        self.slots.append(slot)

    def _clean(self, row: Row, entity: str, key: str, clean, raw: dict) -> dict | None:
        try:
            return clean(raw)
        except ValidationError as error:
            self.refuse(row, entity, key, error.errors)
            return None

    def _plan_site(self, row: Row) -> None:
        code = _text(row.raw.get("code"))
        values = self._clean(row, "site", code, rules.clean_site, row.raw)
        if values is None:
            self.site_slots.setdefault(code.lower(), Slot("site", row, outcome=REFUSED))
            return
        values["services"] = sorted(values.get("services") or [])
        slot = Slot("site", row, obj=self.inventory.sites.get(code.lower()), values=values)
        self._finish(slot, code, ("site", code.lower()))
        self.site_slots.setdefault(code.lower(), slot)

    def _parent(self, row: Row, entity: str, key: str, slots: dict, existing, lookup, column: str,
                parent_entity: str, shown: str) -> Slot | None:
        found = slots.get(lookup)
        if found is not None and found.outcome == REFUSED:
            self.refuse(row, entity, key, {column: _("The %(entity)s on %(where)s is refused, so this line is too",
                                                     entity=parent_entity, where=found.row.where)})
            return None
        if found is None:
            obj = existing(lookup)
            if obj is None:
                self.refuse(row, entity, key, {column: _(
                    "No %(entity)s '%(code)s' in the inventory nor in this file", entity=parent_entity, code=shown)})
                return None
            found = Slot(parent_entity, row, obj=obj)
            slots[lookup] = found
        return found

    def _plan_building(self, row: Row) -> None:
        code = _text(row.raw.get("code"))
        site_code = _text(row.raw.get("site_code"))
        if not site_code:
            self.refuse(row, "building", code, {"site_code": _("site_code is required")})
            return
        raw = {name: value for name, value in row.raw.items() if name != "site_code"}
        values = self._clean(row, "building", code, rules.clean_building, raw)
        if values is None:
            self.building_slots.setdefault(code.lower(), Slot("building", row, outcome=REFUSED))
            return
        site = self._parent(row, "building", code, self.site_slots, self.inventory.sites.get, site_code.lower(),
                            "site_code", "site", site_code)
        if site is None:
            self.building_slots.setdefault(code.lower(), Slot("building", row, outcome=REFUSED))
            return
        if site.obj is not None and not site.values:
            site.values = {"code": site.obj.code}
        slot = Slot("building", row, obj=self.inventory.buildings.get(code.lower()), values=values, parent=site)
        self._finish(slot, code, ("building", code.lower()))
        self.building_slots.setdefault(code.lower(), slot)

    def _building(self, row: Row, entity: str, key: str) -> Slot | None:
        building_code = _text(row.raw.get("building_code"))
        if not building_code:
            self.refuse(row, entity, key, {"building_code": _("building_code is required")})
            return None
        return self._parent(row, entity, key, self.building_slots, self.inventory.buildings.get,
                            building_code.lower(), "building_code", "building", building_code)

    def _plan_floor(self, row: Row) -> None:
        key = f"{_text(row.raw.get('building_code'))} / {_text(row.raw.get('level'))}"
        raw = {name: value for name, value in row.raw.items() if name != "building_code"}
        values = self._clean(row, "floor", key, rules.clean_floor, raw)
        building = self._building(row, "floor", key) if values is not None else None
        lookup = (_text(row.raw.get("building_code")).lower(), values["level"] if values else _level(row.raw.get("level")))
        if values is None or building is None:
            self.floor_slots.setdefault(lookup, Slot("floor", row, outcome=REFUSED))
            return
        obj = self.inventory.floors.get((building.obj.id, values["level"])) if building.obj is not None else None
        slot = Slot("floor", row, obj=obj, values=values, parent=building)
        self._finish(slot, key, ("floor",) + lookup)
        self.floor_slots.setdefault(lookup, slot)

    def _plan_space(self, row: Row) -> None:
        building_code = _text(row.raw.get("building_code"))
        level = _level(row.raw.get("level"))
        code = _text(row.raw.get("code"))
        key = f"{building_code} / {_text(row.raw.get('level'))} / {code}"
        if level is None:
            self.refuse(row, "space", key, {"level": _("level must be a whole number between %(min)s and %(max)s",
                                                       min=rules.MIN_LEVEL, max=rules.MAX_LEVEL)})
            return
        raw = {name: value for name, value in row.raw.items() if name not in ("building_code", "level")}
        values = self._clean(row, "space", key, rules.clean_space, raw)
        if values is None or self._building(row, "space", key) is None:
            return
        floor = self.floor_slots.get((building_code.lower(), level))
        if floor is not None and floor.outcome == REFUSED:
            self.refuse(row, "space", key, {"level": _("The floor on %(where)s is refused, so this line is too",
                                                       where=floor.row.where)})
            return
        if floor is None:
            building = self.building_slots[building_code.lower()]
            obj = self.inventory.floors.get((building.obj.id, level)) if building.obj is not None else None
            if obj is None:
                self.refuse(row, "space", key, {"level": _(
                    "Building %(code)s has no level %(level)s: add a line for that floor", code=building_code,
                    level=level)})
                return
            floor = Slot("floor", row, obj=obj, parent=building)
            self.floor_slots[(building_code.lower(), level)] = floor
        obj = self.inventory.spaces.get((floor.obj.id, code.lower())) if floor.obj is not None else None
        slot = Slot("space", row, obj=obj, values=values, parent=floor)
        self._finish(slot, key, ("space", building_code.lower(), level, code.lower()))


def plan(rows: list[Row], *, can_edit_sites: bool = True, can_edit_buildings: bool = True,
         progress: Callable[[float], None] | None = None) -> tuple[ImportReport, list[Slot]]:
    """The report of what the rows would do (lines in file order, sheet by sheet) and the slots to write."""
    planner = _Planner(rows, can_edit_sites, can_edit_buildings)
    with db.session.no_autoflush:
        report = planner.plan(progress or (lambda share: None))
    report.lines.sort(key=lambda line: (KINDS.index(KIND_OF_ENTITY.get(line.entity, "sites")), _line_no(line)))
    return report, planner.slots


def _line_no(line: LineResult) -> int:
    digits = "".join(ch for ch in line.where.rsplit(" ", 1)[-1] if ch.isdigit())
    return int(digits) if digits else 0
