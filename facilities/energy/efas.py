"""EFAs (entités fonctionnelles assujetties): the units declared on OPERAT. Rules, writes and the figures of
each EFA, for the pages, the API and the OPERAT export.

An EFA belongs to one site and groups buildings of that site, whole or in part (a part names its tertiary
area), under one activity category. Every subject building belongs to an EFA: the application proposes one EFA
per building, which a user may merge. The yearly consumption of an EFA is that of its parts
(`efa_figures`: pro rata of floor area). Services flush, never commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from facilities import years
from facilities.energy.efa_figures import PartData, efa_area, efa_reference, efa_year
from facilities.energy.models import Efa, EfaPart
from facilities.energy.services import BuildingEnergy, load_building_energy, reference_data
from facilities.energy.tertiaire import ReferenceYear
from facilities.extensions import db
from facilities.inventory.catalogue import ACTIVITY_CATEGORY_LABELS, codes
from facilities.inventory.models import Building, Site
from facilities.inventory.rules import MAX_AREA_M2
from facilities.validation import MAX_ID, Rule, ValidationError, clean, format_area, merge_errors, year_rule

EFA_RULES = (
    Rule("label", "text", _l("Label"), required=True, max_length=200),
    Rule("activity_category", "choice", _l("Activity category"), required=True,
         choices=lambda: codes(ACTIVITY_CATEGORY_LABELS)),
    year_rule("reference_year", _l("Reference year"), years.CONSUMPTION),
)
# A part: a building of the EFA's site and, for a part of it, its tertiary area (empty: the whole tertiary area).
PART_RULES = (
    Rule("building_id", "int", _l("Building"), required=True, minimum=1, maximum=MAX_ID),
    Rule("tertiary_area_m2", "decimal", _l("Tertiary floor area of the part"), minimum=Decimal(0),
         exclusive_minimum=True, maximum=MAX_AREA_M2, places=2, unit="m²"),
)
MAX_PARTS = 200  # far more buildings than one site has


# ------------------------------------------------------------------------------------------- checks


def _tertiary(building: Building) -> Decimal | None:
    return building.effective_tertiary_area_m2


def _clean_parts(raw_parts: Any, site: Site, efa_id: int | None) -> list[dict]:
    """Typed parts: buildings of the site, each once, each part within its building's tertiary area, and
    with the other EFAs' parts of the same building, no more than that area."""
    if not isinstance(raw_parts, list) or not raw_parts:
        raise ValidationError({"parts": _("Give at least one building of the site.")})
    if len(raw_parts) > MAX_PARTS:
        raise ValidationError({"parts": _("At most %(n)s parts.", n=MAX_PARTS)})
    parts: list[dict] = []
    for index, raw in enumerate(raw_parts):
        if not isinstance(raw, dict):
            raise ValidationError({f"parts[{index}]": _("A part is an object {building_id, tertiary_area_m2}.")})
        try:
            parts.append(clean(PART_RULES, raw))
        except ValidationError as error:
            raise ValidationError({f"parts[{index}].{k}": v for k, v in error.errors.items()}) from None
    ids = [p["building_id"] for p in parts]
    buildings = {b.id: b for b in db.session.execute(select(Building).where(Building.id.in_(ids))).scalars()}
    others: dict[int, list[tuple[Efa, EfaPart]]] = defaultdict(list)
    query = select(EfaPart, Efa).join(Efa, EfaPart.efa_id == Efa.id).where(EfaPart.building_id.in_(ids))
    if efa_id is not None:
        query = query.where(Efa.id != efa_id)
    for part, efa in db.session.execute(query):
        others[part.building_id].append((efa, part))
    seen: set[int] = set()
    for index, part in enumerate(parts):
        field = f"parts[{index}].building_id"
        building = buildings.get(part["building_id"])
        if building is None:
            raise ValidationError({field: _("No building with id %(id)s.", id=part["building_id"])})
        if building.site_id != site.id:
            raise ValidationError({field: _(
                "Building %(code)s stands on another site: an EFA groups buildings of its own site (%(site)s).",
                code=building.code, site=site.code)})
        if building.id in seen:
            raise ValidationError({field: _("Building %(code)s is named twice.", code=building.code)})
        seen.add(building.id)
        _check_part_area(index, part, building, others[building.id])
    return parts


