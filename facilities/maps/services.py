"""Services of the maps area: site records for the map and GeoJSON, boundaries import and cache, analyses.

Reads select plain columns (no ORM objects) so that 10,000 sites stay fast; services flush, never commit.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from sqlalchemy import case, delete, func, insert, literal_column, null, select, true, update
from sqlalchemy import inspect as sa_inspect

from facilities.extensions import db
from facilities.inventory.catalogue import SpaceType
from facilities.inventory.models import MAP_TILE_LEVELS, Building, Floor, Site, SiteService, Space
from facilities.inventory.services import SiteFilters, site_query
from facilities.maps.models import Boundary, BoundaryImport
from gis import WGS84
from gis.analysis import (
    join_sites_to_communes,
    locate_communes,
    nearest_site_by_commune,
    sites_serving_counts,
)
from gis.boundaries import BoundarySet, read_boundaries
from gis.errors import GisError
from gis.io import to_lambert93, write_sites
from gis.sites import sites_to_gdf
from gis.tiles import tile_key

# ---------------------------------------------------------------- site records

_SITE_COLUMNS = (
    Site.id, Site.code, Site.name, Site.kind, Site.status, Site.address, Site.postcode, Site.commune_code,
    Site.commune_name, Site.latitude, Site.longitude, Site.location_precision,
)
URL_PLACEHOLDER = 987654321


def _filtered(query, filters: SiteFilters):
    """Apply the inventory's site filters (one source of truth: its site_query) to a column query."""
    return query.where(*site_conditions(filters))


def _services_by_site(filters: SiteFilters) -> dict[int, tuple[str, ...]]:
    """Service codes of the filtered sites, in one query, as tuples of strings (see site_records)."""
    ids = _filtered(select(Site.id), filters)
    rows = _rows(
        select(SiteService.site_id, SiteService.service_code)
        .where(SiteService.site_id.in_(ids.scalar_subquery()))
        .order_by(SiteService.site_id, SiteService.service_code)
    )
    return {site_id: tuple(code for _id, code in group) for site_id, group in groupby(rows, key=itemgetter(0))}


def site_figures(filters: SiteFilters) -> dict[int, dict[str, int]]:
    """Floors, workstations and medical cabinets per filtered site (all buildings), in two aggregate queries."""
    return _figures_of(_filtered(select(Site.id), filters).scalar_subquery())


def figures_of_site(site_id: int) -> dict[str, int] | None:
    """Floors, workstations and medical cabinets of one site (its map popup); None for an unknown site."""
    if db.session.get(Site, site_id) is None:
        return None
    no_figures = {"floors": 0, "workstations": 0, "medical_cabinets": 0}
    return _figures_of(select(Site.id).where(Site.id == site_id).scalar_subquery()).get(site_id, no_figures)


def _figures_of(ids) -> dict[int, dict[str, int]]:
    figures: dict[int, dict[str, int]] = {}
    floor_rows = _rows(
        select(Building.site_id, func.count(Floor.id))
        .join(Floor, Floor.building_id == Building.id)
        .where(Building.site_id.in_(ids))
        .group_by(Building.site_id)
    )
    for site_id, floors in floor_rows:
        figures[site_id] = {"floors": int(floors), "workstations": 0, "medical_cabinets": 0}
    space_rows = _rows(
        select(
            Building.site_id,
            func.coalesce(func.sum(Space.workstations), 0),
            func.count(case((Space.space_type == SpaceType.MEDICAL_CABINET.value, 1))),
        )
        .join(Floor, Floor.building_id == Building.id)
        .join(Space, Space.floor_id == Floor.id)
        .where(Building.site_id.in_(ids))
        .group_by(Building.site_id)
    )
    for site_id, workstations, cabinets in space_rows:
        entry = figures.setdefault(site_id, {"floors": 0, "workstations": 0, "medical_cabinets": 0})
        entry["workstations"] = int(workstations)
        entry["medical_cabinets"] = int(cabinets)
    return figures


def _rows(query) -> Iterable[tuple]:
    """Plain rows through the Core connection, read once as they come: no ORM processing, no list of them all."""
    return db.session.connection().execute(query)


