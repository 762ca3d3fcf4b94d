"""OGC API – Features at /ogc: the portfolio as layers QGIS, GDAL and ArcGIS add natively.

Collections `sites`, `buildings` (at their site's point) and `communes` (when boundaries are loaded); each has
`/items` (bbox, limit, offset, the map's filters; next/prev links, numberMatched, numberReturned) and
`/items/{id}`. Same authentication (bearer token, or the session) and permissions as the JSON API.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from flask import abort, current_app, jsonify, request, url_for
from flask_babel import gettext as _

from facilities.api.common import (
    MAX_OFFSET,
    BadRequest,
    register_api_error_handlers,
    rule_args,
    rule_parameters,
    whole_number_arg,
)
from facilities.api.openapi import ApiBlueprint, problems
from facilities.inventory.rules import SITE_FILTER_RULES
from facilities.inventory.services import SiteFilters
from facilities.maps.services import URL_PLACEHOLDER
from facilities.ogc import documents, services
from facilities.permissions import Permission, requires
from facilities.timeutil import utcnow
from facilities.validation import MAX_ID

bp = ApiBlueprint("ogc", __name__, description="OGC API – Features (Part 1 Core, GeoJSON): sites, buildings and "
                                               "communes as layers for QGIS, GDAL and ArcGIS.")
register_api_error_handlers(bp)

DEFAULT_LIMIT = 10  # the standard's default
MAX_LIMIT = 10_000  # the standard's example maximum; a page of 10,000 points is about 4 MB

BBOX_PARAMETER = {
    "in": "query", "name": "bbox", "style": "form", "explode": False, "required": False,
    "description": "Only features inside this box: west, south, east, north in degrees (WGS84, longitude first). "
                   "A west edge east of the east edge crosses the antimeridian.",
    "schema": {"type": "array", "minItems": 4, "maxItems": 4,
               "items": {"type": "number", "minimum": -180, "maximum": 180}},
}
PAGE_PARAMETERS = [
    {"in": "query", "name": "limit", "style": "form", "explode": False, "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}},
    {"in": "query", "name": "offset", "required": False,
     "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}},
]
FILTER_PARAMETERS = rule_parameters(SITE_FILTER_RULES)
LINKS = {"type": "array", "items": {"type": "object", "required": ["href", "rel"], "properties": {
    "href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"}, "title": {"type": "string"}}}}
FEATURE = {"type": "object", "required": ["type", "geometry", "properties"], "properties": {
    "type": {"type": "string", "enum": ["Feature"]}, "id": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
    "geometry": {"type": "object", "nullable": True}, "properties": {"type": "object", "nullable": True},
    "links": LINKS}}
FEATURE_COLLECTION = {"type": "object", "required": ["type", "features", "numberMatched", "numberReturned", "links"],
                      "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                                     "features": {"type": "array", "items": FEATURE},
                                     "numberMatched": {"type": "integer", "minimum": 0},
                                     "numberReturned": {"type": "integer", "minimum": 0},
                                     "timeStamp": {"type": "string", "format": "date-time"}, "links": LINKS}}
COLLECTION = {"type": "object", "required": ["id", "links"], "properties": {
    "id": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
    "links": LINKS, "extent": {"type": "object"}, "itemType": {"type": "string"},
    "crs": {"type": "array", "items": {"type": "string"}}}}


def _json_response(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _geojson_response(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/geo+json": {"schema": schema}}}


def _geojson(text: str):
    return current_app.response_class(text, mimetype="application/geo+json")


def _url(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


# ---------------------------------------------------------------- reading the query


def bbox_arg() -> services.BBox | None:
    """`bbox=west,south,east,north` (four numbers within ±180), or a 400 naming the parameter."""
    raw = request.args.get("bbox")
    if raw is None:
        return None
    parts = raw.split(",")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or not all(math.isfinite(n) and -180 <= n <= 180 for n in numbers):
        raise BadRequest(_("'bbox' must be four numbers: west, south, east, north (degrees, WGS84)."),
                         {"bbox": _("four numbers from -180 to 180, separated by commas")})
    west, south, east, north = numbers
    return west, south, east, north


def page_args() -> tuple[int, int]:
    """`limit` (1..10,000, default 10) and `offset`, or a 400 naming the parameter."""
    limit = whole_number_arg("limit", 1, MAX_LIMIT)
    offset = whole_number_arg("offset", 0, MAX_OFFSET)
    return DEFAULT_LIMIT if limit is None else limit, offset or 0


def site_filters() -> SiteFilters:
    """The map's filters (q, service, status, kind, commune) read by their rules, or a 400 naming each."""
    values = rule_args(SITE_FILTER_RULES)
    return SiteFilters(**{name: (value or "").strip() for name, value in values.items()})


