"""Planning an import: what each row of the file would do to the inventory.

Each row is checked by the rules of the forms and the API (`facilities.inventory.rules`), its parent found in the
inventory or earlier in the file, and compared with the stored record: created, updated (which fields), left
unchanged or refused (and why).

The rows come kind after kind (sites, buildings, floors, spaces) and are planned in chunks of CHUNK_ROWS: the
stored records a chunk names are loaded with one IN query per chunk (keyed by codes), compared, then forgotten.
What is kept across chunks is small: the counts, the first KEEP_LINES lines of each outcome (what the preview and
a job's report show), and for each site, building and floor of the file a Ref (its outcome, line and id) that
later lines may name as their parent; the spaces' keys, checked for duplicates, are kept in a temporary SQLite
file. Memory therefore stays flat whatever the size of the file. When applying, each chunk's slots are written
(bulk_apply) as soon as it is planned, in the caller's one transaction; once a line is refused nothing more is
written and the caller rolls everything back.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from facilities.extensions import db
from facilities.inventory import rules
from facilities.inventory.bulk_columns import ENTITY, FIELDS, KIND_OF_ENTITY, KINDS, Row, stored_text
from facilities.inventory.models import Building, Floor, PublishedFigure, Site, Space
from facilities.validation import ValidationError

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"
OUTCOMES = (CREATE, UPDATE, UNCHANGED, REFUSED)
CHUNK_ROWS = 2000  # rows planned (and, when applying, written) together
KEEP_LINES = 1000  # lines kept of each outcome: the preview lists the first 1,000 notable ones


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

    def add(self, line: LineResult) -> None:
        """Count a line; keep it while its outcome has fewer than KEEP_LINES kept lines."""
        if self.kept_counts is None:
            self.kept_counts = dict.fromkeys(OUTCOMES, 0)
        self.kept_counts[line.outcome] += 1
        if self.kept_counts[line.outcome] <= KEEP_LINES:
            self.lines.append(line)

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
class Ref:
    """A site, building or floor of the file as later lines see it: refused or not, where, its id once stored."""

    outcome: str
    where: str
    id: int | None = None
    code: str = ""  # a site's, as a moved building's change shows it
    seen_at: str | None = None  # the first line of this code that was compared (a later one is a duplicate)


@dataclass(slots=True)
class Slot:
    """One record of the import: an existing row (obj) or one to create, with the cleaned values."""

    entity: str
    row: Row
    obj: Any = None
    values: dict[str, Any] = field(default_factory=dict)
    outcome: str = UNCHANGED
    changed: dict[str, Any] = field(default_factory=dict)  # the cleaned values of the changed fields
    parent_id: int | None = None  # the stored site, building or floor it belongs to (None: created by the file)
    parent: Any = None  # that record, loaded by the applier
    site: Ref | None = None  # a building's site as the file names it (its `site` change is that Ref)
    ref: Ref | None = None  # what later lines see of this record: given its id once written


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_PLAIN_LEVEL = re.compile(r"-?[0-9]{1,3}")


def _level(value: Any) -> int | None:
    if isinstance(value, str) and _PLAIN_LEVEL.fullmatch(value.strip()):  # most lines: the rule's answer, sooner
        level = int(value)
        return level if rules.MIN_LEVEL <= level <= rules.MAX_LEVEL else None
    try:
        return rules.clean_floor({"level": value}, partial=True)["level"]
    except ValidationError:
        return None


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


def _same_text(raw: dict[str, Any], stored, names: Iterable[str]) -> bool:
    """Whether a line holds, for every field, the text an export writes of the stored record: the line then
    changes nothing, whatever the rules would make of it (a re-import of an export is mostly such lines)."""
    for name in names:
        value = raw.get(name)
        if not isinstance(value, str) or value.strip() != stored_text(getattr(stored, name)):
            return False
    return True


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


def _lower_in(column, codes: set[str]):
    """`lower(column) IN codes` (the unique indexes on lower(code) answer it), in parts of at most 500 codes."""
    ordered = sorted(codes)
    return [func.lower(column).in_(ordered[start:start + 500]) for start in range(0, len(ordered), 500)]


def _ids_in(column, ids: set[int]):
    ordered = sorted(ids)
    return [column.in_(ordered[start:start + 500]) for start in range(0, len(ordered), 500)]


class _SpaceKeys:
    """The spaces planned so far, (building code, level, code) → line, in a private temporary SQLite database on
    disk (sqlite3 with an empty name, deleted when closed): a file of millions of spaces is checked for duplicates
    without holding their keys in memory."""

    def __init__(self):
        self.db = sqlite3.connect("")
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, at TEXT NOT NULL) WITHOUT ROWID")

    def lookup(self, keys: set[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        ordered = sorted(keys)
        for start in range(0, len(ordered), 500):
            part = ordered[start:start + 500]
            found.update(self.db.execute(f"SELECT key, at FROM seen WHERE key IN ({','.join('?' * len(part))})",
                                         part))
        return found

    def add(self, pairs: list[tuple[str, str]]) -> None:
        self.db.executemany("INSERT INTO seen VALUES (?, ?)", pairs)

    def close(self) -> None:
        self.db.close()


def _space_key(building_code: str, level: int | None, code: str) -> str:
    return f"{building_code.lower()}\x1f{level}\x1f{code.lower()}"


class _Planner:
    def __init__(self, can_edit_sites: bool, can_edit_buildings: bool, write: Callable[[list[Slot]], None] | None):
        self.can = {"site": can_edit_sites, "building": can_edit_buildings, "floor": can_edit_buildings,
                    "space": can_edit_buildings, "published_figure": can_edit_buildings}
        self.write = write
        self.report = ImportReport(kept_counts=dict.fromkeys(OUTCOMES, 0))
        self.chunk: list[Slot] = []  # the slots of the chunk being planned that change something
        self.sites: dict[str, Ref] = {}  # the file's sites, buildings and floors, by code (first line of each)
        self.buildings: dict[str, Ref] = {}
        self.floors: dict[tuple[str, int | None], Ref] = {}
        self.space_keys: _SpaceKeys | None = None
        self.spaces_seen: dict[str, str] = {}  # the chunk's spaces and the earlier ones with the same keys
        self.spaces_new: list[tuple[str, str]] = []

    def close(self) -> None:
        if self.space_keys is not None:
            self.space_keys.close()

    def refuse(self, row: Row, entity: str, key: str, errors: dict[str, str]) -> None:
        self.report.add(LineResult(row.where, entity, key, REFUSED, errors=errors))

    def run(self, rows: Iterable[Row]) -> None:
        """Plan rows as they come, in chunks of one kind (a file's kinds come in order: sites first)."""
        pending: list[Row] = []
        for row in rows:
            if not row.kind:
                self.refuse(row, "?", "", {"entity": _("Unknown entity '%(value)s': use site, building, floor "
                                                      "or space", value=row.raw.get("entity", "")[:40])})
                continue
            stray = row.raw.pop("__stray__", None)
            if stray:
                entity = ENTITY[row.kind]
                self.refuse(row, entity, "", {name: _("This column does not apply to a %(entity)s line; leave it "
                                                      "empty", entity=entity) for name in stray})
                continue
            if pending and (pending[0].kind != row.kind or len(pending) >= CHUNK_ROWS):
                self._chunk(pending)
                pending = []
            pending.append(row)
        if pending:
            self._chunk(pending)

    def _chunk(self, rows: list[Row]) -> None:
        with db.session.no_autoflush:
            getattr(self, f"_plan_{rows[0].kind}")(rows)
        slots, self.chunk = self.chunk, []
        if self.write is not None and not self.report.counts[REFUSED]:
            self.write(slots)
            for slot in slots:
                if slot.ref is not None and slot.obj is not None:
                    slot.ref.id = slot.obj.id

    def _finish(self, slot: Slot, key: str, unique_key, refs: dict | None = None, code: str = "") -> None:
        """Compare a checked record with the stored one; a site, building or floor becomes what later lines see
        of its code (`refs`), a space's key is kept for the duplicates check."""
        row = slot.row
        ref = refs.get(unique_key) if refs is not None else None
        first = self.spaces_seen.get(unique_key) if refs is None else (ref.seen_at if ref is not None else None)
        if first is not None:
            self.refuse(row, slot.entity, key, {
                {"floor": "level", "published_figure": "figure"}.get(slot.entity, "code"):
                _("The same %(entity)s is already on %(where)s", entity=slot.entity, where=first)
            })
            slot.outcome = REFUSED
            return
        if refs is None:
            self.spaces_seen[unique_key] = row.where
            self.spaces_new.append((unique_key, row.where))
        elif ref is None:  # the first line of this code
            refs[unique_key] = slot.ref = Ref(UNCHANGED, row.where, slot.obj.id if slot.obj is not None else None,
                                              code, row.where)
        else:  # an earlier line of this code was refused before it was compared: it stays what later lines see
            ref.seen_at = row.where
        changes: dict[str, tuple[Any, Any]] = {}  # shown for updates only: a created record is its line
        if slot.obj is None:
            slot.outcome = CREATE
        else:
            slot.changed = _diff(slot.obj, slot.values)
            if slot.entity == "building" and slot.site is not None and slot.site.id != slot.obj.site_id:
                slot.changed["site"] = slot.site
            slot.outcome = UPDATE if slot.changed else UNCHANGED
            changes = {name: (_show(_current(slot.obj, name) if name != "site" else slot.obj.site.code),
                              _show(value if name != "site" else value.code))
                       for name, value in slot.changed.items()}
        if slot.outcome != UNCHANGED and not self.can[slot.entity]:
            needed = _("edit sites") if slot.entity == "site" else _("edit buildings, floors and spaces")
            self.refuse(row, slot.entity, key, {slot.entity: _(
                "Your role may not %(action)s a %(entity)s (permission needed: %(needed)s); remove this line or ask "
                "a facilities manager", action=_("create") if slot.outcome == CREATE else _("change"),
                entity=slot.entity, needed=needed)})
            slot.outcome = REFUSED
        else:
            self.report.add(LineResult(row.where, slot.entity, key, slot.outcome, changes=changes))
            if slot.outcome != UNCHANGED:
                self.chunk.append(slot)
        if slot.ref is not None:
            slot.ref.outcome = slot.outcome

    def _clean(self, row: Row, entity: str, key: str, clean, raw: dict) -> dict | None:
        try:
            return clean(raw)
        except ValidationError as error:
            self.refuse(row, entity, key, error.errors)
            return None

    @staticmethod
    def _remember_refused(refs: dict, lookup, row: Row) -> None:
        """A line refused before it was compared: when it is the first of its code, later lines are refused too."""
        refs.setdefault(lookup, Ref(REFUSED, row.where))

    # ------------------------------------------------------------ sites

    def _plan_sites(self, rows: list[Row]) -> None:
        codes = {_text(row.raw.get("code")).lower() for row in rows}
        stored: dict[str, Site] = {}
        for condition in _lower_in(Site.code, codes):
            for site in db.session.execute(select(Site).options(selectinload(Site.service_links))
                                           .where(condition)).scalars():
                stored[site.code.lower()] = site
        for row in rows:
            self._plan_site(row, stored)
            row.raw = {}

    def _plan_site(self, row: Row, stored: dict[str, Site]) -> None:
        code = _text(row.raw.get("code"))
        values = self._clean(row, "site", code, rules.clean_site, row.raw)
        if values is None:
            self._remember_refused(self.sites, code.lower(), row)
            return
        values["services"] = sorted(values.get("services") or [])
        slot = Slot("site", row, obj=stored.get(code.lower()), values=values)
        self._finish(slot, code, code.lower(), self.sites, values.get("code") or code)

    # ------------------------------------------------------------ parents

    def _stored_parents(self, model, codes: set[str], file_refs: dict, row_where: str = "") -> dict[str, Ref]:
        """The stored sites or buildings of these codes that the file does not hold, as Refs (one query)."""
        wanted = {code for code in codes if code and code not in file_refs}
        found: dict[str, Ref] = {}
        for condition in _lower_in(model.code, wanted):
            for record_id, code in db.session.execute(select(model.id, model.code).where(condition)):
                found[code.lower()] = Ref(UNCHANGED, row_where, record_id, code)
        return found

    def _parent(self, row: Row, entity: str, key: str, refs: dict, stored: dict, lookup, column: str,
                parent_entity: str, shown: str) -> Ref | None:
        found = refs.get(lookup)
        if found is not None and found.outcome == REFUSED:
            self.refuse(row, entity, key, {column: _("The %(entity)s on %(where)s is refused, so this line is too",
                                                     entity=parent_entity, where=found.where)})
            return None
        if found is None:
            found = stored.get(lookup)
            if found is None:
                self.refuse(row, entity, key, {column: _(
                    "No %(entity)s '%(code)s' in the inventory nor in this file", entity=parent_entity, code=shown)})
                return None
        return found

    # ------------------------------------------------------------ buildings

    def _plan_buildings(self, rows: list[Row]) -> None:
        codes = {_text(row.raw.get("code")).lower() for row in rows}
        stored: dict[str, Building] = {}
        for condition in _lower_in(Building.code, codes):
            for building in db.session.execute(select(Building).where(condition)).scalars():
                stored[building.code.lower()] = building
        sites = self._stored_parents(Site, {_text(row.raw.get("site_code")).lower() for row in rows}, self.sites)
        for row in rows:
            self._plan_building(row, stored, sites)
            row.raw = {}

    def _plan_building(self, row: Row, stored: dict[str, Building], stored_sites: dict[str, Ref]) -> None:
        code = _text(row.raw.get("code"))
        site_code = _text(row.raw.get("site_code"))
        if not site_code:
            self.refuse(row, "building", code, {"site_code": _("site_code is required")})
            return
        raw = {name: value for name, value in row.raw.items() if name != "site_code"}
        values = self._clean(row, "building", code, rules.clean_building, raw)
        if values is None:
            self._remember_refused(self.buildings, sys.intern(code.lower()), row)
            return
        site = self._parent(row, "building", code, self.sites, stored_sites, site_code.lower(), "site_code", "site",
                            site_code)
        if site is None:
            self._remember_refused(self.buildings, sys.intern(code.lower()), row)
            return
        slot = Slot("building", row, obj=stored.get(code.lower()), values=values, parent_id=site.id, site=site)
        self._finish(slot, code, sys.intern(code.lower()), self.buildings)

    def _building(self, row: Row, entity: str, key: str, stored: dict[str, Ref]) -> Ref | None:
        building_code = _text(row.raw.get("building_code"))
        if not building_code:
            self.refuse(row, entity, key, {"building_code": _("building_code is required")})
            return None
        return self._parent(row, entity, key, self.buildings, stored, building_code.lower(), "building_code",
                            "building", building_code)

    def _stored_buildings(self, rows: list[Row]) -> dict[str, Ref]:
        return self._stored_parents(Building, {_text(row.raw.get("building_code")).lower() for row in rows},
                                    self.buildings)

    def _building_ids(self, rows: list[Row], stored: dict[str, Ref]) -> set[int]:
        ids = set()
        for row in rows:
            code = _text(row.raw.get("building_code")).lower()
            ref = self.buildings.get(code) or stored.get(code)
            if ref is not None and ref.id is not None:
                ids.add(ref.id)
        return ids

    # ------------------------------------------------------------ floors

    def _plan_floors(self, rows: list[Row]) -> None:
        buildings = self._stored_buildings(rows)
        stored: dict[tuple[int, int], Floor] = {}
        for condition in _ids_in(Floor.building_id, self._building_ids(rows, buildings)):
            for floor in db.session.execute(select(Floor).where(condition)).scalars():
                stored[(floor.building_id, floor.level)] = floor
        for row in rows:
            self._plan_floor(row, stored, buildings)
            row.raw = {}

    def _plan_floor(self, row: Row, stored: dict[tuple[int, int], Floor], buildings: dict[str, Ref]) -> None:
        key = f"{_text(row.raw.get('building_code'))} / {_text(row.raw.get('level'))}"
        raw = {name: value for name, value in row.raw.items() if name != "building_code"}
        values = self._clean(row, "floor", key, rules.clean_floor, raw)
        building = self._building(row, "floor", key, buildings) if values is not None else None
        lookup = (sys.intern(_text(row.raw.get("building_code")).lower()),  # one string for the building's floors
                  values["level"] if values else _level(row.raw.get("level")))
        if values is None or building is None:
            self._remember_refused(self.floors, lookup, row)
            return
        obj = stored.get((building.id, values["level"])) if building.id is not None else None
        slot = Slot("floor", row, obj=obj, values=values, parent_id=building.id)
        self._finish(slot, key, lookup, self.floors)

    # ------------------------------------------------------------ spaces

    def _plan_spaces(self, rows: list[Row]) -> None:
        buildings = self._stored_buildings(rows)
        stored_floors: dict[tuple[int, int], int] = {}
        for condition in _ids_in(Floor.building_id, self._building_ids(rows, buildings)):
            for floor_id, building_id, level in db.session.execute(
                select(Floor.id, Floor.building_id, Floor.level).where(condition)
            ):
                stored_floors[(building_id, level)] = floor_id
        floor_ids, keys = set(), set()
        for row in rows:
            building_code = _text(row.raw.get("building_code"))
            level = _level(row.raw.get("level"))
            keys.add(_space_key(building_code, level, _text(row.raw.get("code"))))
            floor = self.floors.get((building_code.lower(), level))
            if floor is not None:
                floor_ids.add(floor.id)
                continue
            building = self.buildings.get(building_code.lower()) or buildings.get(building_code.lower())
            if building is not None:
                floor_ids.add(stored_floors.get((building.id, level)))
        floor_ids.discard(None)
        # The stored spaces as rows of their columns, not ORM objects (a tenth of the cost, for the most numerous
        # records); the applier loads the ones it changes.
        stored: dict[tuple[int, str], Any] = {}
        columns = [Space.id, Space.floor_id, *(getattr(Space, name) for name in FIELDS["spaces"] if name != "code"),
                   Space.code]
        for condition in _ids_in(Space.floor_id, floor_ids):
            for space in db.session.execute(select(*columns).where(condition)):
                stored[(space.floor_id, space.code.lower())] = space
        if self.space_keys is None:
            self.space_keys = _SpaceKeys()
        self.spaces_seen = self.space_keys.lookup(keys)
        for row in rows:
            self._plan_space(row, buildings, stored_floors, stored)
            row.raw = {}
        self.space_keys.add(self.spaces_new)
        self.spaces_seen, self.spaces_new = {}, []

    def _plan_space(self, row: Row, buildings: dict[str, Ref], stored_floors: dict[tuple[int, int], int],
                    stored: dict[tuple[int, str], Any]) -> None:
        building_code = _text(row.raw.get("building_code"))
        level = _level(row.raw.get("level"))
        code = _text(row.raw.get("code"))
        key = f"{building_code} / {_text(row.raw.get('level'))} / {code}"
        if level is None:
            self.refuse(row, "space", key, {"level": _("level must be a whole number between %(min)s and %(max)s",
                                                       min=rules.MIN_LEVEL, max=rules.MAX_LEVEL)})
            return
        unchanged = self._stored_space(building_code, level, code, buildings, stored_floors, stored)
        if unchanged is not None and _same_text(row.raw, unchanged, FIELDS["spaces"]):
            # The line is the stored space as exported: nothing to check, nothing to write (its key still is).
            slot = Slot("space", row, obj=unchanged, values={}, parent_id=unchanged.floor_id)
            self._finish(slot, key, _space_key(building_code, level, code))
            return
        raw = {name: value for name, value in row.raw.items() if name not in ("building_code", "level")}
        values = self._clean(row, "space", key, rules.clean_space, raw)
        if values is None:
            return
        building = self._building(row, "space", key, buildings)
        if building is None:
            return
        floor = self.floors.get((building_code.lower(), level))
        if floor is not None and floor.outcome == REFUSED:
            self.refuse(row, "space", key, {"level": _("The floor on %(where)s is refused, so this line is too",
                                                       where=floor.where)})
            return
        if floor is None:
            floor_id = stored_floors.get((building.id, level)) if building.id is not None else None
            if floor_id is None:
                self.refuse(row, "space", key, {"level": _(
                    "Building %(code)s has no level %(level)s: add a line for that floor", code=building_code,
                    level=level)})
                return
            floor = Ref(UNCHANGED, row.where, floor_id)
        obj = stored.get((floor.id, code.lower())) if floor.id is not None else None
        slot = Slot("space", row, obj=obj, values=values, parent_id=floor.id)
        self._finish(slot, key, _space_key(building_code, level, code))

    def _stored_space(self, building_code: str, level: int, code: str, buildings: dict[str, Ref],
                      stored_floors: dict[tuple[int, int], int], stored: dict[tuple[int, str], Any]) -> Any:
        """The stored space a line names, when its building and floor are known and not refused (else None)."""
        building = self.buildings.get(building_code.lower()) or buildings.get(building_code.lower())
        if building is None or building.outcome == REFUSED or building.id is None:
            return None
        floor = self.floors.get((building_code.lower(), level))
        if floor is not None:
            floor_id = floor.id if floor.outcome != REFUSED else None
        else:
            floor_id = stored_floors.get((building.id, level))
        return stored.get((floor_id, code.lower())) if floor_id is not None else None

    # ------------------------------------------------------------ published figures

    def _plan_published_figures(self, rows: list[Row]) -> None:
        buildings = self._stored_buildings(rows)
        stored: dict[tuple[int, str], PublishedFigure] = {}
        for condition in _ids_in(PublishedFigure.building_id, self._building_ids(rows, buildings)):
            for record in db.session.execute(select(PublishedFigure).where(condition)).scalars():
                stored[(record.building_id, record.figure)] = record
        for row in rows:
            self._plan_published_figure(row, stored, buildings)
            row.raw = {}

    def _plan_published_figure(self, row: Row, stored: dict[tuple[int, str], PublishedFigure],
                               buildings: dict[str, Ref]) -> None:
        building_code = _text(row.raw.get("building_code"))
        key = f"{building_code} / {_text(row.raw.get('figure'))}"
        raw = {name: value for name, value in row.raw.items() if name != "building_code"}
        values = self._clean(row, "published_figure", key, rules.clean_published_figure, raw)
        if values is None:
            return
        building = self._building(row, "published_figure", key, buildings)
        if building is None:
            return
        obj = stored.get((building.id, values["figure"])) if building.id is not None else None
        slot = Slot("published_figure", row, obj=obj, values=values, parent_id=building.id)
        self._finish(slot, key, ("published_figure", building_code.lower(), values["figure"]))


def plan(passes: Iterable[Iterable[Row]], *, can_edit_sites: bool = True, can_edit_buildings: bool = True,
         write: Callable[[list[Slot]], None] | None = None) -> ImportReport:
    """The report of what the rows would do (lines in file order, sheet by sheet). The rows come in passes, each
    an iterable read as it goes, the kinds in order (sites, buildings, floors, spaces) across them; with `write`,
    each chunk's changes are written as soon as it is planned, until a line is refused."""
    planner = _Planner(can_edit_sites, can_edit_buildings, write)
    try:
        for rows in passes:
            planner.run(rows)
    finally:
        planner.close()
    report = planner.report
    report.lines.sort(key=lambda line: (KINDS.index(KIND_OF_ENTITY.get(line.entity, "sites")), _line_no(line)))
    return report


def _line_no(line: LineResult) -> int:
    digits = "".join(ch for ch in line.where.rsplit(" ", 1)[-1] if ch.isdigit())
    return int(digits) if digits else 0
