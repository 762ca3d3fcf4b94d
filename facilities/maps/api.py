"""JSON API of the maps area, under /api/v1: the sites as GeoJSON, with the map's filters."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _

from facilities.api.common import streamed
from facilities.api.openapi import ApiBlueprint, problems, rule_schema
from facilities.errors import problem
from facilities.inventory.services import SiteFilters
from facilities.maps import services
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