def site_records(filters: SiteFilters, *, with_figures: bool = False, url_template: str = "",
                 with_communes_served: bool = True) -> list[dict[str, Any]]:
    """Plain site records (the gis.sites shape) of the filtered sites, in two to four queries.

    ``url_template`` is a site URL built once with the placeholder id ``987654321`` (building one URL per site
    with url_for would cost more than the whole query).

    A record holds only strings, numbers and tuples of strings (services, communes served), made before the
    record: the cyclic garbage collector stops following such tuples at its next young pass and never follows
    dicts of such values, so 10,000 records do not make it walk the whole heap again and again.
    """
    services = _services_by_site(filters)
    figures = site_figures(filters) if with_figures else {}
    # communes_served is JSON: decoding it for 10,000 rows costs more than the query, so only when needed.
    served_column = Site.communes_served if with_communes_served else null()
    rows = _rows(_filtered(select(*_SITE_COLUMNS, served_column), filters).order_by(Site.name, Site.id))
    prefix, _sep, suffix = url_template.partition(str(URL_PLACEHOLDER))
    no_figures = {"floors": 0, "workstations": 0, "medical_cabinets": 0}
    records = []
    for (site_id, code, name, kind, status, address, postcode, commune_code, commune_name, latitude, longitude,
         precision, communes_served) in rows:
        record = {
            "id": site_id, "code": code, "name": name, "kind": kind, "status": status,
            "address": _full_address(address, postcode, commune_name),
            "commune_code": commune_code, "commune_name": commune_name,
            "latitude": latitude, "longitude": longitude, "location_precision": precision,
            "services": services.get(site_id, ()),
            "communes_served": _served_codes(communes_served) if communes_served else (),
            "url": f"{prefix}{site_id}{suffix}" if url_template else None,
        }
        if with_figures:
            record.update(figures.get(site_id, no_figures))
        records.append(record)
    return records


def _served_codes(communes_served: list) -> tuple[str, ...]:
    return tuple(c.get("code") for c in communes_served if isinstance(c, dict))


def _full_address(address: str | None, postcode: str | None, commune: str | None) -> str | None:
    town = " ".join(part for part in (postcode, commune) if part)
    parts = [part for part in (address, town) if part]
    return ", ".join(parts) or None


GEOJSON_PROPERTIES = ("id", "code", "name", "kind", "status", "commune_code", "commune_name", "services",
                      "address", "url")


def sites_feature_collection(records: Iterable[Mapping[str, Any]], *, located_only: bool = False,
                             extra: Iterable[str] = ()) -> dict[str, Any]:
    """GeoJSON FeatureCollection, one Feature per site; a site without coordinates gets a null geometry."""
    names = (*GEOJSON_PROPERTIES, *extra)
    # Points first, then the features: a feature of strings, numbers and finished tuples is no work for the
    # cyclic garbage collector (see site_records), where one per site built in one go would be.
    points = [(record, _point(record)) for record in records]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": record["id"],
         "geometry": {"type": "Point", "coordinates": point} if point else None,
         "properties": {name: record.get(name) for name in names}}
        for record, point in points if point or not located_only]}


def _point(record: Mapping[str, Any]) -> tuple[float, float] | None:
    """(longitude, latitude) of a located record, to the 6 decimals GeoJSON needs (about 10 cm)."""
    lat, lon = record.get("latitude"), record.get("longitude")
    return None if lat is None or lon is None else (round(lon, 6), round(lat, 6))


_GEOJSON_COLUMNS = (Site.id, Site.code, Site.name, Site.kind, Site.status, Site.commune_code, Site.commune_name,
                    Site.address, Site.postcode, Site.latitude, Site.longitude)
_FEATURES_PER_CHUNK = 500


def site_conditions(filters: SiteFilters) -> list:
    """The WHERE conditions of the inventory's site filters (one source of truth: its site_query)."""
    where = site_query(filters).whereclause
    return [] if where is None else [where]


