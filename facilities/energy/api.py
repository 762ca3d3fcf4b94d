"""JSON API of the energy area, under /api/v1: a building's energy report, and its yearly consumption records
(list, read, create, PATCH, delete), validated by the same checks as the consumption form."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from marshmallow import fields
from sqlalchemy import select

from facilities import years
from facilities.api.common import (
    ID_SCHEMA,
    MAX_ID,
    PAGE_PARAMETERS,
    choice_arg,
    get_or_404,
    id_arg,
    id_parameter,
    json_object,
    paginated,
    query_parameter,
    referenced,
    register_api_error_handlers,
    sort_parameter,
    sorted_query,
    versioned,
    whole_number_arg,
)
from facilities.api.openapi import (
    ApiBlueprint,
    field_names,
    json_body,
    pick,
    response_schema,
    rules_schema,
    together,
)
from facilities.api.schemas import nullable, ok, page_of
from facilities.api.serializers import number
from facilities.energy import efas, services
from facilities.energy.input_validation import DJU_FIELDS, ENTRY_RULES
from facilities.energy.models import Efa, EnergyConsumption
from facilities.energy.reference import Carrier, ConsumptionSource, MissingReferenceError
from facilities.errors import problem
from facilities.extensions import db
from facilities.inventory.models import Building, Site
from facilities.permissions import Permission, requires

bp = ApiBlueprint("energy_api", __name__, description="Energy: consumption records and the energy report.")
register_api_error_handlers(bp)

YEARS = years.CONSUMPTION


# The body of a consumption entry: the rules of the consumption form and the importer (the building is named
# by its id instead of its code), which read it and which the OpenAPI description states.
RECORD_RULES = tuple(rule for rule in ENTRY_RULES if rule.name != "building_code")
IDENTITY = ("year", "carrier")  # with the building, what a record is; change them by deleting and creating
RECORD_INPUT = rules_schema("EnergyRecordInput", RECORD_RULES, extra={"building_id": ID_SCHEMA},
                            required_extra=["building_id"], ties=[together(DJU_FIELDS)])
RECORD_PATCH = rules_schema("EnergyRecordPatch", [rule for rule in RECORD_RULES if rule.name not in IDENTITY],
                            partial=True, ties=[together(DJU_FIELDS)])

RECORD = response_schema("EnergyRecord", pick(RECORD_RULES, "year", "carrier", "kwh", "source"),
                         extra={"id": {"type": "integer"}, "building_id": {"type": "integer"},
                                "note": nullable("string")},
                         required=["id", "building_id", "year", "carrier", "kwh"])
KWH_BY_CARRIER = {"type": "object", "additionalProperties": {"type": "number"}}
PROJECTED_OPERATION = {"type": "object", "properties": {
    "id": {"type": "integer"}, "label": {"type": "string"}, "status": {"type": "string"},
    "nature": {"type": "string"}, "reception_year": {"type": "integer"}, "illustrative": {"type": "boolean"},
    "role": {"type": "string", "enum": ["counted", "already_reflected", "planned"]},
    "savings": KWH_BY_CARRIER, "uncounted_savings": KWH_BY_CARRIER}}
# The Décret tertiaire position after the received energy-retrofit works (facilities.energy.projection);
# null when no operation of the building is an energy retrofit or expects savings. Figures are null when no
# operation was received since the latest recorded year.
PROJECTION = nullable("object", description="Estimate after the received energy-retrofit works", properties={
    "base_year": nullable("integer"), "year": nullable("integer"), "area_m2": nullable("number"),
    "base_tertiaire_kwh_m2": nullable("number"), "tertiaire_kwh_m2": nullable("number"),
    "tertiaire_kwh": nullable("number"), "final_kwh_m2": nullable("number"), "by_carrier": KWH_BY_CARRIER,
    "savings_by_carrier": KWH_BY_CARRIER, "floored_carriers": {"type": "array", "items": {"type": "string"}},
    "path_kwh_m2": nullable("number"), "gap_kwh_m2": nullable("number"), "status": nullable("string"),
    "target_year": nullable("integer"), "target_kwh_m2": nullable("number"),
    "gap_to_target_kwh_m2": nullable("number"), "is_estimate": {"type": "boolean"},
    "operations": {"type": "array", "items": PROJECTED_OPERATION},
    "references": {"type": "array", "items": {"type": "object"}},
    "missing": {"type": "array", "items": {"type": "string"}}})
# The Décret tertiaire position (facilities.energy.building_report): the reference year and how it was set.
TERTIAIRE = {"type": "object", "properties": {
    "subject": {"type": "boolean"},
    "subject_reason": nullable("string", enum=["building", "mixed_building", "site_total", "previously_subject",
                                               None], description="Why the building is subject; null when not"),
    "tertiary_area_m2": nullable("number"), "site_tertiary_area_m2": nullable("number"),
    "min_area_m2": {"type": "number"},
    "reference_window": {"type": "array", "items": {"type": "integer"}},
    "reference_year": nullable("integer"),
    "reference_kwh_m2": nullable("number", description="Créf: raw weighted kWh/m² of the reference year"),
    "reference_chosen_by": nullable("string", enum=["user", "highest", "first_full_year", None]),
    "reference_basis": nullable("string", enum=["climate_adjusted", "raw", None],
                                description="What the candidate years were compared on"),
    "reference_compared_kwh_m2": nullable("number", description="The compared figure (an estimate when "
                                          "climate-adjusted)"),
    "reference_area_m2": nullable("number", description="Area of the reference year"),
    "reference_provisional": {"type": "boolean"},
    "reference_provisional_until": nullable("string", format="date"),
    "targets": {"type": "object", "additionalProperties": {"type": "number"}},
    "cabs_kwh_m2": nullable("number"), "status": nullable("string"), "latest_year": nullable("integer"),
    "error": nullable("string"), "references": {"type": "array", "items": {"type": "object"}}}}
# Today's DPE: the last three complete years with the factors in force today (facilities.energy.dpe_current).
DPE_CURRENT = nullable("object", description="The DPE a diagnosis made today would give; null without data "
                       "in the last three complete years", properties={
    "dpe_class": nullable("string"), "dpe_classes": {"type": "object", "additionalProperties": nullable("string")},
    "primary_kwh_m2": nullable("number"), "ghg_kg_m2": nullable("number"),
    "years": {"type": "array", "items": {"type": "integer"}, "description": "The complete years averaged"},
    "missing_years": {"type": "array", "items": {"type": "integer"}},
    "factors_date": {"type": "string", "format": "date", "description": "Date of the factors used (today)"},
    "references": {"type": "array", "items": {"type": "object"}},
    "missing": {"type": "array", "items": {"type": "string"}}})
REPORT = {"type": "object", "required": ["scale", "years", "tertiaire"], "properties": {
    "scale": {"type": "string"}, "years": {"type": "array", "items": {"type": "object"}},
    "headline_year": nullable("integer", description="The latest complete year (an incomplete year: not "
                              "ended, or missing a carrier used the year before, has `complete` false and no "
                              "class nor trajectory position)"),
    "tertiaire": TERTIAIRE, "dpe_current": DPE_CURRENT,
    "dpe_display": {"type": "object", "description": "Whether the building must display its DPE (a public owner, "
                    "over the area and an ERP category of the dated rule)", "properties": {
                        "required": nullable("boolean"), "references": {"type": "array", "items": {"type": "object"}},
                        "missing": {"type": "array", "items": {"type": "string"}}}}, "years_without_area": {"type": "array", "items": {"type": "integer"}},
    "projection": PROJECTION}}


def _record_json(record: EnergyConsumption) -> dict:
    return {"id": record.id, "building_id": record.building_id, "year": record.year, "carrier": record.carrier,
            "kwh": number(record.kwh), "source": record.source, "note": record.note}


def _save(building: Building, raw: dict) -> tuple[EnergyConsumption, bool]:
    """Check an entry as the form does; create or replace the record."""
    return services.record_consumption(building, services.clean_entry(building, raw))


@bp.route("/buildings/<int:building_id>/energy", methods=["GET"])
@bp.doc(summary="A building's energy report", responses={"200": ok(REPORT)})
@requires(Permission.READ)
def building_energy(building_id: int):
    """A building's energy indicators per year and its Décret tertiaire position ({scale, years, tertiaire}), and
    `projection`: the position expected after its received energy-retrofit works (null without such works)."""
    try:
        report = services.building_report(building_id) if 0 < building_id <= MAX_ID else None
    except MissingReferenceError as error:  # a database migrated but never seeded: say what to do
        return problem(503, _("The energy reference tables are incomplete (%(what)s): an administrator must run "
                              "`flask --app wsgi energy seed-reference`.", what=error))
    if report is None:
        abort(404)
    return report


RECORD_SORT = {"year": EnergyConsumption.year, "carrier": EnergyConsumption.carrier, "kwh": EnergyConsumption.kwh,
               "building_id": EnergyConsumption.building_id, "id": EnergyConsumption.id}


@bp.route("/energy-records", methods=["GET"])
@bp.doc(summary="List consumption records", parameters=[
    id_parameter("building_id"),
    query_parameter("year", {"type": "integer", "minimum": YEARS.first, "maximum": YEARS.last_year()}),
    query_parameter("carrier", {"type": "string", "enum": [str(c) for c in Carrier]}),
    query_parameter("source", {"type": "string", "enum": [str(c) for c in ConsumptionSource]}),
    *PAGE_PARAMETERS, sort_parameter(RECORD_SORT)], responses={"200": ok(page_of(RECORD))})
@requires(Permission.READ)
def records():
    """Yearly consumption records (kWh of final energy per carrier), filtered, sorted and paginated."""
    query = select(EnergyConsumption)
    building_id = id_arg("building_id")
    if building_id is not None:
        query = query.where(EnergyConsumption.building_id == building_id)
    year = whole_number_arg("year", YEARS.first, YEARS.last_year())
    if year is not None:
        query = query.where(EnergyConsumption.year == year)
    for name, enum in (("carrier", Carrier), ("source", ConsumptionSource)):
        wanted = choice_arg(name, [str(c) for c in enum])
        if wanted is not None:
            query = query.where(getattr(EnergyConsumption, name) == wanted)
    return paginated(sorted_query(query, RECORD_SORT, "year", EnergyConsumption.id), _record_json)


@bp.route("/energy-records", methods=["POST"])
@bp.doc(summary="Record a year's consumption of one carrier", requestBody=json_body(RECORD_INPUT),
        responses={"201": ok(RECORD, "Created"), "200": ok(RECORD, "Replaced the record of that year and carrier")})
@versioned(EnergyConsumption)
@requires(Permission.EDIT_ENERGY)
def record_create():
    """Enter a year's consumption of one carrier; an existing record of that building, year and carrier is
    replaced (200), as on the building's energy page."""
    body = json_object(field_names(RECORD_INPUT))
    building = referenced(Building, body.pop("building_id", None), "building_id")
    record, created = _save(building, body)
    return _record_json(record), 201 if created else 200


