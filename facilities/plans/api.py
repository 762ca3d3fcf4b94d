"""JSON API of the plans, under /api/v1: a floor's plan as GeoJSON (read, replace), and the import of a
building's plans from an IFC or DXF file (preview, or apply)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Response, json, request
from flask_babel import gettext as _

from facilities.api.common import get_or_404, json_object, register_api_error_handlers
from facilities.api.openapi import ApiBlueprint, problems
from facilities.errors import problem
from facilities.extensions import db
from facilities.inventory import services as inventory
from facilities.inventory.models import Building, Floor
from facilities.inventory.rules import MAX_LEVEL, MIN_LEVEL
from facilities.permissions import Permission, requires
from facilities.plans import exchange, geometry, importer, services
from facilities.plans.imported import FileRefused
from facilities.plans.rules import DXF_UNITS, clean_import_options
from facilities.trail.recorder import acting_as
from facilities.validation import MAX_ID, ValidationError

bp = ApiBlueprint("plans_api", __name__, description="Floor plans: outlines in the building's local metres, as "
                                                       "GeoJSON; imports from IFC and DXF files.")
register_api_error_handlers(bp)

CRS_PARAMETER = {"in": "query", "name": "crs", "schema": {"type": "string", "enum": ["local", "EPSG:4326"]},
                 "description": "local (default): the building's local metres; EPSG:4326: longitude/latitude, "
                                "when the building is georeferenced (else 400)."}
_NUMBER = {"type": "number", "minimum": -geometry.MAX_COORDINATE_M, "maximum": geometry.MAX_COORDINATE_M}
POLYGON = {"type": "object", "required": ["type", "coordinates"], "properties": {
    "type": {"type": "string", "enum": ["Polygon"]},
    "coordinates": {"type": "array", "minItems": 1, "maxItems": geometry.MAX_HOLES + 1, "items": {
        "type": "array", "minItems": 3, "maxItems": geometry.MAX_VERTICES + 1,
        "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": _NUMBER}}}}}
FEATURE_IN = {"type": "object", "required": ["type", "geometry", "properties"], "properties": {
    "type": {"type": "string", "enum": ["Feature"]},
    "geometry": POLYGON,
    "properties": {"type": "object", "required": ["role"], "properties": {
        "role": {"type": "string", "enum": ["floor", "space"]},
        "space_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID,
                     "description": "With role space: the space of this floor the polygon draws."}}}}}
PLAN_IN = {"type": "object", "required": ["type", "features"], "additionalProperties": False, "properties": {
    "type": {"type": "string", "enum": ["FeatureCollection"]},
    "features": {"type": "array", "maxItems": exchange.MAX_FEATURES, "items": FEATURE_IN},
    "crs_name": {"type": "string", "enum": ["local-metres"]}}}
PLAN_OUT = {"type": "object", "required": ["type", "features", "crs_name"], "properties": {
    "type": {"type": "string", "enum": ["FeatureCollection"]},
    "crs_name": {"type": "string", "enum": ["local-metres", "EPSG:4326"]},
    "features": {"type": "array", "items": {"type": "object", "required": ["type", "geometry", "properties"],
                                            "properties": {"type": {"type": "string", "enum": ["Feature"]},
                                                           "geometry": {"type": "object"},
                                                           "properties": {"type": "object", "required": ["role"]}}}}}}
GEOJSON_OK = {"description": "The plan: the floor's outline (role floor) and one feature per drawn space (role "
                             "space: space_id, code, type, area_m2 declared, drawn_area_m2).",
              "content": {"application/geo+json": {"schema": PLAN_OUT}}}


def _geojson(body: dict) -> Response:
    return Response(json.dumps(body), mimetype="application/geo+json")


def _plan_of(floor_id: int):
    get_or_404(Floor, floor_id)
    return services.floor_plan(inventory.load_floor(floor_id))


@bp.route("/floors/<int:floor_id>/plan", methods=["GET"])
@bp.doc(summary="A floor's plan as GeoJSON", parameters=[CRS_PARAMETER], responses={"200": GEOJSON_OK})
@requires(Permission.READ)
def floor_plan(floor_id: int):
    """The floor's outline and its spaces' outlines, in local metres or (georeferenced) WGS84."""
    crs = request.args.get("crs", "local")
    if crs not in ("local", "EPSG:4326"):
        return problem(400, _("'crs' must be local or EPSG:4326."), errors={"crs": _("must be local or EPSG:4326")})
    plan = _plan_of(floor_id)
    georef = services.georeference(plan.floor.building_id) if crs == "EPSG:4326" else None
    if crs == "EPSG:4326" and georef is None:
        return problem(400, _("This building is not georeferenced: its plan exists in local metres only."),
                       errors={"crs": _("the building has no georeference")})
    return _geojson(exchange.feature_collection(plan, georef))


@bp.route("/floors/<int:floor_id>/plan", methods=["PUT"])
@bp.doc(summary="Replace a floor's plan", requestBody={"required": True, "content": {
    "application/json": {"schema": PLAN_IN}, "application/geo+json": {"schema": PLAN_IN}}},
    responses={"200": GEOJSON_OK, **problems(422)})
@requires(Permission.EDIT_BUILDINGS)
def replace_floor_plan(floor_id: int):
    """Replace the floor's outline and its spaces' outlines (spaces left out lose theirs): checked as a whole
    (polygons, overlaps, rooms inside the floor), audited, all or nothing."""
    floor = inventory.load_floor(get_or_404(Floor, floor_id).id)
    outline, rooms = exchange.read_feature_collection(json_object(("type", "features", "crs_name")))
    services.replace_floor_plan(floor, outline, rooms)
    return _geojson(exchange.feature_collection(services.floor_plan(floor)))


PREVIEW = {"type": "object", "required": ["ok", "applied", "counts", "lines", "file_errors"], "properties": {
    "source": {"type": "string"}, "ok": {"type": "boolean"}, "applied": {"type": "boolean"},
    "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
    "file_errors": {"type": "array", "items": {"type": "string"}},
    "lines": {"type": "array", "items": {"type": "object"}},
    "area_differences": {"type": "array", "items": {"type": "object"}},
    "unmapped": {"type": "array", "items": {"type": "object"}},
    "georeference": {"type": "object", "nullable": True}}}
IMPORT_BODY = {"type": "object", "required": ["file"], "properties": {
    "file": {"type": "string", "format": "binary", "description": "An .ifc or .dxf file (by its name)."},
    "filename": {"type": "string", "maxLength": 200,
                 "description": "The file's name when the part carries none (its extension says ifc or dxf)."},
    "dry_run": {"type": "boolean", "description": "true: only the preview; nothing is written."},
    "layer": {"type": "string", "maxLength": 100, "description": "DXF: the layer whose closed polylines are rooms."},
    "unit": {"type": "string", "enum": list(DXF_UNITS), "description": "DXF: the drawing unit (default m)."},
    "level": {"type": "integer", "minimum": MIN_LEVEL, "maximum": MAX_LEVEL,
              "description": "DXF: the level of the floor drawn (default 0)."}}}


@bp.route("/buildings/<int:building_id>/plans/import", methods=["POST"])
@bp.doc(summary="Import a building's plans from an IFC or DXF file", requestBody={"required": True, "content": {
    "multipart/form-data": {"schema": IMPORT_BODY}}},
    responses={"200": {"description": "The preview (dry_run) or what was applied.",
                       "content": {"application/json": {"schema": PREVIEW}}}, **problems(422)})
@requires(Permission.EDIT_BUILDINGS)
def import_plans(building_id: int):
    """Preview (dry_run=true) or apply an IFC/DXF file: floors by elevation, rooms by code, outlines, areas,
    georeference; all or nothing (a refused file answers 422 with its preview, nothing saved)."""
    building = inventory.load_building(get_or_404(Building, building_id).id)
    upload = request.files.get("file")
    unknown = [key for key in request.form if key not in IMPORT_BODY["properties"]]
    if unknown:
        raise ValidationError({key[:100]: _("Unknown field '%(name)s'.", name=key[:100]) for key in unknown[:20]})
    if upload is None:
        raise ValidationError({"file": _("Send the file as the multipart part 'file'.")})
    options = clean_import_options({name: request.form.get(name) for name in ("layer", "unit", "level", "dry_run")})
    try:
        fmt = importer.file_format(upload.filename or request.form.get("filename") or "")
    except FileRefused as refused:
        raise ValidationError({"file": refused.message}) from None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload.{fmt}"
        upload.save(path)
        with acting_as(source="import"):
            preview = importer.import_plans(building, path, fmt, apply_it=not options["dry_run"],
                                            layer=options["layer"], unit=options["unit"], level=options["level"])
    if not preview.ok:
        db.session.rollback()
        return problem(422, _("The file is refused: nothing was saved."),
                       errors={f"file[{i}]": message for i, message in enumerate(_refusals(preview)[:20])},
                       extensions={"preview": preview.to_json()})
    if options["dry_run"]:
        db.session.rollback()
    return preview.to_json()


def _refusals(preview) -> list[str]:
    return preview.file_errors + [f"{line.where}: {'; '.join(line.errors)}" for line in preview.lines if line.errors]