def site_features(conditions: Iterable, url_template: str, *, order_by: tuple = (Site.name, Site.id),
                  limit: int | None = None, offset: int = 0) -> Iterator[str]:
    """Each selected site as the text of a GeoJSON Feature (compact UTF-8), read row by row in one query.

    A site's services come aggregated with it (a correlated subquery on the services' primary key), so no dict of
    every site's services is held: the sites are streamed from the database to the client in constant memory.
    """
    services = (select(func.aggregate_strings(SiteService.service_code, ","))
                .where(SiteService.site_id == Site.id).scalar_subquery())
    query = select(*_GEOJSON_COLUMNS, services).where(*conditions).order_by(*order_by).offset(offset or None)
    if limit is not None:
        query = query.limit(limit)
    # Read in batches (a server-side cursor on PostgreSQL): this statement only, never the session's connection.
    rows = db.session.connection().execute(query.execution_options(yield_per=1000))
    prefix, _sep, suffix = url_template.partition(str(URL_PLACEHOLDER))
    for site_id, code, name, kind, status, commune_code, commune_name, address, postcode, lat, lon, codes in rows:
        yield site_feature_text(site_id, point_geometry(lat, lon), code, name, kind, status, commune_code,
                                commune_name, sorted(codes.split(",")) if codes else [],
                                _full_address(address, postcode, commune_name), f"{prefix}{site_id}{suffix}")


_json_string = json.encoder.encode_basestring  # a str as a JSON string, UTF-8 kept (the C encoder's own function)


def _text_or_null(value: str | None) -> str:
    return "null" if value is None else _json_string(value)


_SITE_FEATURE = ('{"type":"Feature","id":%d,"geometry":%s,"properties":{"id":%d,"code":%s,"name":%s,"kind":%s,'
                 '"status":%s,"commune_code":%s,"commune_name":%s,"services":[%s],"address":%s,"url":%s}}')


def site_feature_text(site_id: int, geometry: dict | None, code: str, name: str, kind: str | None,
                      status: str | None, commune_code: str | None, commune_name: str | None, services: list[str],
                      address: str | None, url: str) -> str:
    """One site's GeoJSON Feature as compact JSON text, written field by field: every text through the JSON
    encoder's own string escaping, numbers as the encoder writes them. The same text as compact_json of the
    Feature's dict (tests/maps/test_api_geojson.py checks it on hostile strings), at a third of the cost: a dict per
    site, then the encoder walking it, cost twice as much as reading the site from the database."""
    if geometry is None:
        point = "null"
    else:
        longitude, latitude = geometry["coordinates"]
        point = '{"type":"Point","coordinates":[' + repr(longitude) + "," + repr(latitude) + "]}"
    return _SITE_FEATURE % (
        site_id, point, site_id, _text_or_null(code), _text_or_null(name), _text_or_null(kind),
        _text_or_null(status), _text_or_null(commune_code), _text_or_null(commune_name),
        ",".join(map(_json_string, services)), _text_or_null(address), _json_string(url))


def point_geometry(latitude: float | None, longitude: float | None) -> dict | None:
    """A GeoJSON Point to the 6 decimals GeoJSON needs (about 10 cm), or None for an unlocated record."""
    if latitude is None or longitude is None:
        return None
    return {"type": "Point", "coordinates": (round(longitude, 6), round(latitude, 6))}


def sites_geojson_chunks(filters: SiteFilters, url_template: str) -> Iterator[str]:
    """The filtered sites as a GeoJSON FeatureCollection for GIS software (QGIS), in pieces of text to stream, in
    the order the sites were created (as the OGC API pages them): read from the table in its own order, where
    sorting 100,000 sites by name doubled the query."""
    yield '{"type":"FeatureCollection","features":['
    chunk: list[str] = []
    separator = ""
    for feature in site_features(site_conditions(filters), url_template, order_by=(Site.id,)):
        chunk.append(feature)
        if len(chunk) == _FEATURES_PER_CHUNK:
            yield separator + ",".join(chunk)
            chunk, separator = [], ","
    if chunk:
        yield separator + ",".join(chunk)
    yield "]}"


