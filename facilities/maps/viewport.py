"""What the map shows of a viewport: sites grouped per cell (a Web Mercator tile, 64 pixels a side) in SQL at low
zoom, from the sites' stored tiles and their indexes, the sites themselves past a zoom threshold (or when few are in
view), from the index on (latitude, longitude), each answer with its count of
sites per colour (the legend, beside the map, counts what is in view); and the figures the map page needs without
loading a site (the extent, the sites without coordinates).

Each site has a colour category, computed in SQL: its kind or status (columns), or its energy label or safety
status (the worst letter of the energy area's stored standings, which it writes on each site; the safety area's
planning, over the few sites it knows something about, as a CASE; every other site falls in "none"), so that
grouping 100,000 sites stays one indexed aggregate query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import String, and_, case, cast, func, literal, literal_column, or_, select

from facilities.energy import standings as energy_standings
from facilities.extensions import db
from facilities.inventory.models import MAP_TILE_LEVELS, Building, Site, SiteService
from facilities.inventory.services import SiteFilters
from facilities.maps.services import URL_PLACEHOLDER, site_conditions
from facilities.safety import services as safety
from gis.tiles import key_range, key_xy

#: From this zoom on, the sites themselves are drawn (at most MAX_SITES of them; more, and cells stay).
SITES_ZOOM = 15
#: At any zoom, a view holding at most this many sites draws them rather than cells.
FEW_SITES = 200
#: The most sites one answer carries (about 130 bytes each).
MAX_SITES = 1000
#: A cell is a Web Mercator tile this many levels finer than the zoom asked: 256 / 2**2 = 64 pixels a side.
CELL_LEVELS = 2
MAX_ZOOM = 22
NONE = "none"
#: What the bbox and zoom parameters look like (the API description states the same patterns).
NUMBER = r"-?[0-9]{1,3}(\.[0-9]{1,15})?"
BBOX_PATTERN = rf"^{NUMBER}(,{NUMBER}){{3}}$"
ZOOM_PATTERN = r"^[0-9]{1,2}$"


@dataclass(frozen=True)
class Viewport:
    west: float
    south: float
    east: float
    north: float
    zoom: int


def parse_viewport(bbox: str | None, zoom: str | None) -> tuple[Viewport | None, dict[str, str]]:
    """bbox=west,south,east,north (degrees, WGS84) and zoom (0-22) from query text; errors by parameter."""
    errors: dict[str, str] = {}
    values: list[float] = []
    try:
        if not re.fullmatch(BBOX_PATTERN, bbox or ""):
            raise ValueError
        values = [float(part) for part in (bbox or "").split(",")]
    except ValueError:
        errors["bbox"] = _("four numbers, west,south,east,north, in degrees")
    else:
        west, south, east, north = values
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            errors["bbox"] = _("west before east between -180 and 180, south below north between -90 and 90")
    level = int(zoom) if re.fullmatch(ZOOM_PATTERN, zoom or "") else -1
    if not 0 <= level <= MAX_ZOOM:
        errors["zoom"] = _("a whole number from 0 to %(max)s", max=MAX_ZOOM)
    if errors:
        return None, errors
    return Viewport(*values, zoom=level), {}


# ---------------------------------------------------------------- colour categories


def _erp_recorded():
    """True for a site with a building whose ERP types are recorded (the safety pages can say something): the
    sites of such buildings are listed once per query (a subquery per site cost 0.2 s over 100,000 sites)."""
    return Site.id.in_(select(Building.site_id).where(
        func.coalesce(cast(Building.erp_types, String), "[]").not_in(("[]", "null"))))


def category_column(color_by: str):
    """The SQL expression of each site's colour category for a colouring (kind, status, dpe, safety)."""
    if color_by == "status":
        return Site.status
    if color_by == "dpe":
        stored = energy_standings.site_dpe_class_column()
        if stored is not None:  # from the energy area's stored standings, written on each site
            return func.coalesce(stored, NONE)
        by_class: dict[str, list[int]] = {}
        for site_id, letter in energy_standings.latest_dpe_class_by_site().items():
            by_class.setdefault(letter, []).append(site_id)
        if not by_class:
            return literal(NONE)
        return case(*((Site.id.in_(ids), letter) for letter, ids in sorted(by_class.items())), else_=NONE)
    if color_by == "safety":
        by_status: dict[str, list[int]] = {status: [] for status in safety.SITE_STATUSES}
        for site_id, status in safety.site_statuses().items():
            by_status[status].append(site_id)
        return case((Site.id.in_(by_status["alert"]), "alert"), (Site.id.in_(by_status["due_soon"]), "due_soon"),
                    (or_(Site.id.in_(by_status["ok"]), _erp_recorded()), "ok"), else_=NONE)
    return Site.kind


def _located(filters: SiteFilters) -> list:
    return [*site_conditions(filters), Site.latitude.is_not(None), Site.longitude.is_not(None)]


