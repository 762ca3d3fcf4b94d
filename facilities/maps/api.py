"""JSON API of the maps area, under /api/v1: the sites as GeoJSON, with the map's filters."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import gettext as _

from facilities.api.common import streamed
from facilities.api.openapi import ApiBlueprint, problems, rule_schema
from facilities.errors import problem
from facilities.inventory.services import SiteFilters
from facilities.maps import services, viewport
from facilities.maps.forms import MAP_RULES, clean_map_options
from facilities.permissions import Permission, requires

bp = ApiBlueprint("maps_api", __name__, description="Maps: the sites as GeoJSON, for QGIS.")

FILTERS = ("service", "status", "kind", "commune")
FILTER_PARAMETERS = [
    {"in": "query", "name": "q", "schema": {"type": "string", "maxLength": 100}, "description": "Text in the name."},
    *({"in": "query", "name": rule.name, "schema": {k: v for k, v in rule_schema(rule).items() if k != "nullable"}}
      for rule in MAP_RULES if rule.name in FILTERS),
]
FEATURE_COLLECTION = {"type": "object", "required": ["type", "features"], "properties": {
    "type": {"type": "string", "enum": ["FeatureCollection"]},
    "features": {"type": "array", "items": {"type": "object", "required": ["type", "geometry", "properties"],
                                            "properties": {"type": {"type": "string"},
                                                           "geometry": {"type": "object", "nullable": True},
                                                           "properties": {"type": "object"}}}}}}


@bp.route("/sites.geojson", methods=["GET"])
@bp.doc(summary="Sites as GeoJSON", parameters=FILTER_PARAMETERS, responses={
    "200": {"description": "A FeatureCollection of points (null geometry for unlocated sites), streamed; gzip when "
                           "the request accepts it.",
            "headers": {"ETag": {"schema": {"type": "string"}, "description": "Changes whenever a site is created, "
                                 "saved or deleted; send it in If-None-Match to get 304 when nothing changed."}},
            "content": {"application/geo+json": {"schema": FEATURE_COLLECTION}}},
    "304": {"description": "Not modified: no site changed since the ETag sent in If-None-Match."},
    **problems(422)})
@requires(Permission.READ)
def sites_geojson():
    """The sites as a GeoJSON FeatureCollection (filters: q, service, status, kind, commune), for QGIS: streamed,
    gzip-compressed when accepted, with an ETag that changes with any site write (If-None-Match: 304)."""
    options, errors = clean_map_options(request.args)
    errors.pop("color_by", None)
    errors.pop("indicator", None)
    # An empty filter means "any" on the map page; here the description lists the values a filter takes.
    errors.update({name: _("must be one of the values the description lists")
                   for name in ("service", "status", "kind") if request.args.get(name) == ""})
    if errors:
        return problem(422, _("Some filters are not valid."), errors=errors)
    if len(request.args.get("q") or "") > 100:
        return problem(422, _("Some filters are not valid."), errors={"q": _("at most %(max)s characters", max=100)})
    filters = SiteFilters(q=(request.args.get("q") or "").strip(),
                          **{name: options[name] or "" for name in FILTERS})
    url_template = url_for("inventory.site_detail", site_id=services.URL_PLACEHOLDER, _external=True)
    return streamed(services.sites_geojson_chunks(filters, url_template), "application/geo+json",
                    services.sites_version())


VIEWPORT_PARAMETERS = [
    {"in": "query", "name": "bbox", "required": True,
     "schema": {"type": "string", "pattern": viewport.BBOX_PATTERN},
     "description": "west,south,east,north in degrees (WGS84): -180 <= west < east <= 180, "
                    "-90 <= south < north <= 90."},
    {"in": "query", "name": "zoom", "required": True,
     "schema": {"type": "integer", "minimum": 0, "maximum": viewport.MAX_ZOOM},
     "description": f"The map's zoom level; from {viewport.SITES_ZOOM} on (or with at most {viewport.FEW_SITES} "
                    "sites in view) the answer lists the sites, else clusters per grid cell."},
    *({"in": "query", "name": rule.name, "schema": {k: v for k, v in rule_schema(rule).items() if k != "nullable"}}
      for rule in MAP_RULES if rule.name in (*FILTERS, "color_by")),
]
_COUNTS = {"type": "object", "additionalProperties": {"type": "integer"},
           "description": "Sites per colour category (kind, status, DPE letter, safety status; 'none': none known)."}
VIEWPORT_SCHEMA = {"type": "object", "required": ["mode", "zoom", "total", "counts", "clusters", "sites"],
                   "properties": {
    "mode": {"type": "string", "enum": ["clusters", "sites"]},
    "zoom": {"type": "integer"},
    "total": {"type": "integer", "description": "Sites in the viewport."},
    "counts": _COUNTS,
    "clusters": {"type": "array", "items": {"type": "object", "required": ["lat", "lon", "n", "counts"],
                                            "properties": {"lat": {"type": "number"}, "lon": {"type": "number"},
                                                           "n": {"type": "integer"}, "counts": _COUNTS}}},
    "sites": {"type": "array", "items": {"type": "object", "required": ["id", "n", "lat", "lon", "c", "a", "s"],
                                         "properties": {
        "id": {"type": "integer"}, "n": {"type": "string", "description": "Name."},
        "lat": {"type": "number"}, "lon": {"type": "number"},
        "c": {"type": "string", "description": "Colour category."},
        "a": {"type": "string", "nullable": True, "description": "Address."},
        "s": {"type": "array", "items": {"type": "string"}, "description": "Service codes."}}}},
}}


@bp.route("/map/viewport", methods=["GET"])
@bp.doc(summary="What the map shows of a viewport", parameters=VIEWPORT_PARAMETERS, responses={
    "200": {"description": "Clusters per grid cell (counted in SQL) or, zoomed in, the sites, with their colour "
                           "categories.", "content": {"application/json": {"schema": VIEWPORT_SCHEMA}}},
    **problems(422)})
@requires(Permission.READ)
def map_viewport():
    """Clusters or sites of a map viewport (bbox, zoom) with the map's filters and colouring: what the map page's
    script draws on each pan or zoom."""
    options, errors = clean_map_options(request.args)
    errors.pop("indicator", None)
    errors.update({name: _("must be one of the values the description lists")
                   for name in ("service", "status", "kind", "color_by") if request.args.get(name) == ""})
    view, view_errors = viewport.parse_viewport(request.args.get("bbox"), request.args.get("zoom"))
    errors.update(view_errors)
    if errors:
        return problem(422, _("Some filters are not valid."), errors=errors)
    filters = SiteFilters(**{name: options[name] or "" for name in FILTERS})
    return jsonify(viewport.viewport_content(filters, view, options["color_by"]))
