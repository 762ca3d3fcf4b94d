"""Inventory services: read models for pages and the API, and the writes behind forms, API and imports.

Services flush but never commit: the request or the command that calls them commits once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, delete, func, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from facilities.extensions import db
from facilities.inventory import published, rules
from facilities.inventory.catalogue import PUBLISHED_FIGURE_LABELS
from facilities.inventory.models import Building, Floor, PublishedFigure, Site, SiteService, Space
from facilities.inventory.published import FigureComparison
from facilities.inventory.rules import check_areas_by_use
from facilities.inventory.summary import FloorFacts, InventorySummary, SpaceGroup, summarize
from facilities.textsearch import fold, text_matches
from facilities.validation import ValidationError

# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class SiteFilters:
    q: str = ""
    commune: str = ""
    service: str = ""
    status: str = ""
    kind: str = ""

    @classmethod
    def from_args(cls, args) -> SiteFilters:
        return cls(**{name: (args.get(name) or "").strip()[:100] for name in cls.__dataclass_fields__})

    def active(self) -> dict[str, str]:
        return {name: value for name, value in self.__dict__.items() if value}


def site_query(filters: SiteFilters) -> Select:
    """Sites matching the filters, ordered by name; their services, buildings and floors (the list links them) are
    loaded with them in three more queries."""
    query = (select(Site).options(selectinload(Site.service_links),
                                  selectinload(Site.buildings).selectinload(Building.floors))
             .order_by(Site.name, Site.id))
    return filter_sites(query, filters)


def filter_sites(query: Select, filters: SiteFilters | None) -> Select:
    """A query on sites narrowed to those the filters select: the one definition of the site list's filters, which
    its exports and the portfolio report apply too."""
    if filters is None:
        return query
    if filters.q:  # code, name or commune, by index, whatever the accents and case (facilities/textsearch.py)
        query = query.where(text_matches(Site.__table__, filters.q))
    if filters.commune:
        query = query.where(or_(Site.commune_code == filters.commune, Site.commune_name == filters.commune))
    if filters.status:
        query = query.where(Site.status == filters.status)
    if filters.kind:
        query = query.where(Site.kind == filters.kind)
    if filters.service:
        query = query.where(
            Site.id.in_(select(SiteService.site_id).where(SiteService.service_code == filters.service))
        )
    return query


# The distinct communes by a loose index scan: one seek in ix_sites_commune_code_name per commune (a recursive
# query, the same on SQLite and PostgreSQL) instead of a GROUP BY over every site: 36 seeks, not 100,000 rows.
_DISTINCT_COMMUNES = text("""
WITH RECURSIVE communes(code) AS (
    SELECT min(commune_code) FROM sites
    UNION ALL
    SELECT (SELECT min(commune_code) FROM sites WHERE commune_code > communes.code)
    FROM communes WHERE communes.code IS NOT NULL
)
SELECT code, (SELECT min(commune_name) FROM sites WHERE commune_code = communes.code) AS name
FROM communes WHERE code IS NOT NULL
""")


def commune_choices() -> list[tuple[str, str]]:
    """(INSEE code, name) of the communes where sites stand, for filter menus, by name (an indexed query)."""
    rows = db.session.execute(_DISTINCT_COMMUNES)
    return sorted(((code, name or code) for code, name in rows), key=lambda choice: (fold(choice[1]), choice[0]))


def building_summaries(building_ids: list[int]) -> dict[int, tuple[InventorySummary, dict[int, InventorySummary]]]:
    """Key figures of several buildings in two queries, whatever their number of floors and spaces."""
    if not building_ids:
        return {}
    floor_rows = db.session.execute(
        select(Floor.building_id, Floor.id, Floor.level, Floor.is_public, Floor.area_m2)
        .where(Floor.building_id.in_(building_ids))
        .order_by(Floor.level)
    ).all()
    group_rows = db.session.execute(
        select(
            Floor.building_id, Space.floor_id, Space.space_type, Space.specialty, Space.is_public,
            func.count(Space.id), func.sum(Space.area_m2), func.sum(Space.workstations), func.sum(Space.pcs),
        )
        .join(Floor, Space.floor_id == Floor.id)
        .where(Floor.building_id.in_(building_ids))
        .group_by(Floor.building_id, Space.floor_id, Space.space_type, Space.specialty, Space.is_public)
    ).all()
    floors_by_building: dict[int, list[FloorFacts]] = {bid: [] for bid in building_ids}
    for building_id, floor_id, level, is_public, area in floor_rows:
        floors_by_building[building_id].append(FloorFacts(floor_id, level, is_public, area))
    groups_by_building: dict[int, list[SpaceGroup]] = {bid: [] for bid in building_ids}
    for building_id, floor_id, space_type, specialty, is_public, count, area, stations, pcs in group_rows:
        groups_by_building[building_id].append(
            SpaceGroup(floor_id, space_type, specialty, is_public, count, _decimal(area), int(stations or 0),
                       int(pcs or 0))
        )
    return {bid: summarize(floors_by_building[bid], groups_by_building[bid]) for bid in building_ids}


def _decimal(value):
    from decimal import Decimal

    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(Decimal("0.01"))


def site_of_building(building_id: int) -> int | None:
    """The site of a building (None when there is no such building): the access check of its page."""
    return db.session.scalar(select(Building.site_id).where(Building.id == building_id))


def site_of_floor(floor_id: int) -> int | None:
    """The site of a floor's building (None when there is no such floor)."""
    return db.session.scalar(select(Building.site_id).join(Floor, Floor.building_id == Building.id)
                             .where(Floor.id == floor_id))