def sites_version() -> str:
    """A tag of the state of every site, from indexed reads only: it changes with any site created, saved (its
    services too: they count as a save, and a save sets `updated_at`) or deleted, so a client's copy of the GeoJSON
    and the kept choropleths can be checked for free. The number of sites tells a deletion; the greatest id and the
    newest save, a creation or a save (summing every site's version read the whole table: 48 ms at 100,000 sites)."""
    # Three subqueries, not one SELECT of three aggregates: each MAX is then one seek in its index.
    count, last_id, last_saved = db.session.execute(select(
        select(func.count()).select_from(Site).scalar_subquery(), select(func.max(Site.id)).scalar_subquery(),
        select(func.max(Site.updated_at)).scalar_subquery())).one()
    stamp = last_saved.isoformat() if hasattr(last_saved, "isoformat") else str(last_saved or "")
    return f"{count}-{last_id or 0}-{stamp}"


compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # compact UTF-8, one encoder


def located_sites_gdf(records: list[Mapping[str, Any]]) -> gpd.GeoDataFrame:
    """The located records as an EPSG:4326 GeoDataFrame (unlocated ones are left out, never put at 0,0)."""
    return sites_to_gdf(records, on_missing="skip")


# ---------------------------------------------------------------- boundaries


def import_boundaries(path: str | Path, code_field: str, name_field: str, layer: str | None = None
                      ) -> tuple[BoundaryImport, BoundarySet]:
    """Replace the boundaries with those of a file; raises gis.BoundaryError (nothing changed) on a bad file."""
    boundary_set = read_boundaries(path, code_field, name_field, layer=layer)  # checks before any write
    db.session.execute(delete(Boundary))
    db.session.execute(delete(BoundaryImport))
    record = BoundaryImport(
        source_name=Path(path).name, layer=layer, code_field=code_field, name_field=name_field,
        source_crs=boundary_set.source_crs, features_read=boundary_set.read,
        features_repaired=boundary_set.repaired, features_skipped=boundary_set.skipped,
    )
    db.session.add(record)
    db.session.flush()
    gdf = boundary_set.gdf
    wkb = shapely.to_wkb(np.asarray(gdf.geometry.values, dtype=object))
    db.session.execute(insert(Boundary), [
        {"import_id": record.id, "code": str(code), "name": str(name or ""), "geometry_wkb": bytes(blob)}
        for code, name, blob in zip(gdf["code"].tolist(), gdf["name"].tolist(), wkb, strict=True)
    ])
    db.session.flush()
    relocate_all_sites(boundaries_gdf())  # the order of the cached communes decides a point on a border
    return record, boundary_set


def current_boundary_import() -> BoundaryImport | None:
    """The import the current boundaries come from, or None when none are loaded."""
    return db.session.execute(select(BoundaryImport).order_by(BoundaryImport.id.desc()).limit(1)).scalar_one_or_none()


_cache_lock = threading.Lock()
_boundaries_cache: dict[str, tuple[tuple, gpd.GeoDataFrame]] = {}


def boundaries_gdf() -> gpd.GeoDataFrame | None:
    """The loaded communes (code, name, geometry in WGS84), cached until the next import; None when none."""
    latest = db.session.execute(
        select(BoundaryImport.id, BoundaryImport.imported_at).order_by(BoundaryImport.id.desc()).limit(1)
    ).first()
    if latest is None:
        return None
    database = db.engine.url.render_as_string(hide_password=True)
    key = (latest.id, latest.imported_at)
    cached = _boundaries_cache.get(database)
    if cached is not None and cached[0] == key:
        return cached[1]
    rows = db.session.execute(
        select(Boundary.code, Boundary.name, Boundary.geometry_wkb)
        .where(Boundary.import_id == latest.id).order_by(Boundary.code)
    ).all()
    gdf = gpd.GeoDataFrame(
        {"code": [r.code for r in rows], "name": [r.name for r in rows]},
        geometry=shapely.from_wkb([r.geometry_wkb for r in rows]) if rows else [],
        crs=WGS84,
    )
    with _cache_lock:
        _boundaries_cache[database] = (key, gdf)
    return gdf


