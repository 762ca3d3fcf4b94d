"""Search across the inventory: sites, buildings and spaces by name or code (by index); other areas add their
records through the "search.panels" place (works: operations and envelopes)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, render_template, request
from sqlalchemy import select

from facilities.extensions import db
from facilities.inventory.models import Building, Floor, Site, Space
from facilities.panels import collect
from facilities.permissions import Permission, requires
from facilities.textsearch import COUNT_CAP, capped_count, text_matches

bp = Blueprint("search", __name__)

RESULTS_PER_KIND = 20
MIN_QUERY_LENGTH = 2


@dataclass(frozen=True)
class SearchResults:
    query: str
    sites: list
    buildings: list
    spaces: list
    counts: dict[str, int] = field(default_factory=dict)  # per kind, capped at COUNT_CAP + 1

    @property
    def total(self) -> int:
        return len(self.sites) + len(self.buildings) + len(self.spaces)


def search_inventory(text: str, limit: int = RESULTS_PER_KIND) -> SearchResults:
    """Sites, buildings and spaces whose code or name contains the text, whatever its accents and case, found by
    index (facilities/textsearch.py): the first `limit` of each kind and how many there are (capped)."""
    text = (text or "").strip()[:100]
    if len(text) < MIN_QUERY_LENGTH:
        return SearchResults(text, [], [], [])
    sites = select(Site).where(text_matches(Site.__table__, text)).order_by(Site.name, Site.id)
    buildings = (select(Building, Site.name).join(Site, Building.site_id == Site.id)
                 .where(text_matches(Building.__table__, text)).order_by(Building.name, Building.id))
    spaces = (select(Space, Floor.name, Floor.id, Building.name)
              .join(Floor, Space.floor_id == Floor.id).join(Building, Floor.building_id == Building.id)
              .where(text_matches(Space.__table__, text)).order_by(Building.name, Space.code, Space.id))
    found = {"sites": list(db.session.execute(sites.limit(limit)).scalars()),
             "buildings": list(db.session.execute(buildings.limit(limit)).all()),
             "spaces": list(db.session.execute(spaces.limit(limit)).all())}
    models = {"sites": Site, "buildings": Building, "spaces": Space}
    # Counted only when the list is full: a shorter list is the whole answer.
    counts = {kind: capped_count(select(models[kind].id).where(text_matches(models[kind].__table__, text)))
              if len(rows) == limit else len(rows) for kind, rows in found.items()}
    return SearchResults(text, found["sites"], found["buildings"], found["spaces"], counts)


@bp.route("/search")
@requires(Permission.READ)
def search():
    """Find sites, buildings and spaces (and what other areas add: operations, envelopes) by name or code."""
    results = search_inventory(request.args.get("q", ""))
    panels = collect("search.panels", query=results.query) if len(results.query) >= MIN_QUERY_LENGTH else []
    return render_template("inventory/search.html", results=results, min_length=MIN_QUERY_LENGTH, panels=panels,
                           count_cap=COUNT_CAP)