@bp.route("/energy-records/<int:record_id>", methods=["GET"])
@bp.doc(summary="Read a consumption record", responses={"200": ok(RECORD)})
@versioned(EnergyConsumption, "record_id")
@requires(Permission.READ)
def record(record_id: int):
    """One consumption record."""
    return _record_json(get_or_404(EnergyConsumption, record_id))


@bp.route("/energy-records/<int:record_id>", methods=["PATCH"])
@bp.doc(summary="Change a consumption record", requestBody=json_body(RECORD_PATCH), responses={"200": ok(RECORD)})
@versioned(EnergyConsumption, "record_id")
@requires(Permission.EDIT_ENERGY)
def record_update(record_id: int):
    """Change the kWh or source of a record (and the year's area or DJU); year and carrier identify it."""
    found = get_or_404(EnergyConsumption, record_id)
    current = {"year": found.year, "carrier": found.carrier, "kwh": found.kwh, "source": found.source}
    record, _created = _save(db.session.get(Building, found.building_id),
                             {**current, **json_object(field_names(RECORD_PATCH))})
    return _record_json(record)


@bp.route("/energy-records/<int:record_id>", methods=["DELETE"])
@bp.doc(summary="Delete a consumption record", responses={"204": {"description": "Deleted"}})
@versioned(EnergyConsumption, "record_id")
@requires(Permission.EDIT_ENERGY)
def record_delete(record_id: int):
    """Delete one consumption record."""
    found = get_or_404(EnergyConsumption, record_id)
    services.delete_consumption(db.session.get(Building, found.building_id), found.id)
    return "", 204