def commune_outlines_near(lat: float, lon: float, radius_km: float = 3) -> list[shapely.Geometry]:
    """Outlines (WGS84 polygons) of the loaded communes within radius_km of a point; [] when none loaded."""
    communes = boundaries_gdf()
    if communes is None or communes.empty:
        return []
    communes_l93 = to_lambert93(communes)
    centre = to_lambert93(gpd.GeoDataFrame(geometry=gpd.points_from_xy([lon], [lat]), crs=WGS84)).geometry.iloc[0]
    hits = communes_l93.sindex.query(centre.buffer(radius_km * 1000), predicate="intersects")
    return list(communes.geometry.iloc[np.sort(hits)])


def commune_from_location_by_site(site_ids: Iterable[int]) -> dict[int, str | None]:
    """INSEE code of the commune each site's point lies in (None: not located, outside, or no boundaries), as
    stored on the site (located on every move and every boundaries import)."""
    ids = list(site_ids)
    result: dict[int, str | None] = dict.fromkeys(ids)
    if not ids or boundaries_gdf() is None:
        return result
    rows = db.session.execute(
        select(Site.id, Site.location_commune_code).where(Site.id.in_(ids), Site.location_commune_code.is_not(None)))
    result.update((site_id, code) for site_id, code in rows)
    return result


# ---------------------------------------------------------------- the stored commune of each site's point


def locate_points(latitudes: Iterable[float | None], longitudes: Iterable[float | None],
                  communes: gpd.GeoDataFrame | None) -> list[str | None]:
    """The commune code each (latitude, longitude) lies in, in one vectorised query; None for a missing
    coordinate, a point outside every commune, or no communes."""
    lats = np.asarray(list(latitudes), dtype=float)
    lons = np.asarray(list(longitudes), dtype=float)
    result: list[str | None] = [None] * len(lats)
    located = np.flatnonzero(~(np.isnan(lats) | np.isnan(lons)))
    if communes is None or communes.empty or not len(located):
        return result
    points = gpd.GeoSeries(gpd.points_from_xy(lons[located], lats[located]), crs=WGS84)
    for index, code in zip(located.tolist(), locate_communes(points, communes), strict=True):
        result[index] = code
    return result


def map_tiles(latitude: float | None, longitude: float | None) -> dict[str, int | None]:
    """A point's stored map tiles, by column (map_tile_<level>): what the map groups a viewport's sites by."""
    return {f"map_tile_{level}": tile_key(latitude, longitude, level) for level in MAP_TILE_LEVELS}


def locate_changed_sites(session, _flush_context, _instances) -> None:
    """before_flush: a site created or moved gets the commune its new point lies in (location_commune_code) and
    its map tiles, so that every write (form, API, bulk import, demo) keeps them right without knowing of the maps
    area."""
    changed = [obj for obj in (*session.new, *session.dirty) if isinstance(obj, Site) and (
        obj in session.new or _moved(obj))]
    if not changed:
        return
    codes = locate_points([site.latitude for site in changed], [site.longitude for site in changed],
                          boundaries_gdf())
    for site, code in zip(changed, codes, strict=True):
        if site.location_commune_code != code:
            site.location_commune_code = code
        for column, key in map_tiles(site.latitude, site.longitude).items():
            if getattr(site, column) != key:
                setattr(site, column, key)


def _moved(site: Site) -> bool:
    state = sa_inspect(site)
    return state.attrs.latitude.history.has_changes() or state.attrs.longitude.history.has_changes()


_LOCATE_CHUNK = 20_000


def relocate_all_sites(communes: gpd.GeoDataFrame | None) -> int:
    """Store the commune of every located site's point for these communes (after a boundaries import): read in
    chunks by id, located in bulk, written one UPDATE per commune and chunk; returns the sites located in one."""
    connection = db.session.connection()
    # A derived column: its refresh is no edit of the sites (updated_at and version stay).
    keep = {"updated_at": Site.updated_at}
    connection.execute(update(Site).where(Site.location_commune_code.is_not(None))
                       .values(location_commune_code=None, **keep))
    located = 0
    last_id = 0
    while True:
        rows = connection.execute(
            select(Site.id, Site.latitude, Site.longitude)
            .where(Site.id > last_id, Site.latitude.is_not(None), Site.longitude.is_not(None))
            .order_by(Site.id).limit(_LOCATE_CHUNK)).all()
        if not rows:
            break
        last_id = rows[-1][0]
        codes = locate_points([r[1] for r in rows], [r[2] for r in rows], communes)
        by_code: dict[str, list[int]] = {}
        for row, code in zip(rows, codes, strict=True):
            if code is not None:
                by_code.setdefault(code, []).append(row[0])
        for code, ids in by_code.items():
            connection.execute(update(Site).where(Site.id.in_(ids)).values(location_commune_code=code, **keep))
            located += len(ids)
    return located