def _page_url(endpoint: str) -> Callable[[int], str]:
    kept = {name: value for name, value in request.args.items() if name != "offset"}
    return lambda offset: _url(endpoint, **kept, offset=offset)


def _items_response(endpoint: str, collection_endpoint: str, read: Callable[..., services.Page]):
    """A page of a collection's items: `read(bbox, limit, offset)` gives its features and count."""
    limit, offset = page_args()
    page = read(bbox_arg(), limit, offset)
    links = documents.page_links(_page_url(endpoint), limit, offset, len(page.features), page.matched,
                                 _url(collection_endpoint))
    return _geojson(documents.feature_collection_text(page.features, page.matched, links, utcnow()))


def _feature_response(feature: str | None, item_url: str, collection_endpoint: str):
    if feature is None:
        abort(404)
    return _geojson(documents.feature_text(feature, [documents.link(item_url, "self", documents.GEOJSON),
                                                     documents.link(_url(collection_endpoint), "collection",
                                                                    documents.JSON)]))


def _site_url_template() -> str:
    return _url("inventory.site_detail", site_id=URL_PLACEHOLDER)


def _building_url_template() -> str:
    return _url("inventory.building_detail", building_id=URL_PLACEHOLDER)


# ---------------------------------------------------------------- service documents


@bp.route("", methods=["GET"])
@bp.doc(summary="OGC API – Features landing page", responses={"200": _json_response(
    {"type": "object", "required": ["links"], "properties": {"title": {"type": "string"}, "links": LINKS}},
    "The service and the links to its API definition, conformance classes and collections.")})
@requires(Permission.READ)
def landing():
    """The landing page of the OGC API – Features service."""
    return jsonify(documents.landing(
        _("Facilities: sites and buildings"),
        _("The département's sites, buildings and communes as OGC API – Features collections."),
        _url("ogc.landing"), _url("api-docs.openapi_json"), _url("apidocs.page"), _url("ogc.conformance"),
        _url("ogc.collections")))


@bp.route("/conformance", methods=["GET"])
@bp.doc(summary="OGC API – Features conformance classes", responses={"200": _json_response(
    {"type": "object", "required": ["conformsTo"], "properties": {"conformsTo": {"type": "array",
                                                                                 "items": {"type": "string"}}}},
    "The conformance classes implemented: Core, GeoJSON, OpenAPI 3.0.")})
@requires(Permission.READ)
def conformance():
    """The conformance classes the service implements."""
    return jsonify(documents.conformance())


def _infos() -> list[documents.Collection]:
    infos = [
        documents.Collection("sites", _("Sites"), _("Sites of the portfolio (points)."),
                             _url("ogc.sites_collection"), _url("ogc.sites_items"), services.sites_extent()),
        documents.Collection("buildings", _("Buildings"), _("Buildings, at their site's point."),
                             _url("ogc.buildings_collection"), _url("ogc.buildings_items"), services.sites_extent()),
    ]
    if services.communes_loaded():
        infos.append(documents.Collection("communes", _("Communes"), _("Imported commune outlines."),
                                          _url("ogc.communes_collection"), _url("ogc.communes_items"),
                                          services.communes_extent()))
    return infos


@bp.route("/collections", methods=["GET"])
@bp.doc(summary="OGC API – Features collections", responses={"200": _json_response(
    {"type": "object", "required": ["links", "collections"], "properties": {
        "links": LINKS, "collections": {"type": "array", "items": COLLECTION}}},
    "The collections: sites, buildings, and communes when boundaries are loaded.")})
@requires(Permission.READ)
def collections():
    """The collections of the service."""
    return jsonify(documents.collections(_url("ogc.collections"), _infos()))


def _collection(collection_id: str):
    info = next((info for info in _infos() if info.id == collection_id), None)
    if info is None:
        abort(404)
    return jsonify(documents.collection(info))


