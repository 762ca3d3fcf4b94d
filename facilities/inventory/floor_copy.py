"""Copying a floor's layout onto other levels of its building: new levels, or existing floors merged or replaced.

A copy is planned first (what each target level gains, changes and loses, and the areas that result) and the
plan is shown as a preview; applying it does exactly what the preview said, in one transaction. Spaces are
matched by their code renumbered to the target level ("2.05" copied to level 3 is "3.05"): a replaced floor
keeps the records of the spaces it shares with the source (their history and the records that point to them),
updated in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from facilities.extensions import db
from facilities.inventory.models import Floor, Space
from facilities.validation import ValidationError

#: How a copy treats a target level that already has a floor.
COPY_MODE_LABELS = {
    "new": _l("New levels only (an existing level is refused)"),
    "merge": _l("Merge: add the spaces an existing floor lacks, keep the others as they are"),
    "replace": _l("Replace: the existing floor gets this layout (spaces it lacks are added, spaces with the same "
                  "code updated, the others deleted)"),
}
#: What a copied space carries from its source.
COPIED_FIELDS = ("name", "space_type", "area_m2", "is_public", "step_free", "workstations", "pcs", "specialty",
                 "equipment")


def renumber(code: str, source_level: int, target_level: int) -> str:
    """'2.05' copied from level 2 to level 3 becomes '3.05'; codes without the level prefix stay as they are."""
    match = re.match(rf"^(R\+|L)?{source_level}(?=\D)", code)
    if not match:
        return code
    return f"{match.group(1) or ''}{target_level}{code[match.end():]}"


def default_floor_name(level: int) -> str:
    """French usage: RDC for the ground floor, R+n above, R-n below."""
    if level == 0:
        return "RDC"
    return f"R+{level}" if level > 0 else f"R{level}"


@dataclass
class LevelPlan:
    """What copying does to one target level."""

    level: int
    name: str
    floor: Floor | None  # None: the floor is created
    add: list[str] = field(default_factory=list)
    update: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)
    usable_before_m2: Decimal = Decimal(0)
    usable_after_m2: Decimal = Decimal(0)


@dataclass
class CopyPlan:
    source: Floor
    mode: str
    levels: list[LevelPlan]
    gross_floor_area_m2: Decimal | None
    building_usable_before_m2: Decimal
    building_usable_after_m2: Decimal

    @property
    def over_gross(self) -> bool:
        """Whether the building's spaces would add up to more than its gross floor area after the copy."""
        return self.gross_floor_area_m2 is not None and self.building_usable_after_m2 > self.gross_floor_area_m2


def _area(spaces) -> Decimal:
    return sum((Decimal(space.area_m2 or 0) for space in spaces), Decimal(0))


def plan_copy(source: Floor, levels: list[int], mode: str) -> CopyPlan:
    """What copying `source` onto `levels` in `mode` would do; raises ValidationError when it may not be done."""
    if mode not in COPY_MODE_LABELS:
        raise ValidationError({"mode": _("Choose how existing floors are treated")})
    building = source.building
    existing = {floor.level: floor for floor in db.session.scalars(
        select(Floor).where(Floor.building_id == building.id, Floor.level.in_(levels)))}
    errors = {}
    for level in levels:
        if level == source.level:
            errors["levels"] = _("Level %(level)s is the floor being copied", level=level)
        elif level in existing and mode == "new":
            errors["levels"] = _("Level %(level)s already exists in this building: choose merge or replace to copy "
                                 "onto it", level=level)
    if errors:
        raise ValidationError(errors)
    plans = []
    for level in levels:
        target = existing.get(level)
        copied = {renumber(space.code, source.level, level): space for space in source.spaces}
        plan = LevelPlan(level, target.name if target else default_floor_name(level), target)
        current = {space.code: space for space in (target.spaces if target else [])}
        plan.usable_before_m2 = _area(current.values())
        for code in copied:
            if code not in current:
                plan.add.append(code)
            elif mode == "replace":
                plan.update.append(code)
            else:
                plan.keep.append(code)
        for code in current:
            if code not in copied:
                (plan.remove if mode == "replace" else plan.keep).append(code)
        after = [copied[code] for code in plan.add + plan.update]
        after += [current[code] for code in plan.keep]
        plan.usable_after_m2 = _area(after)
        plans.append(plan)
    before = _area(space for floor in building.floors for space in floor.spaces)
    after = before + sum((plan.usable_after_m2 - plan.usable_before_m2 for plan in plans), Decimal(0))
    return CopyPlan(source, mode, plans, building.gross_floor_area_m2, before, after)


def apply_copy(plan: CopyPlan) -> list[Floor]:
    """Do what the plan says: create the new floors, add, update and delete spaces; returns the target floors."""
    source = plan.source
    targets = []
    for level_plan in plan.levels:
        floor = level_plan.floor
        if floor is None:
            floor = Floor(building=source.building, level=level_plan.level, name=level_plan.name,
                          area_m2=source.area_m2, is_public=source.is_public)
            db.session.add(floor)
        elif plan.mode == "replace":
            floor.area_m2, floor.is_public = source.area_m2, source.is_public
        copied = {renumber(space.code, source.level, level_plan.level): space for space in source.spaces}
        current = {space.code: space for space in floor.spaces}
        for code in level_plan.remove:
            db.session.delete(current[code])
        db.session.flush()  # a deleted code is free before a space takes it
        for code in level_plan.update:
            for name in COPIED_FIELDS:
                setattr(current[code], name, getattr(copied[code], name))
        for code in level_plan.add:
            floor.spaces.append(Space(code=code, **{name: getattr(copied[code], name) for name in COPIED_FIELDS}))
        targets.append(floor)
    db.session.flush()
    return targets