def extent(filters: SiteFilters) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of the located sites, or None when there are none."""
    row = db.session.execute(select(func.min(Site.longitude), func.min(Site.latitude), func.max(Site.longitude),
                                    func.max(Site.latitude)).where(*_located(filters))).one()
    return None if row[0] is None else tuple(float(v) for v in row)


def not_located(filters: SiteFilters, url_template: str, limit: int = 200) -> tuple[int, list[dict[str, Any]]]:
    """How many filtered sites have no coordinates, and the first `limit` of them by name (name, code, url). Each
    read starts in the location index at "no latitude", then "a latitude without a longitude": its cost follows the
    sites without coordinates, not the portfolio ("no latitude OR no longitude" would read every site)."""
    total, rows = 0, []
    for unlocated in (Site.latitude.is_(None), and_(Site.latitude.is_not(None), Site.longitude.is_(None))):
        conditions = (*site_conditions(filters), unlocated)
        count = db.session.scalar(select(func.count()).select_from(Site).where(*conditions)) or 0
        total += count
        if count:
            rows += db.session.execute(select(Site.id, Site.name, Site.code).where(*conditions)
                                       .order_by(Site.name, Site.id).limit(limit)).all()
    rows.sort(key=lambda row: (row.name, row.id))
    prefix, _sep, suffix = url_template.partition(str(URL_PLACEHOLDER))
    return int(total), [{"name": name, "code": code, "url": f"{prefix}{site_id}{suffix}"}
                        for site_id, name, code in rows[:limit]]


# ---------------------------------------------------------------- one viewport


def tile_level(zoom: int) -> tuple[int, int]:
    """(stored level, shift) of a zoom's cells: tiles of level zoom + CELL_LEVELS, read from the sites' stored tiles
    of the nearest level at most two finer (MAP_TILE_LEVELS are three apart), each cell merging 4**shift of them."""
    wanted = zoom + CELL_LEVELS
    for level in MAP_TILE_LEVELS:
        if level >= wanted:
            return level, level - wanted
    return MAP_TILE_LEVELS[-1], 0  # past the finest: its tiles, larger than 64 pixels, are the cells


def viewport_content(filters: SiteFilters, view: Viewport, color_by: str) -> dict[str, Any]:
    """The clusters (cells) or the sites of a viewport, with the count of its sites per colour category."""
    category = category_column(color_by)
    where = [*_located(filters), Site.latitude.between(view.south, view.north),
             Site.longitude.between(view.west, view.east)]
    if view.zoom >= SITES_ZOOM:
        sites = _sites(where, category, MAX_SITES + 1)
        if len(sites) <= MAX_SITES:
            return _answer("sites", view, sites=sites)
    clusters = _clusters(where, category, view)
    if sum(cluster["n"] for cluster in clusters) <= FEW_SITES:
        return _answer("sites", view, sites=_sites(where, category, FEW_SITES + 1))
    return _answer("clusters", view, clusters=clusters)


def _answer(mode: str, view: Viewport, *, sites: list | None = None, clusters: list | None = None) -> dict:
    counts: dict[str, int] = {}
    for item in clusters or ():
        for code, n in item["counts"].items():
            counts[code] = counts.get(code, 0) + n
    for site in sites or ():
        counts[site["c"]] = counts.get(site["c"], 0) + 1
    total = sum(counts.values())
    return {"mode": mode, "zoom": view.zoom, "total": total, "counts": counts, "clusters": clusters or [],
            "sites": sites or []}


def _clusters(where: Iterable, category, view: Viewport) -> list[dict[str, Any]]:
    """Sites per cell and category, one cluster per cell at its sites' mean position. SQL groups them per stored
    tile in the order of the tile's index (kind next in it: the default colouring sorts nothing); Python merges the
    few finer tiles of each cell."""
    level, shift = tile_level(view.zoom)
    tile = getattr(Site, f"map_tile_{level}")
    low, high = key_range(view.west, view.south, view.east, view.north, level)
    code = category.label("category")
    # Grouped by the label: a category computed by a subquery is then computed once a site, not twice.
    query = (select(tile, code, func.count(), func.sum(Site.latitude), func.sum(Site.longitude))
             .where(tile.between(low, high), *where).group_by(tile, literal_column("category")))
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    for key, category_code, count, latitudes, longitudes in db.session.execute(query):
        x, y = key_xy(key, level)
        cell = cells.setdefault((x >> shift, y >> shift), {"n": 0, "lat": 0.0, "lon": 0.0, "counts": {}})
        cell["n"] += count
        cell["lat"] += latitudes
        cell["lon"] += longitudes
        cell["counts"][str(category_code)] = cell["counts"].get(str(category_code), 0) + count
    return [{"lat": round(cell["lat"] / cell["n"], 5), "lon": round(cell["lon"] / cell["n"], 5), "n": cell["n"],
             "counts": cell["counts"]} for cell in cells.values()]


def _sites(where: Iterable, category, limit: int) -> list[dict[str, Any]]:
    """The sites of the view (at most `limit`): what a marker and its popup show, figures excepted."""
    services = (select(func.aggregate_strings(SiteService.service_code, ","))
                .where(SiteService.site_id == Site.id).scalar_subquery())
    query = (select(Site.id, Site.name, Site.latitude, Site.longitude, category.label("category"), Site.address,
                    Site.postcode, Site.commune_name, services)
             .where(*where).order_by(Site.latitude.desc(), Site.id).limit(limit))
    sites = []
    for site_id, name, latitude, longitude, code, address, postcode, commune, codes in db.session.execute(query):
        town = " ".join(part for part in (postcode, commune) if part)
        sites.append({"id": site_id, "n": name, "lat": round(latitude, 6), "lon": round(longitude, 6),
                      "c": str(code), "a": ", ".join(part for part in (address, town) if part) or None,
                      "s": sorted(codes.split(",")) if codes else []})
    return sites