def _check_part_area(index: int, part: dict, building: Building, others: list[tuple[Efa, EfaPart]]) -> None:
    field = f"parts[{index}].tertiary_area_m2"
    tertiary = _tertiary(building)
    area = part["tertiary_area_m2"]
    if area is not None and tertiary is not None and area > tertiary:
        raise ValidationError({field: _(
            "The part of building %(code)s (%(area)s m²) is larger than its tertiary floor area (%(tertiary)s m²).",
            code=building.code, area=format_area(area), tertiary=format_area(tertiary))})
    whole = next((efa for efa, other in others if other.tertiary_area_m2 is None), None)
    if whole is not None or (area is None and others):
        efa = whole or others[0][0]
        raise ValidationError({field: _(
            "Building %(code)s is already in EFA “%(label)s”: give each EFA the tertiary area of its part.",
            code=building.code, label=efa.label)})
    if area is not None and tertiary is not None:
        taken = sum((other.tertiary_area_m2 for _efa, other in others), Decimal(0))
        if taken + area > tertiary:
            raise ValidationError({field: _(
                "Building %(code)s has %(tertiary)s m² of tertiary floor area; other EFAs already hold "
                "%(taken)s m² of it, so this part may have at most %(left)s m².", code=building.code,
                tertiary=format_area(tertiary), taken=format_area(taken), left=format_area(tertiary - taken))})


def _check_reference_year(year: int | None, parts: list[dict], today: date | None = None) -> None:
    """The reference year must lie in the window in force and be complete for the EFA (every part's building
    has consumption that year)."""
    if year is None:
        return
    rule = reference_data().tertiaire_rule(today or date.today())
    if not rule.reference_first_year <= year <= rule.reference_last_year:
        raise ValidationError({"reference_year": _(
            "The reference year must be between %(first)s and %(last)s.",
            first=rule.reference_first_year, last=rule.reference_last_year)})
    loaded = load_building_energy([p["building_id"] for p in parts])
    missing = [loaded[p["building_id"]].code for p in parts if not loaded[p["building_id"]].kwh.get(year)]
    if missing:
        raise ValidationError({"reference_year": _(
            "%(year)s is not a complete year of this EFA: no consumption for %(codes)s.", year=year,
            codes=", ".join(missing))})


def clean_efa(raw: dict, site: Site, efa: Efa | None = None, *, partial: bool = False,
              today: date | None = None) -> dict:
    """Typed values of an EFA (label, activity category, reference year, parts) or ValidationError: the same
    checks for the form and the API."""
    try:  # every error at once: the parts are judged even when a field is refused
        values, errors = clean(EFA_RULES, raw, partial=partial), {}
    except ValidationError as error:
        values, errors = error.values, dict(error.errors)
    try:
        if "parts" in raw or not partial:
            values["parts"] = _clean_parts(raw.get("parts"), site, efa.id if efa is not None else None)
        if ("reference_year" in values or "parts" in values) and "reference_year" not in errors:
            parts = values.get("parts") or [
                {"building_id": p.building_id, "tertiary_area_m2": p.tertiary_area_m2} for p in efa.parts]
            year = values.get("reference_year", efa.reference_year if efa is not None else None)
            _check_reference_year(year, parts, today)
    except ValidationError as error:
        merge_errors(errors, error.errors)
    if errors:
        raise ValidationError(errors, values)
    return values


# ------------------------------------------------------------------------------------------- writes


def _set_parts(efa: Efa, parts: list[dict]) -> None:
    wanted = {p["building_id"]: p["tertiary_area_m2"] for p in parts}
    efa.parts = [p for p in efa.parts if p.building_id in wanted]
    present = {p.building_id: p for p in efa.parts}
    for building_id, area in wanted.items():
        if building_id in present:
            if present[building_id].tertiary_area_m2 != area:
                present[building_id].tertiary_area_m2 = area
        else:
            efa.parts.append(EfaPart(building_id=building_id, tertiary_area_m2=area))


def create_efa(site: Site, values: dict) -> Efa:
    """Create an EFA on a site from cleaned values."""
    efa = Efa(site_id=site.id, label=values["label"], activity_category=str(values["activity_category"]),
              reference_year=values.get("reference_year"))
    _set_parts(efa, values["parts"])
    db.session.add(efa)
    db.session.flush()
    return efa


def update_efa(efa: Efa, values: dict) -> Efa:
    """Change an EFA with cleaned (possibly partial) values."""
    for name in ("label", "activity_category", "reference_year"):
        if name in values:
            value = values[name]
            setattr(efa, name, str(value) if name == "activity_category" and value is not None else value)
    if "parts" in values:
        _set_parts(efa, values["parts"])
    db.session.flush()
    return efa


def delete_efa(efa: Efa) -> None:
    """Delete an EFA (its buildings stay; the subject ones are then proposed again)."""
    db.session.delete(efa)
    db.session.flush()


