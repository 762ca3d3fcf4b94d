"""JSON API endpoints of the maps area, under /api/v1."""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for
from flask_babel import gettext as _

from facilities.errors import problem
from facilities.inventory.services import SiteFilters
from facilities.maps import services
from facilities.maps.forms import clean_map_options
from facilities.permissions import Permission, requires

bp = Blueprint("maps_api", __name__)


@bp.route("/sites.geojson")
@requires(Permission.READ)
def sites_geojson():
    """The sites as a GeoJSON FeatureCollection (filters: q, service, status, kind, commune), for QGIS."""
    options, errors = clean_map_options(request.args)
    errors.pop("color_by", None)
    errors.pop("indicator", None)
    if errors:
        return problem(422, _("Some filters are not valid."), errors=errors)
    filters = SiteFilters(q=(request.args.get("q") or "").strip()[:100],
                          **{name: options[name] or "" for name in ("service", "status", "kind", "commune")})
    url_template = url_for("inventory.site_detail", site_id=services._URL_PLACEHOLDER, _external=True)
    body = services.sites_geojson_text(filters, url_template)
    return Response(body, mimetype="application/geo+json")
