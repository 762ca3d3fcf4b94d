"""JSON API endpoints of the energy area, under /api/v1."""

from flask import Blueprint, abort, jsonify

from facilities.energy import services
from facilities.permissions import Permission, requires

bp = Blueprint("energy_api", __name__)


@bp.route("/buildings/<int:building_id>/energy")
@requires(Permission.READ)
def building_energy(building_id: int):
    """A building's energy indicators per year and its Décret tertiaire position ({scale, years, tertiaire})."""
    report = services.building_report(building_id)
    if report is None:
        abort(404)
    return jsonify(report)