COLLECTION_DOC = {"200": _json_response(COLLECTION, "The collection: its extent and the link to its items.")}
ITEMS_DOC = {"200": _geojson_response(FEATURE_COLLECTION, "A page of features, with numberMatched, numberReturned "
                                                          "and next/prev links.")}
ITEM_DOC = {"200": _geojson_response(FEATURE, "One feature.")}


# ---------------------------------------------------------------- sites


@bp.route("/collections/sites", methods=["GET"])
@bp.doc(summary="The sites collection", responses=COLLECTION_DOC)
@requires(Permission.READ)
def sites_collection():
    """The sites collection."""
    return _collection("sites")


@bp.route("/collections/sites/items", methods=["GET"])
@bp.doc(summary="Sites (points)", parameters=[BBOX_PARAMETER, *PAGE_PARAMETERS, *FILTER_PARAMETERS],
        responses=ITEMS_DOC)
@requires(Permission.READ)
def sites_items():
    """A page of sites inside a box, with the map's filters."""
    return _items_response("ogc.sites_items", "ogc.sites_collection",
                           lambda *page: services.sites_page(site_filters(), *page, _site_url_template()))


@bp.route("/collections/sites/items/<int:site_id>", methods=["GET"])
@bp.doc(summary="One site", responses=ITEM_DOC)
@requires(Permission.READ)
def site_item(site_id: int):
    """One site as a feature."""
    _known_id(site_id)
    return _feature_response(services.site_feature(site_id, _site_url_template()),
                             _url("ogc.site_item", site_id=site_id), "ogc.sites_collection")


def _known_id(record_id: int) -> None:
    """404 for an id no row can have (beyond the INTEGER column: the database would refuse the query itself)."""
    if not 0 < record_id <= MAX_ID:
        abort(404)


# ---------------------------------------------------------------- buildings


@bp.route("/collections/buildings", methods=["GET"])
@bp.doc(summary="The buildings collection", responses=COLLECTION_DOC)
@requires(Permission.READ)
def buildings_collection():
    """The buildings collection."""
    return _collection("buildings")


@bp.route("/collections/buildings/items", methods=["GET"])
@bp.doc(summary="Buildings (at their site's point)",
        parameters=[BBOX_PARAMETER, *PAGE_PARAMETERS, *FILTER_PARAMETERS], responses=ITEMS_DOC)
@requires(Permission.READ)
def buildings_items():
    """A page of buildings inside a box; the map's filters select their sites."""
    return _items_response("ogc.buildings_items", "ogc.buildings_collection",
                           lambda *page: services.buildings_page(site_filters(), *page, _building_url_template()))


@bp.route("/collections/buildings/items/<int:building_id>", methods=["GET"])
@bp.doc(summary="One building", responses=ITEM_DOC)
@requires(Permission.READ)
def building_item(building_id: int):
    """One building as a feature."""
    _known_id(building_id)
    return _feature_response(services.building_feature(building_id, _building_url_template()),
                             _url("ogc.building_item", building_id=building_id), "ogc.buildings_collection")


# ---------------------------------------------------------------- communes


@bp.route("/collections/communes", methods=["GET"])
@bp.doc(summary="The communes collection (when boundaries are loaded)", responses={**COLLECTION_DOC, **problems(404)})
@requires(Permission.READ)
def communes_collection():
    """The communes collection; 404 until boundaries are imported."""
    return _collection("communes")


@bp.route("/collections/communes/items", methods=["GET"])
@bp.doc(summary="Communes (outlines)", parameters=[BBOX_PARAMETER, *PAGE_PARAMETERS], responses={**ITEMS_DOC, **problems(404)})
@requires(Permission.READ)
def communes_items():
    """A page of commune outlines meeting a box."""
    if not services.communes_loaded():
        abort(404)
    return _items_response("ogc.communes_items", "ogc.communes_collection", services.communes_page)


@bp.route("/collections/communes/items/<string(maxlength=20):code>", methods=["GET"])
@bp.doc(summary="One commune", responses=ITEM_DOC)
@requires(Permission.READ)
def commune_item(code: str):
    """One commune's outline, by INSEE code."""
    return _feature_response(services.commune_feature(code), _url("ogc.commune_item", code=code),
                             "ogc.communes_collection")