# ---------------------------------------------------------------- EFAs

PART_INPUT = rules_schema("EfaPartInput", efas.PART_RULES)
PARTS_FIELD = fields.List(fields.Nested(PART_INPUT), metadata={
    "description": "Buildings of the EFA's site; tertiary_area_m2 null or absent: the building's whole tertiary "
                   "area", "minItems": 1, "maxItems": efas.MAX_PARTS})
EFA_INPUT = rules_schema("EfaInput", efas.EFA_RULES, extra={"site_id": ID_SCHEMA, "parts": PARTS_FIELD},
                         required_extra=["site_id", "parts"])
EFA_PATCH = rules_schema("EfaPatch", efas.EFA_RULES, extra={"parts": PARTS_FIELD}, partial=True)
EFA_PART = response_schema("EfaPart", efas.PART_RULES, required=["building_id"])
EFA = response_schema(
    "Efa", efas.EFA_RULES,
    extra={"id": ID_SCHEMA, "site_id": ID_SCHEMA, "parts": fields.List(fields.Nested(EFA_PART)),
           "tertiary_area_m2": nullable("number", description="The parts' tertiary areas added up"),
           "subject": {"type": "boolean", "description": "A building of the EFA is subject to the Décret tertiaire"}},
    required=["id", "label", "site_id", "parts"])