def commune_from_location_field(site: Site) -> dict[str, str | None]:
    """A site's API record gains `commune_from_location` once boundaries are loaded (nothing before)."""
    if boundaries_gdf() is None:
        return {}
    return {"commune_from_location": commune_from_location_by_site([site.id]).get(site.id)}


@dataclass(frozen=True)
class LocationCheck:
    boundaries_loaded: bool
    commune_code: str | None = None
    commune_name: str | None = None
    mismatch: bool = False


def check_site_location(site: Site) -> LocationCheck:
    """The commune a site's point falls in, and whether it differs from the commune recorded on the site."""
    communes = boundaries_gdf()
    if communes is None:
        return LocationCheck(boundaries_loaded=False)
    code = commune_from_location_by_site([site.id]).get(site.id)
    if code is None:
        return LocationCheck(boundaries_loaded=True)
    names = communes.loc[communes["code"] == code, "name"]
    mismatch = bool(site.commune_code) and site.commune_code != code
    return LocationCheck(True, code, names.iloc[0] if len(names) else None, mismatch)


# ---------------------------------------------------------------- analyses and export


class NoBoundaries(GisError):
    """An analysis needs commune boundaries and none are loaded."""


_indicator_cache: OrderedDict[tuple, gpd.GeoDataFrame | None] = OrderedDict()
_INDICATORS_KEPT = 16


def cached_communes_indicator(filters: SiteFilters, indicator: str, service: str | None) -> gpd.GeoDataFrame | None:
    """communes_indicator of the filtered sites, kept until a site or the boundaries change (the state of every
    site is read in one aggregate query). Counts are GROUP BY queries on each site's stored commune; distances
    read only the open sites offering the service."""
    latest = db.session.execute(
        select(BoundaryImport.id, BoundaryImport.imported_at).order_by(BoundaryImport.id.desc()).limit(1)).first()
    key = (db.engine.url.render_as_string(hide_password=True), sites_version(), tuple(latest or ()), filters,
           indicator, service)
    with _cache_lock:
        if key in _indicator_cache:
            _indicator_cache.move_to_end(key)
            return _indicator_cache[key]
    communes = boundaries_gdf()
    if communes is None or communes.empty:
        result = None
    elif indicator == "sites_count":
        result = communes.copy()
        counts = sites_count_by_commune(filters)
        result["sites_count"] = np.fromiter((counts.get(code, 0) for code in result["code"].tolist()), dtype=int,
                                            count=len(result))
    else:
        result = nearest_site_by_commune(communes, _open_sites_offering(filters, service or ""), service or "")
    with _cache_lock:
        _indicator_cache[key] = result
        while len(_indicator_cache) > _INDICATORS_KEPT:
            _indicator_cache.popitem(last=False)
    return result


def _json_elements(column):
    """The elements of a JSON array column as a table (`value`, and `type` as json_typeof names it), joined
    laterally: PostgreSQL's json_array_elements, SQLite's json_each."""
    if db.engine.dialect.name == "postgresql":
        # json_array_elements fails on a scalar (a JSON null, say): such a value reads as an empty list.
        column = case((func.json_typeof(column) == "array", column), else_=literal_column("'[]'::json"))
        elements = func.json_array_elements(column).table_valued("value").lateral()
        return elements, func.json_typeof(elements.c.value), elements.c.value.op("->>")("code")
    elements = func.json_each(column).table_valued("value", "type")
    return elements, elements.c.type, func.json_extract(elements.c.value, "$.code")


