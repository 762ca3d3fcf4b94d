"""Search across the inventory: sites, buildings and spaces by name or code."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request
from sqlalchemy import func, or_, select

from facilities.extensions import db
from facilities.inventory.models import Building, Floor, Site, Space
from facilities.permissions import Permission, requires

bp = Blueprint("search", __name__)

RESULTS_PER_KIND = 20
MIN_QUERY_LENGTH = 2


@dataclass(frozen=True)
class SearchResults:
    query: str
    sites: list
    buildings: list
    spaces: list

    @property
    def total(self) -> int:
        return len(self.sites) + len(self.buildings) + len(self.spaces)


def search_inventory(text: str, limit: int = RESULTS_PER_KIND) -> SearchResults:
    """Sites, buildings and spaces whose name or code contains the text (case-insensitive), three queries."""
    text = (text or "").strip()[:100]
    if len(text) < MIN_QUERY_LENGTH:
        return SearchResults(text, [], [], [])
    pattern = f"%{text.lower()}%"

    def matches(entity):
        return or_(func.lower(entity.name).like(pattern), func.lower(entity.code).like(pattern))

    sites = db.session.execute(
        select(Site).where(matches(Site)).order_by(Site.name).limit(limit)
    ).scalars().all()
    buildings = db.session.execute(
        select(Building, Site.name).join(Site, Building.site_id == Site.id).where(matches(Building))
        .order_by(Building.name).limit(limit)
    ).all()
    spaces = db.session.execute(
        select(Space, Floor.name, Floor.id, Building.name)
        .join(Floor, Space.floor_id == Floor.id).join(Building, Floor.building_id == Building.id)
        .where(matches(Space)).order_by(Building.name, Space.code).limit(limit)
    ).all()
    return SearchResults(text, list(sites), list(buildings), list(spaces))


@bp.route("/search")
@requires(Permission.READ)
def search():
    """Find sites, buildings and spaces by name or code."""
    results = search_inventory(request.args.get("q", ""))
    return render_template("inventory/search.html", results=results, min_length=MIN_QUERY_LENGTH)