EFA_SORT = {"label": Efa.label, "site_id": Efa.site_id, "id": Efa.id}


def _efa_json(efa: Efa) -> dict:
    [figures] = efas.efa_figures([efa])
    return {"id": efa.id, "label": efa.label, "site_id": efa.site_id, "activity_category": efa.activity_category,
            "reference_year": efa.reference_year, "tertiary_area_m2": number(figures.area_m2),
            "subject": figures.subject,
            "parts": [{"building_id": p.building_id, "tertiary_area_m2": number(p.tertiary_area_m2)}
                      for p in efa.parts]}


@bp.route("/efas", methods=["GET"])
@bp.doc(summary="EFAs (entités fonctionnelles assujetties, the units declared on OPERAT)", parameters=[
    query_parameter("site_id", ID_SCHEMA), *PAGE_PARAMETERS, sort_parameter(EFA_SORT)],
    responses={"200": ok(page_of(EFA))})
@requires(Permission.READ)
def efa_list():
    """The EFAs, of one site or all, sorted and paginated."""
    query = select(Efa)
    site_id = id_arg("site_id")
    if site_id is not None:
        query = query.where(Efa.site_id == site_id)
    return paginated(sorted_query(query, EFA_SORT, "label", Efa.id), _efa_json)


@bp.route("/efas", methods=["POST"])
@bp.doc(summary="Create an EFA", requestBody=json_body(EFA_INPUT), responses={"201": ok(EFA, "Created")})
@versioned(Efa)
@requires(Permission.EDIT_ENERGY)
def efa_create():
    """Create an EFA: a label, an activity category, buildings (or parts of buildings) of one site."""
    body = json_object(field_names(EFA_INPUT))
    site = referenced(Site, body.pop("site_id", None), "site_id")
    efa = efas.create_efa(site, efas.clean_efa(body, site))
    return _efa_json(efa), 201


@bp.route("/efas/<int:efa_id>", methods=["GET"])
@bp.doc(summary="Read an EFA", responses={"200": ok(EFA)})
@versioned(Efa, "efa_id")
@requires(Permission.READ)
def efa_read(efa_id: int):
    """One EFA with its parts."""
    return _efa_json(get_or_404(Efa, efa_id))


@bp.route("/efas/<int:efa_id>", methods=["PATCH"])
@bp.doc(summary="Change an EFA", requestBody=json_body(EFA_PATCH), responses={"200": ok(EFA)})
@versioned(Efa, "efa_id")
@requires(Permission.EDIT_ENERGY)
def efa_update(efa_id: int):
    """Change an EFA's label, activity category, reference year or parts (the parts given replace them all)."""
    efa = get_or_404(Efa, efa_id)
    body = json_object(field_names(EFA_PATCH))
    efas.update_efa(efa, efas.clean_efa(body, db.session.get(Site, efa.site_id), efa, partial=True))
    return _efa_json(efa)


@bp.route("/efas/<int:efa_id>", methods=["DELETE"])
@bp.doc(summary="Delete an EFA", responses={"204": {"description": "Deleted"}})
@versioned(Efa, "efa_id")
@requires(Permission.EDIT_ENERGY)
def efa_delete(efa_id: int):
    """Delete an EFA; its buildings stay (a subject building is then proposed in an EFA of its own again)."""
    efas.delete_efa(get_or_404(Efa, efa_id))
    return "", 204
