"""Applying a planned import: the slots of a chunk of the plan written through the inventory services, new spaces
in bulk. The planner calls `apply` once per chunk, in the caller's one transaction."""

from __future__ import annotations

from sqlalchemy import insert, select

from facilities.extensions import db
from facilities.inventory import services
from facilities.inventory.bulk_plan import CREATE, UNCHANGED, Slot
from facilities.inventory.models import Building, Floor, Site, Space
from facilities.trail.recorder import record_inserted

PARENTS = {"building": Site, "floor": Building, "space": Floor, "published_figure": Building}


def _load_parents(slots: list[Slot]) -> None:
    """Each slot's parent record (and a moved building's new site), one IN query per kind of parent."""
    wanted: dict[type, set[int]] = {}
    for slot in slots:
        if slot.entity in PARENTS and slot.outcome == CREATE:
            wanted.setdefault(PARENTS[slot.entity], set()).add(slot.parent_id)
        if "site" in slot.changed:
            wanted.setdefault(Site, set()).add(slot.changed["site"].id)
    loaded: dict[type, dict[int, object]] = {}
    for model, ids in wanted.items():
        if None in ids:
            raise ValueError("a parent to write has no id: it was not written")
        ordered = sorted(ids)
        loaded[model] = {record.id: record for start in range(0, len(ordered), 500) for record in db.session.execute(
            select(model).where(model.id.in_(ordered[start:start + 500]))).scalars()}
    changed_spaces = sorted(slot.obj.id for slot in slots if slot.entity == "space" and slot.obj is not None)
    spaces = {space.id: space for start in range(0, len(changed_spaces), 500) for space in db.session.execute(
        select(Space).where(Space.id.in_(changed_spaces[start:start + 500]))).scalars()}
    for slot in slots:
        if slot.entity == "space" and slot.obj is not None:  # planned from a row of columns: now the record
            slot.obj = spaces[slot.obj.id]
        if slot.entity in PARENTS and slot.outcome == CREATE:
            slot.parent = loaded[PARENTS[slot.entity]][slot.parent_id]
        if "site" in slot.changed:
            slot.changed["site"] = loaded[Site][slot.changed["site"].id]


def apply(slots: list[Slot]) -> None:
    """Write the planned changes of a chunk through the services; spaces are batched (see below)."""
    _load_parents(slots)
    new_spaces: list[Slot] = []
    for slot in slots:
        if slot.outcome == UNCHANGED:
            continue
        values = slot.values if slot.outcome == CREATE else dict(slot.changed)
        if slot.entity == "site":
            slot.obj = services.create_site(values) if slot.obj is None else services.update_site(slot.obj, values)
        elif slot.entity == "building":
            if slot.obj is None:
                slot.obj = services.create_building(slot.parent, values)
            else:
                services.update_building(slot.obj, values)
        elif slot.entity == "floor":
            if slot.obj is None:
                slot.obj = services.create_floor(slot.parent, values)
            else:
                services.update_floor(slot.obj, values)
        elif slot.entity == "published_figure":
            if slot.obj is None:
                slot.obj = services.create_published_figure(slot.parent, values)
            else:
                services.update_published_figure(slot.obj, values)
        else:
            # The space service checks the code with one query and flushes each time; for a file of 100,000
            # spaces that is a query and a flush per line. The planner has already checked the same rule
            # (code unique on its floor, case-insensitive) against every space of the building, so spaces are
            # changed here and flushed once at the end, and new ones inserted together below.
            if slot.obj is None:
                new_spaces.append(slot)
            else:
                for name, value in values.items():
                    setattr(slot.obj, name, value)
    db.session.flush()
    _insert_spaces(new_spaces)


def _insert_spaces(slots: list[Slot]) -> None:
    """Create the new spaces with multi-row INSERT ... RETURNING statements, and their audit entries.

    Through the unit of work each new Space costs ~0.3 ms of ORM bookkeeping (30 s for 100,000); the rows
    carry the same cleaned values, with the column defaults the ORM would have applied.
    """
    if not slots:
        return
    defaults = {column.key: column.default.arg for column in Space.__table__.columns
                if column.default is not None and column.default.is_scalar}
    rows = [{**defaults, **slot.values, "floor_id": slot.parent.id} for slot in slots]
    # A plain executemany: with RETURNING in parameter order SQLAlchemy falls back to one statement a row on
    # SQLite. The ids are read back by (floor, code), which the planner has checked to be unique.
    db.session.execute(insert(Space.__table__), rows)
    floor_ids = sorted({row["floor_id"] for row in rows})
    ids: dict[tuple[int, str], int] = {}
    for start in range(0, len(floor_ids), 500):
        for space_id, floor_id, code in db.session.execute(
            select(Space.id, Space.floor_id, Space.code).where(Space.floor_id.in_(floor_ids[start:start + 500]))
        ):
            ids[(floor_id, code.lower())] = space_id
    for row in rows:
        row["id"] = ids[(row["floor_id"], row["code"].lower())]
    record_inserted(Space, rows, [slot.parent.building_id for slot in slots])
