"""Reads of the OGC API – Features service: one page of a collection's features (bbox, filters, limit, offset),
its count, one feature, a collection's extent. Plain column queries; no ORM objects, nothing written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import shapely
from sqlalchemy import func, or_, select

from facilities.extensions import db
from facilities.inventory.models import Building, Site
from facilities.inventory.services import SiteFilters
from facilities.maps.services import (
    URL_PLACEHOLDER,
    boundaries_gdf,
    compact_json,
    point_geometry,
    site_conditions,
    site_features,
)

# (min longitude, min latitude, max longitude, max latitude) in CRS84 (WGS84, longitude first)
BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Page:
    """One page of features as GeoJSON texts, with the number of features the query matches in all."""

    features: list[str]
    matched: int


def _in_bbox(latitude, longitude, bbox: BBox | None) -> list:
    """Conditions on a point's columns: located, and inside the box (one crossing the antimeridian when
    its west edge is east of its east edge)."""
    if bbox is None:
        return []
    west, south, east, north = bbox
    conditions = [latitude.between(south, north)]
    if west <= east:
        conditions.append(longitude.between(west, east))
    else:
        conditions.append(or_(longitude >= west, longitude <= east))
    return conditions


def _count(conditions: list, *joined) -> int:
    query = select(func.count()).select_from(Site)
    for model, on in joined:
        query = query.join(model, on)
    return int(db.session.scalar(query.where(*conditions)) or 0)


# ---------------------------------------------------------------- sites


def sites_page(filters: SiteFilters, bbox: BBox | None, limit: int, offset: int, url_template: str) -> Page:
    """The sites matching the map's filters and the box, by id, in two queries (the page and its count)."""
    conditions = [*site_conditions(filters), *_in_bbox(Site.latitude, Site.longitude, bbox)]
    features = list(site_features(conditions, url_template, order_by=(Site.id,), limit=limit, offset=offset))
    return Page(features, _count(conditions))


def site_feature(site_id: int, url_template: str) -> str | None:
    """One site as a GeoJSON Feature text, or None when there is no such site."""
    found = list(site_features([Site.id == site_id], url_template, limit=1))  # read to the end: cursor closed
    return found[0] if found else None


def sites_extent() -> BBox | None:
    """The box around every located site, or None when none is located."""
    row = db.session.execute(select(func.min(Site.longitude), func.min(Site.latitude), func.max(Site.longitude),
                                    func.max(Site.latitude))).one()
    return None if row[0] is None else tuple(float(value) for value in row)  # type: ignore[return-value]


# ---------------------------------------------------------------- buildings (at their site's point)

_BUILDING_COLUMNS = (Building.id, Building.code, Building.name, Building.year_built, Building.gross_floor_area_m2,
                     Building.erp_types, Site.id, Site.code, Site.name, Site.status,
                     Site.latitude, Site.longitude)


def _building_features(conditions: list, url_template: str, limit: int | None = None, offset: int = 0
                       ) -> Iterator[str]:
    query = (select(*_BUILDING_COLUMNS).join(Site, Building.site_id == Site.id).where(*conditions)
             .order_by(Building.id).limit(limit).offset(offset or None))
    prefix, _sep, suffix = url_template.partition(str(URL_PLACEHOLDER))
    for (building_id, code, name, year_built, area_m2, erp_types, site_id, site_code, site_name,
         site_status, lat, lon) in db.session.connection().execute(query):
        yield compact_json({
            "type": "Feature",
            "id": building_id,
            "geometry": point_geometry(lat, lon),
            "properties": {
                "id": building_id, "code": code, "name": name, "year_built": year_built,
                "gross_floor_area_m2": None if area_m2 is None else float(area_m2),
                "erp_types": list(erp_types or ()), "site_id": site_id, "site_code": site_code,
                "site_name": site_name, "site_status": site_status, "url": f"{prefix}{building_id}{suffix}",
            },
        })


def buildings_page(filters: SiteFilters, bbox: BBox | None, limit: int, offset: int, url_template: str) -> Page:
    """The buildings of the sites matching the map's filters, at their site's point, inside the box, by id."""
    conditions = [*site_conditions(filters), *_in_bbox(Site.latitude, Site.longitude, bbox)]
    features = list(_building_features(conditions, url_template, limit, offset))
    return Page(features, _count(conditions, (Building, Building.site_id == Site.id)))


def building_feature(building_id: int, url_template: str) -> str | None:
    """One building as a GeoJSON Feature text (at its site's point), or None when there is no such building."""
    found = list(_building_features([Building.id == building_id], url_template, limit=1))
    return found[0] if found else None


# ---------------------------------------------------------------- communes (the imported boundaries)


def communes_loaded() -> bool:
    """True when commune boundaries have been imported."""
    communes = boundaries_gdf()
    return communes is not None and not communes.empty


def _commune_feature(code: str, name: str, geometry) -> str:
    return compact_json({"type": "Feature", "id": code, "geometry": shapely.geometry.mapping(geometry),
                  "properties": {"code": code, "name": name}})


def communes_page(bbox: BBox | None, limit: int, offset: int) -> Page:
    """The communes whose outline meets the box, by INSEE code (the loaded boundaries, cached in memory)."""
    communes = boundaries_gdf()
    if communes is None or communes.empty:
        return Page([], 0)
    if bbox is not None:
        west, south, east, north = bbox
        boxes = ([shapely.box(west, south, east, north)] if west <= east
                 else [shapely.box(west, south, 180, north), shapely.box(-180, south, east, north)])
        hits = sorted({int(i) for box in boxes for i in communes.sindex.query(box, predicate="intersects")})
        communes = communes.iloc[hits]
    communes = communes.sort_values("code")
    chosen = communes.iloc[offset:offset + limit]
    features = [_commune_feature(code, name, geometry)
                for code, name, geometry in zip(chosen["code"], chosen["name"], chosen.geometry, strict=True)]
    return Page(features, len(communes))


def commune_feature(code: str) -> str | None:
    """One commune's outline as a GeoJSON Feature text, or None when it is not loaded."""
    communes = boundaries_gdf()
    if communes is None:
        return None
    found = communes[communes["code"] == code]
    if found.empty:
        return None
    return _commune_feature(code, found["name"].iloc[0], found.geometry.iloc[0])


def communes_extent() -> BBox | None:
    """The box around the loaded communes, or None."""
    communes = boundaries_gdf()
    if communes is None or communes.empty:
        return None
    return tuple(float(value) for value in communes.total_bounds)  # type: ignore[return-value]
