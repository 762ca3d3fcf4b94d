"""Pages of the maps area: the site map, and the location panel of the site page."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request

from facilities.inventory.services import commune_choices
from facilities.maps import mapview, services
from facilities.maps.forms import MapFilterForm, clean_map_options
from facilities.panels import collect
from facilities.permissions import Permission, requires
from facilities.security import allow_inline_code
from gis.webmap import inline_code_hashes

bp = Blueprint("maps", __name__)


@bp.route("/map")
@requires(Permission.READ)
def site_map():
    """The map of the sites, filtered by service, status, kind and commune, with an optional communes choropleth."""
    options, errors = clean_map_options(request.args)
    page = mapview.build_map_page(options)
    allow_inline_code(inline_code_hashes(page.html))  # the map frame (srcdoc) runs under this page's policy
    form = MapFilterForm.build(options, commune_choices(), page.boundaries_loaded, errors)
    return render_template("maps/site_map.html", page=page, form=form, errors=errors, options=options,
                           links=collect("map.links"))


@bp.route("/sites/<int:site_id>/figures.json")
@requires(Permission.READ)
def site_figures(site_id: int):
    """Key figures of one site for its map popup, loaded when the popup opens (the map page stays light)."""
    figures = services.figures_of_site(site_id)
    if figures is None:
        abort(404)
    return jsonify(figures)


def site_panel(site, **_objects) -> dict:
    """Data of the location panel of the site page: the commune the site's point falls in (when boundaries are
    loaded) and any mismatch with the recorded commune."""
    return {"check": services.check_site_location(site)}