def sites_count_by_commune(filters: SiteFilters) -> dict[str, int]:
    """Per commune code, the located filtered sites serving it: the communes of its communes_served list, else the
    commune its point lies in (location_commune_code), else its recorded commune; two GROUP BY queries (what
    gis.analysis.sites_serving_counts counts from every site's record, without reading one)."""
    located = (*site_conditions(filters), Site.latitude.is_not(None), Site.longitude.is_not(None))
    elements, kind, code = _json_elements(Site.communes_served)
    served = db.session.execute(
        select(code, func.count(func.distinct(Site.id))).select_from(Site).join(elements, true())
        .where(*located, kind == "object").group_by(code)).all()
    inner, inner_kind, _code = _json_elements(Site.communes_served)
    serves_any = select(1).select_from(inner).where(inner_kind == "object").exists()
    home = func.coalesce(Site.location_commune_code, Site.commune_code)
    homes = db.session.execute(
        select(home, func.count(Site.id)).where(*located, ~serves_any).group_by(home)).all()
    counts: dict[str, int] = {}
    for commune, count in (*served, *homes):
        if commune is not None:
            counts[str(commune)] = counts.get(str(commune), 0) + int(count)
    return counts


def _open_sites_offering(filters: SiteFilters, service: str) -> gpd.GeoDataFrame:
    """The located, open filtered sites offering a service (id, code, name, status, services), in one query."""
    offers = select(SiteService.site_id).where(SiteService.site_id == Site.id,
                                               SiteService.service_code == service).exists()
    rows = db.session.execute(
        select(Site.id, Site.code, Site.name, Site.latitude, Site.longitude)
        .where(*site_conditions(filters), Site.latitude.is_not(None), Site.longitude.is_not(None),
               Site.status == "open", offers)
        .order_by(Site.name, Site.id)).all()  # the order of the records: the same site of two at one distance
    return gpd.GeoDataFrame(
        {"id": [r[0] for r in rows], "code": [r[1] for r in rows], "name": [r[2] for r in rows],
         "status": ["open"] * len(rows), "services": [(service,)] * len(rows)},
        geometry=gpd.points_from_xy([r[4] for r in rows], [r[3] for r in rows]), crs=WGS84)


def communes_indicator(records: list[Mapping[str, Any]], indicator: str, service: str | None
                       ) -> gpd.GeoDataFrame | None:
    """From site records (every point located again: the reference cached_communes_indicator's queries match), the communes with an indicator column (sites_count or distance_km); None when no boundaries are loaded."""
    communes = boundaries_gdf()
    if communes is None or communes.empty:
        return None
    sites = located_sites_gdf(records)
    if indicator == "sites_count":
        return sites_serving_counts(communes, sites)
    return nearest_site_by_commune(communes, sites, service or "")


def coverage(service: str) -> list[dict[str, Any]]:
    """Per commune, the nearest open site offering a service and its distance in km, worst served first."""
    communes = boundaries_gdf()
    if communes is None or communes.empty:
        raise NoBoundaries("No commune boundaries are loaded; run 'flask gis import-boundaries' first.")
    sites = located_sites_gdf(site_records(SiteFilters()))
    table = nearest_site_by_commune(communes, sites, service, sort_worst_first=True)
    return [
        {"code": code, "name": name, "site_code": site_code, "site_name": site_name,
         "distance_km": None if distance != distance else float(distance)}
        for code, name, site_code, site_name, distance in zip(
            table["code"], table["name"], table["nearest_site_code"], table["nearest_site_name"],
            table["distance_km"], strict=True)
    ]


def export_sites(path: str | Path) -> tuple[int, int]:
    """Write every located site to a file (format from the extension); return (written, not located)."""
    records = site_records(SiteFilters(), with_figures=True)
    gdf = located_sites_gdf(records)
    gdf = gdf.drop(columns=[c for c in ("latitude", "longitude", "url") if c in gdf.columns])
    communes = boundaries_gdf()
    if communes is not None and len(gdf):
        gdf = join_sites_to_communes(gdf, communes)
        gdf["commune_mismatch"] = gdf["commune_mismatch"].astype(bool)
    write_sites(gdf, path)
    return len(gdf), len(records) - len(gdf)