def load_site(site_id: int) -> Site | None:
    """A site with its buildings and services."""
    return db.session.execute(
        select(Site).options(selectinload(Site.buildings), selectinload(Site.service_links)).where(Site.id == site_id)
    ).scalar_one_or_none()


def load_building(building_id: int) -> Building | None:
    """A building with its site (and the site's services) and its floors."""
    return db.session.execute(
        select(Building)
        .options(joinedload(Building.site).selectinload(Site.service_links), selectinload(Building.floors))
        .where(Building.id == building_id)
    ).scalar_one_or_none()


def load_floor(floor_id: int) -> Floor | None:
    """A floor with its building, site and spaces."""
    return db.session.execute(
        select(Floor)
        .options(joinedload(Floor.building).joinedload(Building.site), selectinload(Floor.spaces))
        .where(Floor.id == floor_id)
    ).scalar_one_or_none()


def load_space(space_id: int) -> Space | None:
    """A space with its floor, building and site."""
    return db.session.execute(
        select(Space)
        .options(joinedload(Space.floor).joinedload(Floor.building).joinedload(Building.site))
        .where(Space.id == space_id)
    ).scalar_one_or_none()


# ---------------------------------------------------------------- writing


def _assign(entity, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(entity, name, value)


def _exists(query) -> bool:
    return db.session.execute(query.limit(1)).first() is not None


def _flush_unique(check: Callable[[], None]) -> None:
    """Flush; when the database refuses a code that differs only by case from one a concurrent request saved after
    `check` passed (the unique indexes on lower(code)), roll back and answer as `check` does now that it sees that
    code: the same ValidationError as a plain duplicate, instead of an error page."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        check()
        raise


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def site_conflicts(values: dict[str, Any], site_id: int | None) -> dict[str, str]:
    """What saving these (possibly partial) values would contradict among the saved sites: {field: message}."""
    code = values.get("code")
    if code is None:
        return {}
    query = select(Site.id).where(func.lower(Site.code) == code.lower())
    if site_id is not None:
        query = query.where(Site.id != site_id)
    if _exists(query):
        return {"code": _("The code %(code)s is already used by another site", code=code)}
    return {}


def _check_site_code(code: str | None, site_id: int | None) -> None:
    _raise(site_conflicts({"code": code}, site_id))


def _set_services(site: Site, service_codes: list[str]) -> None:
    wanted = list(dict.fromkeys(service_codes))
    site.service_links = [link for link in site.service_links if link.service_code in wanted]
    present = {link.service_code for link in site.service_links}
    site.service_links.extend(SiteService(service_code=code) for code in wanted if code not in present)


def create_site(values: dict[str, Any]) -> Site:
    """Create a site from cleaned values."""
    _check_site_code(values.get("code"), None)
    values = dict(values)
    services = values.pop("services", None) or []
    site = Site(communes_served=[])
    _assign(site, values)
    _set_services(site, services)
    db.session.add(site)
    _flush_unique(lambda: _check_site_code(values.get("code"), None))
    return site


def update_site(site: Site, values: dict[str, Any]) -> Site:
    """Change a site with cleaned (possibly partial) values."""
    site_id = site.id
    _check_site_code(values.get("code"), site_id)
    values = dict(values)
    if "services" in values:
        _set_services(site, values.pop("services") or [])
    _assign(site, values)
    _flush_unique(lambda: _check_site_code(values.get("code"), site_id))
    return site


def delete_site(site: Site) -> dict[str, int]:
    """Delete a site and, explicitly, its buildings, floors and spaces; return what was removed."""
    removed = {"sites": 1, "buildings": 0, "floors": 0, "spaces": 0}
    for building in list(site.buildings):
        counts = delete_building(building)
        for key in ("buildings", "floors", "spaces"):
            removed[key] += counts[key]
    db.session.execute(delete(SiteService).where(SiteService.site_id == site.id))
    # The children are gone: forget the loaded collections so that the ORM cascade does not delete them twice.
    db.session.expire(site, ["buildings", "service_links"])
    db.session.delete(site)
    db.session.flush()
    return removed


def building_conflicts(values: dict[str, Any], building: Building | None) -> dict[str, str]:
    """What saving these (possibly partial) values on `building` (None: a new one) would contradict, among the
    saved buildings or with its saved fields: {field: message}."""
    errors: dict[str, str] = {}
    try:
        _check_building_code(values.get("code"), building.id if building is not None else None)
    except ValidationError as error:
        errors.update(error.errors)
    if building is not None and any(name in values for name in rules.AREA_FIELDS):
        after = {name: values.get(name, getattr(building, name)) for name in rules.AREA_FIELDS}
        errors.update(check_areas_by_use(after["gross_floor_area_m2"], after["tertiary_area_m2"],
                                         after["housing_area_m2"]))
    return errors


def _check_building_code(code: str | None, building_id: int | None) -> None:
    if code is None:
        return
    query = select(Building.id).where(func.lower(Building.code) == code.lower())
    if building_id is not None:
        query = query.where(Building.id != building_id)
    if _exists(query):
        raise ValidationError({"code": _("The code %(code)s is already used by another building", code=code)})


def _check_erp_override(building: Building) -> None:
    """An override keeps its reason; without an override, no reason is kept (a PATCH may touch one of them)."""
    if building.erp_category_override is None:
        building.erp_category_override_reason = None
        return
    errors: dict[str, str] = {}
    rules.check_erp_override({"erp_category_override": building.erp_category_override,
                              "erp_category_override_reason": building.erp_category_override_reason}, errors)
    if errors:
        raise ValidationError(errors)


def create_building(site: Site, values: dict[str, Any]) -> Building:
    """Create a building on a site from cleaned values."""
    _raise(building_conflicts(values, None))
    building = Building(site=site)
    _assign(building, values)
    _check_erp_override(building)
    db.session.add(building)
    _flush_unique(lambda: _check_building_code(values.get("code"), None))
    return building


def update_building(building: Building, values: dict[str, Any]) -> Building:
    """Change a building with cleaned (possibly partial) values."""
    building_id = building.id
    _raise(building_conflicts(values, building))
    _assign(building, values)
    _check_erp_override(building)
    _flush_unique(lambda: _check_building_code(values.get("code"), building_id))
    return building


def child_counts(building: Building | None = None, floor: Floor | None = None) -> dict[str, int]:
    """How many floors and spaces a delete would remove."""
    if floor is not None:
        spaces = db.session.scalar(select(func.count(Space.id)).where(Space.floor_id == floor.id))
        return {"floors": 0, "spaces": spaces or 0}
    assert building is not None
    floors = db.session.scalar(select(func.count(Floor.id)).where(Floor.building_id == building.id))
    spaces = db.session.scalar(
        select(func.count(Space.id)).join(Floor, Space.floor_id == Floor.id).where(Floor.building_id == building.id)
    )
    return {"floors": floors or 0, "spaces": spaces or 0}


def delete_building(building: Building) -> dict[str, int]:
    """Delete a building and, explicitly, its floors and spaces."""
    removed = {"buildings": 1, "floors": 0, "spaces": 0}
    for floor in list(building.floors):
        removed["spaces"] += delete_floor(floor)["spaces"]
        removed["floors"] += 1
    db.session.expire(building, ["floors"])  # already deleted: no second DELETE through the cascade
    db.session.delete(building)
    db.session.flush()
    return removed


def floor_conflicts(values: dict[str, Any], building: Building, floor_id: int | None) -> dict[str, str]:
    """What saving these (possibly partial) values on a floor of `building` would contradict: {field: message}."""
    level = values.get("level")
    if level is None:
        return {}
    query = select(Floor.id).where(Floor.building_id == building.id, Floor.level == level)
    if floor_id is not None:
        query = query.where(Floor.id != floor_id)
    if _exists(query):
        return {"level": _("Level %(level)s already exists in this building", level=level)}
    return {}


def _check_level(building: Building, level: int | None, floor_id: int | None) -> None:
    _raise(floor_conflicts({"level": level}, building, floor_id))


def create_floor(building: Building, values: dict[str, Any]) -> Floor:
    """Create a floor in a building from cleaned values."""
    _check_level(building, values.get("level"), None)
    floor = Floor(building=building)
    _assign(floor, values)
    db.session.add(floor)
    db.session.flush()
    return floor


def update_floor(floor: Floor, values: dict[str, Any]) -> Floor:
    """Change a floor with cleaned (possibly partial) values."""
    _check_level(floor.building, values.get("level"), floor.id)
    _assign(floor, values)
    db.session.flush()
    return floor


def neighbour_floors(floor: Floor) -> tuple[Floor | None, Floor | None]:
    """The floors just below and just above this one in its building (None at the bottom or the top)."""
    below = db.session.scalars(select(Floor).where(Floor.building_id == floor.building_id, Floor.level < floor.level)
                               .order_by(Floor.level.desc()).limit(1)).first()
    above = db.session.scalars(select(Floor).where(Floor.building_id == floor.building_id, Floor.level > floor.level)
                               .order_by(Floor.level).limit(1)).first()
    return below, above


def delete_floor(floor: Floor) -> dict[str, int]:
    """Delete a floor and, explicitly, its spaces."""
    # Object deletes, not one DELETE statement: the audit trail records each space from the unit of work.
    spaces = list(floor.spaces)
    for space in spaces:
        db.session.delete(space)
    db.session.flush()
    db.session.expire(floor, ["spaces"])  # already deleted: no second DELETE through the cascade
    db.session.delete(floor)
    db.session.flush()
    return {"floors": 1, "spaces": len(spaces)}


def space_conflicts(values: dict[str, Any], floor_id: int, space_id: int | None) -> dict[str, str]:
    """What saving these (possibly partial) values on a space of the floor would contradict: {field: message}."""
    code = values.get("code")
    if code is None:
        return {}
    query = select(Space.id).where(Space.floor_id == floor_id, func.lower(Space.code) == code.lower())
    if space_id is not None:
        query = query.where(Space.id != space_id)
    if _exists(query):
        return {"code": _("The code %(code)s is already used on this floor", code=code)}
    return {}


def _check_space_code(floor_id: int, code: str | None, space_id: int | None) -> None:
    _raise(space_conflicts({"code": code}, floor_id, space_id))


def create_space(floor: Floor, values: dict[str, Any]) -> Space:
    """Create a space on a floor from cleaned values."""
    floor_id = floor.id
    _check_space_code(floor_id, values.get("code"), None)
    space = Space(floor=floor)
    _assign(space, values)
    db.session.add(space)
    _flush_unique(lambda: _check_space_code(floor_id, values.get("code"), None))
    return space


def update_space(space: Space, values: dict[str, Any]) -> Space:
    """Change a space with cleaned (possibly partial) values."""
    floor_id, space_id = space.floor_id, space.id
    _check_space_code(floor_id, values.get("code"), space_id)
    _assign(space, values)
    _flush_unique(lambda: _check_space_code(floor_id, values.get("code"), space_id))
    return space


def delete_space(space: Space) -> None:
    """Delete one space."""
    db.session.delete(space)
    db.session.flush()


# ---------------------------------------------------------------- published figures


def published_figure_conflicts(values: dict[str, Any], building: Building, record_id: int | None) -> dict[str, str]:
    """A figure is published once per building: {field: message} when another record already holds it."""
    figure = values.get("figure")
    if figure is None:
        return {}
    query = select(PublishedFigure.id).where(PublishedFigure.building_id == building.id,
                                             PublishedFigure.figure == figure)
    if record_id is not None:
        query = query.where(PublishedFigure.id != record_id)
    if _exists(query):
        return {"figure": _("This building already has a published value of %(figure)s: change that one",
                            figure=str(PUBLISHED_FIGURE_LABELS.get(figure, figure)).lower())}
    return {}


def create_published_figure(building: Building, values: dict[str, Any]) -> PublishedFigure:
    """Record a figure a source document publishes about a building, from cleaned values."""
    _raise(published_figure_conflicts(values, building, None))
    record = PublishedFigure(building=building, **values)
    db.session.add(record)
    db.session.flush()
    return record


def update_published_figure(record: PublishedFigure, values: dict[str, Any]) -> PublishedFigure:
    """Change a published figure with cleaned (possibly partial) values."""
    _raise(published_figure_conflicts(values, record.building, record.id))
    _assign(record, values)
    db.session.flush()
    return record


def delete_published_figure(record: PublishedFigure) -> None:
    """Delete one published figure."""
    db.session.delete(record)
    db.session.flush()


def published_comparisons(buildings: list[Building]) -> dict[int, list[FigureComparison]]:
    """The published figures of these buildings beside what their inventories record (three queries), by building
    id; buildings without a published figure are left out."""
    rows = db.session.scalars(select(PublishedFigure).where(PublishedFigure.building_id.in_([b.id for b in buildings]))
                              ).all() if buildings else []
    by_building: dict[int, list[PublishedFigure]] = {}
    for row in rows:
        by_building.setdefault(row.building_id, []).append(row)
    summaries = building_summaries(list(by_building))
    return {building.id: published.compare(by_building[building.id], published.recorded_figures(
                summaries[building.id][0], building.gross_floor_area_m2, building.cost_cents))
            for building in buildings if building.id in by_building}


def contradicted_buildings() -> list[tuple[Building, list[FigureComparison]]]:
    """The buildings whose inventory contradicts a figure published about them, with those figures, by code."""
    buildings = db.session.scalars(select(Building).where(Building.id.in_(select(PublishedFigure.building_id)))
                                   .order_by(Building.code)).all()
    comparisons = published_comparisons(list(buildings))
    found = [(building, published.contradictions(comparisons.get(building.id, []))) for building in buildings]
    return [(building, wrong) for building, wrong in found if wrong]
