"""JSON API v1 (read-only for now): sites, buildings and their spaces, authenticated by bearer tokens."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from sqlalchemy import func, select

from facilities.api import serializers
from facilities.extensions import db
from facilities.inventory import services
from facilities.inventory.models import Floor, Space
from facilities.permissions import Permission, requires

bp = Blueprint("api", __name__)

MAX_PAGE_SIZE = 500


def _page_args() -> tuple[int, int]:
    try:
        limit = min(max(int(request.args.get("limit", 100)), 1), MAX_PAGE_SIZE)
        offset = max(int(request.args.get("offset", 0)), 0)
    except ValueError:
        abort(400, "limit and offset must be whole numbers")
    return limit, offset


@bp.route("/sites")
@requires(Permission.READ)
def sites():
    """Sites matching the filters (q, commune, service, status, kind), paginated by limit and offset."""
    filters = services.SiteFilters.from_args(request.args)
    limit, offset = _page_args()
    query = services.site_query(filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.execute(query.limit(limit).offset(offset)).scalars().all()
    return jsonify(items=[serializers.site_summary(site) for site in items], total=total, limit=limit, offset=offset)


@bp.route("/sites/<int:site_id>")
@requires(Permission.READ)
def site(site_id: int):
    """One site with its buildings and services."""
    found = services.load_site(site_id)
    if found is None:
        abort(404)
    return jsonify(serializers.site_detail(found))


@bp.route("/buildings/<int:building_id>")
@requires(Permission.READ)
def building(building_id: int):
    """One building with its floors, cost, opening date and inventory key figures."""
    found = services.load_building(building_id)
    if found is None:
        abort(404)
    summary, _per_floor = services.building_summaries([found.id])[found.id]
    return jsonify(serializers.building_detail(found, summary))


@bp.route("/buildings/<int:building_id>/spaces")
@requires(Permission.READ)
def building_spaces(building_id: int):
    """The spaces of a building, floor by floor."""
    if services.load_building(building_id) is None:
        abort(404)
    rows = db.session.execute(
        select(Space, Floor.level).join(Floor, Space.floor_id == Floor.id)
        .where(Floor.building_id == building_id).order_by(Floor.level, Space.code)
    ).all()
    return jsonify(items=[serializers.space_record(space, level) for space, level in rows])