def merge_efas(target: Efa, others: Iterable[Efa]) -> Efa:
    """Move the parts of `others` (EFAs of the same site) into `target` and delete them. A building in both
    keeps its parts added up (or whole, when either was whole). The merged EFA's reference year is cleared:
    it is chosen again for the new unit."""
    others = [o for o in others if o.id != target.id]
    if not others:
        raise ValidationError({"others": _("Choose at least one other EFA to merge.")})
    if any(o.site_id != target.site_id for o in others):
        raise ValidationError({"others": _("Only EFAs of the same site can be merged.")})
    areas = {p.building_id: p.tertiary_area_m2 for p in target.parts}
    for other in others:
        for part in other.parts:
            if part.building_id in areas:
                mine = areas[part.building_id]
                areas[part.building_id] = None if mine is None or part.tertiary_area_m2 is None else (
                    mine + part.tertiary_area_m2)
            else:
                areas[part.building_id] = part.tertiary_area_m2
        db.session.delete(other)
    db.session.flush()
    _set_parts(target, [{"building_id": b, "tertiary_area_m2": a} for b, a in areas.items()])
    target.reference_year = None
    db.session.flush()
    return target


def propose_efas(site_ids: Iterable[int] | None = None) -> list[Efa]:
    """One EFA per building that has tertiary area and belongs to no EFA yet (all sites, or those given):
    labelled after the building, with its activity category (offices when not stated), the whole building."""
    query = select(Building).where(~Building.id.in_(select(EfaPart.building_id))).order_by(Building.code)
    if site_ids is not None:
        query = query.where(Building.site_id.in_(list(site_ids)))
    created = []
    for building in db.session.execute(query).scalars():
        tertiary = _tertiary(building)
        if not tertiary:
            continue
        efa = Efa(site_id=building.site_id, label=building.name,
                  activity_category=building.activity_category or "offices")
        efa.parts.append(EfaPart(building_id=building.id, tertiary_area_m2=None))
        db.session.add(efa)
        created.append(efa)
    db.session.flush()
    return created


# ------------------------------------------------------------------------------------------- reading


def site_efas(site_id: int) -> list[Efa]:
    """The EFAs of a site with their parts, by label."""
    return list(db.session.execute(
        select(Efa).options(selectinload(Efa.parts)).where(Efa.site_id == site_id).order_by(Efa.label, Efa.id)
    ).scalars())


def building_efas(building_id: int) -> list[Efa]:
    """The EFAs a building belongs to (whole or in part)."""
    return list(db.session.execute(
        select(Efa).join(EfaPart, EfaPart.efa_id == Efa.id).where(EfaPart.building_id == building_id)
        .order_by(Efa.label, Efa.id)).scalars())


def all_efas() -> list[Efa]:
    """Every EFA with its parts, by site then label."""
    return list(db.session.execute(
        select(Efa).options(selectinload(Efa.parts)).order_by(Efa.site_id, Efa.label, Efa.id)).scalars())


@dataclass
class EfaFigures:
    """What the pages, the API and the OPERAT export show of one EFA."""

    efa: Efa
    parts: list[PartData]
    loaded: dict[int, BuildingEnergy]
    area_m2: Decimal | None
    subject: bool
    reference: ReferenceYear | None
    reference_error: str | None

    def year(self, year: int):
        return efa_year(self.parts, year)


def _part_data(part: EfaPart, item: BuildingEnergy) -> PartData:
    return PartData(part.building_id, item.code, part.tertiary_area_m2, item.tertiary(), item.gross_floor_area_m2,
                    item.kwh, item.years)


def efa_figures(efas: list[Efa], today: date | None = None) -> list[EfaFigures]:
    """The figures of several EFAs, from their buildings' data loaded in bulk."""
    ref = reference_data()
    loaded = load_building_energy({p.building_id for efa in efas for p in efa.parts})
    result = []
    for efa in efas:
        parts = [_part_data(p, loaded[p.building_id]) for p in efa.parts if p.building_id in loaded]
        items = {p.building_id: loaded[p.building_id] for p in efa.parts if p.building_id in loaded}
        scale = next(iter(items.values())).settings.scale_code if items else "tertiary_office"
        reference, error = efa_reference(parts, scale, ref, efa.reference_year, today=today)
        subject = any(item.subject(ref, today).subject for item in items.values())
        result.append(EfaFigures(efa, parts, items, efa_area(parts), subject, reference, error))
    return result


def unassigned_subject_buildings(site_id: int | None = None, today: date | None = None) -> list[BuildingEnergy]:
    """The subject buildings that belong to no EFA (of a site, or of the whole portfolio)."""
    ref = reference_data()
    assigned = set(db.session.execute(select(EfaPart.building_id)).scalars())
    query = select(Building.id).where(~Building.id.in_(assigned)) if assigned else select(Building.id)
    if site_id is not None:
        query = query.where(Building.site_id == site_id)
    ids = list(db.session.execute(query).scalars())
    return [item for item in load_building_energy(ids).values() if item.subject(ref, today).subject]
