"""JSON API v1 for the inventory: sites, buildings, floors and spaces (list, read, create, PATCH, delete).

The same rules (facilities.inventory.rules) and services validate and write as the HTML forms; the OpenAPI
description of each request body is generated from those rules.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from facilities.api.common import (
    CONFIRM_PARAMETER,
    ID_SCHEMA,
    PAGE_PARAMETERS,
    child_conflict,
    choice_arg,
    confirmed,
    get_or_404,
    id_arg,
    json_object,
    paginated,
    referenced,
    register_api_error_handlers,
    rule_args,
    rule_parameters,
    sort_parameter,
    sorted_query,
    text_arg,
    versioned,
)
from facilities.api.openapi import (
    ApiBlueprint,
    described,
    field_names,
    given_with,
    json_body,
    only_with,
    rule_schema,
    rules_schema,
    together,
)
from facilities.api.schemas import ok, page_of
from facilities.extensions import db
from facilities.inventory import erp, rules, serializers, services
from facilities.inventory.catalogue import SPACE_TYPE_LABELS, codes
from facilities.inventory.models import Building, Floor, PublishedFigure, Site, Space
from facilities.inventory.serializers import (
    BUILDING_DETAIL,
    BUILDING_SUMMARY,
    FLOOR,
    SITE_DETAIL,
    SITE_SUMMARY,
    SPACE,
)
from facilities.money import money_json
from facilities.permissions import Permission, requires
from facilities.validation import judged

bp = ApiBlueprint("api", __name__, description="Sites, buildings, floors and spaces of the portfolio.")
register_api_error_handlers(bp)

def _created(payload: dict):
    return payload, 201


def _building_detail(building_id: int) -> dict:
    building = services.load_building(building_id)
    summary, _per_floor = services.building_summaries([building.id])[building.id]
    return serializers.building_detail(building, summary, erp.building_category(building))


def _space_detail(space: Space) -> dict:
    return {**serializers.space_record(space, space.floor.level), "floor_id": space.floor_id}


def _floor_detail(floor: Floor) -> dict:
    return {**serializers.floor_record(floor), "building_id": floor.building_id}


def _building_summary(building: Building) -> dict:
    return {"id": building.id, "code": building.code, "name": building.name, "site_id": building.site_id,
            "year_built": building.year_built,
            "gross_floor_area_m2": serializers.number(building.gross_floor_area_m2),
            "tertiary_area_m2": serializers.number(building.tertiary_area_m2),
            "housing_area_m2": serializers.number(building.housing_area_m2),
            "activity_category": building.activity_category,
            "cost_eur": money_json(building.cost_cents)}


# ---------------------------------------------------------------- sites

SITE_SORT = {"name": Site.name, "code": Site.code, "status": Site.status, "commune_name": Site.commune_name,
             "id": Site.id}
SITE_FILTERS = rule_parameters(rules.SITE_FILTER_RULES)
_INSEE = {"type": "string", "pattern": rf"^\s*(?:{rules.INSEE_FORMAT})\s*$"}
# The communes a site serves: the rule's text (one commune a line, or separated by ';') or a list of entries.
COMMUNES_SERVED = described({
    "anyOf": [
        rule_schema(next(rule for rule in rules.SITE_RULES if rule.name == "communes_served")),
        {"type": "array", "items": {"anyOf": [
            {"type": "string", "pattern": rf"^\s*(?:(?:{rules.INSEE_FORMAT})(?:\s*| [^\x00]*))?$",
             "description": "An INSEE code, then optionally a space and the commune's name."},
            {"type": "object", "required": ["code"], "additionalProperties": False, "properties": {
                "code": _INSEE, "name": {"type": "string", "nullable": True, "pattern": "^[^\\x00]*$"}}},
        ]}},
    ],
    "nullable": True,
    "description": "INSEE code (5 characters, 2A/2B in Corsica) and optionally the name of each commune: text, one a "
                   "line or separated by ';' (\"92004 Asnières-sur-Seine; 92036\"), or a list of such entries or of "
                   "{code, name} objects.",
})
SITE_INPUT = rules_schema("SiteInput", rules.SITE_RULES, extra={"communes_served": COMMUNES_SERVED},
                          ties=[together(rules.LOCATION_FIELDS)])
SITE_PATCH = rules_schema("SitePatch", rules.SITE_RULES, partial=True, extra={"communes_served": COMMUNES_SERVED})


@bp.route("/sites", methods=["GET"])
@bp.doc(summary="List sites", parameters=[*SITE_FILTERS, *PAGE_PARAMETERS, sort_parameter(SITE_SORT)],
        responses={"200": ok(page_of(SITE_SUMMARY))})
@requires(Permission.READ)
def sites():
    """Sites matching the filters (q, commune, service, status, kind), sorted and paginated."""
    filters = rule_args(rules.SITE_FILTER_RULES)
    query = services.site_query(services.SiteFilters(**{name: value or "" for name, value in filters.items()}))
    return paginated(sorted_query(query, SITE_SORT, "name", Site.id), serializers.site_summary)


@bp.route("/sites", methods=["POST"])
@bp.doc(summary="Create a site", requestBody=json_body(SITE_INPUT),
        responses={"201": ok(SITE_DETAIL, "Created")})
@versioned(Site)
@requires(Permission.EDIT_SITES)
def create_site():
    """Create a site."""
    site = services.create_site(judged(rules.clean_site, json_object(field_names(SITE_INPUT)),
                                       lambda values: services.site_conflicts(values, None)))
    return _created(serializers.site_detail(services.load_site(site.id)))


@bp.route("/sites/<int:site_id>", methods=["GET"])
@bp.doc(summary="Read a site", responses={"200": ok(SITE_DETAIL)})
@versioned(Site, "site_id")
@requires(Permission.READ)
def site(site_id: int):
    """One site with its buildings and services."""
    get_or_404(Site, site_id)
    return serializers.site_detail(services.load_site(site_id))


@bp.route("/sites/<int:site_id>", methods=["PATCH"])
@bp.doc(summary="Change a site", requestBody=json_body(SITE_PATCH), responses={"200": ok(SITE_DETAIL)})
@versioned(Site, "site_id")
@requires(Permission.EDIT_SITES)
def update_site(site_id: int):
    """Change some fields of a site."""
    found = services.load_site(get_or_404(Site, site_id).id)
    services.update_site(found, judged(lambda raw: rules.clean_site(raw, partial=True),
                                      json_object(field_names(SITE_PATCH)),
                                      lambda values: services.site_conflicts(values, found.id)))
    return serializers.site_detail(services.load_site(site_id))


@bp.route("/sites/<int:site_id>", methods=["DELETE"])
@bp.doc(summary="Delete a site", parameters=[CONFIRM_PARAMETER],
        responses={"204": {"description": "Deleted"}})
@versioned(Site, "site_id")
@requires(Permission.EDIT_SITES)
def delete_site(site_id: int):
    """Delete a site; with buildings, only with ?confirm=true (they go with it)."""
    found = services.load_site(get_or_404(Site, site_id).id)
    if found.buildings and not confirmed():
        return child_conflict({"buildings": len(found.buildings)})
    services.delete_site(found)
    return "", 204


# ---------------------------------------------------------------- buildings

BUILDING_SORT = {"code": Building.code, "name": Building.name, "id": Building.id}
_ERP_OVERRIDE, _ERP_REASON = rules.ERP_OVERRIDE_FIELDS
ERP_OVERRIDE_TIE = given_with(_ERP_OVERRIDE, "integer", next(r for r in rules.BUILDING_RULES if r.name == _ERP_REASON))
BUILDING_INPUT = rules_schema("BuildingInput", rules.BUILDING_RULES, extra={"site_id": ID_SCHEMA},
                              required_extra=["site_id"], ties=[ERP_OVERRIDE_TIE])
BUILDING_PATCH = rules_schema("BuildingPatch", rules.BUILDING_RULES, partial=True, ties=[ERP_OVERRIDE_TIE])


@bp.route("/buildings", methods=["GET"])
@bp.doc(summary="List buildings", parameters=[
    {"in": "query", "name": "site_id", "schema": ID_SCHEMA},
    {"in": "query", "name": "q", "schema": {"type": "string", "maxLength": 100}},
    *PAGE_PARAMETERS, sort_parameter(BUILDING_SORT)],
    responses={"200": ok(page_of(BUILDING_SUMMARY))})
@requires(Permission.READ)
def buildings():
    """Buildings, optionally of one site or matching a name or code."""
    query = select(Building)
    site_id = id_arg("site_id")
    if site_id is not None:
        query = query.where(Building.site_id == site_id)
    text = text_arg("q").lower()
    if text:
        query = query.where(or_(func.lower(Building.name).like(f"%{text}%"),
                                func.lower(Building.code).like(f"%{text}%")))
    return paginated(sorted_query(query, BUILDING_SORT, "code", Building.id), _building_summary)


@bp.route("/buildings", methods=["POST"])
@bp.doc(summary="Create a building", requestBody=json_body(BUILDING_INPUT),
        responses={"201": ok(BUILDING_DETAIL, "Created")})
@versioned(Building)
@requires(Permission.EDIT_BUILDINGS)
def create_building():
    """Create a building on a site."""
    body = json_object(field_names(BUILDING_INPUT))
    parent = referenced(Site, body.pop("site_id", None), "site_id")
    building = services.create_building(parent, judged(rules.clean_building, body,
                                                       lambda values: services.building_conflicts(values, None)))
    return _created(_building_detail(building.id))


@bp.route("/buildings/<int:building_id>", methods=["GET"])
@bp.doc(summary="Read a building", responses={"200": ok(BUILDING_DETAIL)})
@versioned(Building, "building_id")
@requires(Permission.READ)
def building(building_id: int):
    """One building with its floors, cost, opening date and inventory key figures."""
    return _building_detail(get_or_404(Building, building_id).id)


@bp.route("/buildings/<int:building_id>", methods=["PATCH"])
@bp.doc(summary="Change a building", requestBody=json_body(BUILDING_PATCH),
        responses={"200": ok(BUILDING_DETAIL)})
@versioned(Building, "building_id")
@requires(Permission.EDIT_BUILDINGS)
def update_building(building_id: int):
    """Change some fields of a building."""
    found = get_or_404(Building, building_id)
    services.update_building(found, judged(lambda raw: rules.clean_building(raw, partial=True),
                                           json_object(field_names(BUILDING_PATCH)),
                                           lambda values: services.building_conflicts(values, found)))
    return _building_detail(building_id)


@bp.route("/buildings/<int:building_id>", methods=["DELETE"])
@bp.doc(summary="Delete a building", parameters=[CONFIRM_PARAMETER],
        responses={"204": {"description": "Deleted"}})
@versioned(Building, "building_id")
@requires(Permission.EDIT_BUILDINGS)
def delete_building(building_id: int):
    """Delete a building; with floors, only with ?confirm=true (floors and spaces go with it)."""
    found = get_or_404(Building, building_id)
    counts = services.child_counts(building=found)
    if any(counts.values()) and not confirmed():
        return child_conflict(counts)
    services.delete_building(found)
    return "", 204


@bp.route("/buildings/<int:building_id>/spaces", methods=["GET"])
@bp.doc(summary="Spaces of a building", responses={"200": ok({"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": SPACE}}})})
@requires(Permission.READ)
def building_spaces(building_id: int):
    """The spaces of a building, floor by floor."""
    get_or_404(Building, building_id)
    rows = db.session.execute(
        select(Space, Floor.level).join(Floor, Space.floor_id == Floor.id)
        .where(Floor.building_id == building_id).order_by(Floor.level, Space.code)
    ).all()
    return {"items": [{**serializers.space_record(space, level), "floor_id": space.floor_id} for space, level in rows]}


# ---------------------------------------------------------------- floors

FLOOR_SORT = {"level": Floor.level, "name": Floor.name, "id": Floor.id}
FLOOR_INPUT = rules_schema("FloorInput", rules.FLOOR_RULES, extra={"building_id": ID_SCHEMA}, required_extra=["building_id"])
FLOOR_PATCH = rules_schema("FloorPatch", rules.FLOOR_RULES, partial=True)


@bp.route("/floors", methods=["GET"])
@bp.doc(summary="List floors", parameters=[{"in": "query", "name": "building_id", "schema": ID_SCHEMA},
                                           *PAGE_PARAMETERS, sort_parameter(FLOOR_SORT)],
        responses={"200": ok(page_of(FLOOR))})
@requires(Permission.READ)
def floors():
    """Floors, optionally of one building."""
    query = select(Floor)
    building_id = id_arg("building_id")
    if building_id is not None:
        query = query.where(Floor.building_id == building_id)
    return paginated(sorted_query(query, FLOOR_SORT, "level", Floor.id), _floor_detail)


@bp.route("/floors", methods=["POST"])
@bp.doc(summary="Create a floor", requestBody=json_body(FLOOR_INPUT), responses={"201": ok(FLOOR, "Created")})
@versioned(Floor)
@requires(Permission.EDIT_BUILDINGS)
def create_floor():
    """Create a floor in a building."""
    body = json_object(field_names(FLOOR_INPUT))
    parent = referenced(Building, body.pop("building_id", None), "building_id")
    floor = services.create_floor(parent, judged(rules.clean_floor, body,
                                                 lambda values: services.floor_conflicts(values, parent, None)))
    return _created(_floor_detail(floor))


@bp.route("/floors/<int:floor_id>", methods=["GET"])
@bp.doc(summary="Read a floor", responses={"200": ok(FLOOR)})
@versioned(Floor, "floor_id")
@requires(Permission.READ)
def floor(floor_id: int):
    """One floor."""
    return _floor_detail(get_or_404(Floor, floor_id))


@bp.route("/floors/<int:floor_id>", methods=["PATCH"])
@bp.doc(summary="Change a floor", requestBody=json_body(FLOOR_PATCH), responses={"200": ok(FLOOR)})
@versioned(Floor, "floor_id")
@requires(Permission.EDIT_BUILDINGS)
def update_floor(floor_id: int):
    """Change some fields of a floor."""
    found = get_or_404(Floor, floor_id)
    services.update_floor(found, judged(lambda raw: rules.clean_floor(raw, partial=True),
                                        json_object(field_names(FLOOR_PATCH)),
                                        lambda values: services.floor_conflicts(values, found.building, found.id)))
    return _floor_detail(found)


@bp.route("/floors/<int:floor_id>", methods=["DELETE"])
@bp.doc(summary="Delete a floor", parameters=[CONFIRM_PARAMETER],
        responses={"204": {"description": "Deleted"}})
@versioned(Floor, "floor_id")
@requires(Permission.EDIT_BUILDINGS)
def delete_floor(floor_id: int):
    """Delete a floor; with spaces, only with ?confirm=true (they go with it)."""
    found = get_or_404(Floor, floor_id)
    counts = services.child_counts(floor=found)
    if counts["spaces"] and not confirmed():
        return child_conflict(counts)
    services.delete_floor(found)
    return "", 204


# ---------------------------------------------------------------- spaces

SPACE_SORT = {"code": Space.code, "name": Space.name, "area_m2": Space.area_m2, "id": Space.id}
SPACE_INPUT = rules_schema("SpaceInput", rules.SPACE_RULES, extra={"floor_id": ID_SCHEMA}, required_extra=["floor_id"],
                           ties=[only_with("specialty", "space_type", rules.SPECIALTY_SPACE_TYPES)])
# A change that leaves the type alone may give a specialty only to a medical cabinet: the stored type decides.
SPACE_PATCH = rules_schema("SpacePatch", rules.SPACE_RULES, partial=True,
                           ties=[only_with("specialty", "space_type", rules.SPECIALTY_SPACE_TYPES, other_absent_ok=True)])


@bp.route("/spaces", methods=["GET"])
@bp.doc(summary="List spaces", parameters=[
    {"in": "query", "name": "floor_id", "schema": ID_SCHEMA},
    {"in": "query", "name": "building_id", "schema": ID_SCHEMA},
    {"in": "query", "name": "type", "schema": {"type": "string", "enum": codes(SPACE_TYPE_LABELS)}},
    *PAGE_PARAMETERS, sort_parameter(SPACE_SORT)], responses={"200": ok(page_of(SPACE))})
@requires(Permission.READ)
def spaces():
    """Spaces, optionally of one floor or building, or of one type."""
    query = select(Space).join(Floor, Space.floor_id == Floor.id)
    floor_id, building_id = id_arg("floor_id"), id_arg("building_id")
    if floor_id is not None:
        query = query.where(Space.floor_id == floor_id)
    if building_id is not None:
        query = query.where(Floor.building_id == building_id)
    space_type = choice_arg("type", codes(SPACE_TYPE_LABELS))
    if space_type:
        query = query.where(Space.space_type == space_type)
    query = query.options(contains_eager(Space.floor))
    return paginated(sorted_query(query, SPACE_SORT, "code", Space.id), _space_detail)


@bp.route("/spaces", methods=["POST"])
@bp.doc(summary="Create a space", requestBody=json_body(SPACE_INPUT), responses={"201": ok(SPACE, "Created")})
@versioned(Space)
@requires(Permission.EDIT_BUILDINGS)
def create_space():
    """Create a space on a floor."""
    body = json_object(field_names(SPACE_INPUT))
    parent = referenced(Floor, body.pop("floor_id", None), "floor_id")
    space = services.create_space(parent, judged(rules.clean_space, body,
                                                 lambda values: services.space_conflicts(values, parent.id, None)))
    return _created(_space_detail(space))


@bp.route("/spaces/<int:space_id>", methods=["GET"])
@bp.doc(summary="Read a space", responses={"200": ok(SPACE)})
@versioned(Space, "space_id")
@requires(Permission.READ)
def space(space_id: int):
    """One space."""
    return _space_detail(get_or_404(Space, space_id))


@bp.route("/spaces/<int:space_id>", methods=["PATCH"])
@bp.doc(summary="Change a space", requestBody=json_body(SPACE_PATCH), responses={"200": ok(SPACE)})
@versioned(Space, "space_id")
@requires(Permission.EDIT_BUILDINGS)
def update_space(space_id: int):
    """Change some fields of a space."""
    found = get_or_404(Space, space_id)
    values = judged(lambda raw: rules.clean_space(raw, partial=True, current_type=found.space_type),
                    json_object(field_names(SPACE_PATCH)),
                    lambda values: services.space_conflicts(values, found.floor_id, found.id))
    services.update_space(found, values)
    return _space_detail(found)


@bp.route("/spaces/<int:space_id>", methods=["DELETE"])
@bp.doc(summary="Delete a space", responses={"204": {"description": "Deleted"}})
@versioned(Space, "space_id")
@requires(Permission.EDIT_BUILDINGS)
def delete_space(space_id: int):
    """Delete a space."""
    services.delete_space(get_or_404(Space, space_id))
    return "", 204



# ---------------------------------------------------------------- published figures

PUBLISHED_SORT = {"id": PublishedFigure.id, "figure": PublishedFigure.figure,
                  "published_on": PublishedFigure.published_on}
PUBLISHED_INPUT = rules_schema("PublishedFigureInput", rules.PUBLISHED_FIGURE_RULES, extra={"building_id": ID_SCHEMA},
                               required_extra=["building_id"])
PUBLISHED_PATCH = rules_schema("PublishedFigurePatch", rules.PUBLISHED_FIGURE_RULES, partial=True)


def _published_records(records: list[PublishedFigure]) -> list[dict]:
    """Records with what the inventory of their buildings records of each figure."""
    buildings = list({record.building_id: record.building for record in records}.values())
    comparisons = {comparison.record_id: comparison
                   for found in services.published_comparisons(buildings).values() for comparison in found}
    return [serializers.published_figure_record(record, comparisons.get(record.id)) for record in records]


@bp.route("/published-figures", methods=["GET"])
@bp.doc(summary="List published figures", parameters=[{"in": "query", "name": "building_id", "schema": ID_SCHEMA},
                                                      *PAGE_PARAMETERS, sort_parameter(PUBLISHED_SORT)],
        responses={"200": ok(page_of(serializers.PUBLISHED_FIGURE))})
@requires(Permission.READ)
def published_figures():
    """Figures source documents publish about buildings, optionally of one building, each beside the inventory."""
    query = select(PublishedFigure)
    building_id = id_arg("building_id")
    if building_id is not None:
        query = query.where(PublishedFigure.building_id == building_id)
    return paginated(sorted_query(query, PUBLISHED_SORT, "id", PublishedFigure.id),
                     lambda record: _published_records([record])[0])


@bp.route("/published-figures", methods=["POST"])
@bp.doc(summary="Record a published figure", requestBody=json_body(PUBLISHED_INPUT),
        responses={"201": ok(serializers.PUBLISHED_FIGURE, "Created")})
@versioned(PublishedFigure)
@requires(Permission.EDIT_BUILDINGS)
def create_published_figure():
    """Record a figure a source document publishes about a building (one per figure and building)."""
    body = json_object(field_names(PUBLISHED_INPUT))
    parent = referenced(Building, body.pop("building_id", None), "building_id")
    record = services.create_published_figure(parent, judged(
        rules.clean_published_figure, body, lambda values: services.published_figure_conflicts(values, parent, None)))
    return _created(_published_records([record])[0])


@bp.route("/published-figures/<int:published_figure_id>", methods=["GET"])
@bp.doc(summary="Read a published figure", responses={"200": ok(serializers.PUBLISHED_FIGURE)})
@versioned(PublishedFigure, "published_figure_id")
@requires(Permission.READ)
def published_figure(published_figure_id: int):
    """One published figure beside the inventory."""
    return _published_records([get_or_404(PublishedFigure, published_figure_id)])[0]


@bp.route("/published-figures/<int:published_figure_id>", methods=["PATCH"])
@bp.doc(summary="Change a published figure", requestBody=json_body(PUBLISHED_PATCH),
        responses={"200": ok(serializers.PUBLISHED_FIGURE)})
@versioned(PublishedFigure, "published_figure_id")
@requires(Permission.EDIT_BUILDINGS)
def update_published_figure(published_figure_id: int):
    """Change some fields of a published figure."""
    found = get_or_404(PublishedFigure, published_figure_id)
    services.update_published_figure(found, judged(
        lambda raw: rules.clean_published_figure(raw, partial=True, current_figure=found.figure),
        json_object(field_names(PUBLISHED_PATCH)),
        lambda values: services.published_figure_conflicts(values, found.building, found.id)))
    return _published_records([found])[0]


@bp.route("/published-figures/<int:published_figure_id>", methods=["DELETE"])
@bp.doc(summary="Delete a published figure", responses={"204": {"description": "Deleted"}})
@versioned(PublishedFigure, "published_figure_id")
@requires(Permission.EDIT_BUILDINGS)
def delete_published_figure(published_figure_id: int):
    """Delete a published figure."""
    services.delete_published_figure(get_or_404(PublishedFigure, published_figure_id))
    return "", 204
