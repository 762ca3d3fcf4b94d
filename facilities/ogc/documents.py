"""The documents of OGC API – Features Part 1 (Core, GeoJSON, OpenAPI 3.0), built from plain data: no Flask, no
database. URLs come in finished (absolute), so these functions are pure and tested alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
)
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"


def link(href: str, rel: str, media_type: str, title: str | None = None) -> dict:
    """A link object (OGC API – Common): where, how it relates to this document, and its media type."""
    found = {"href": href, "rel": rel, "type": media_type}
    if title:
        found["title"] = title
    return found


def landing(title: str, description: str, self_url: str, api_url: str, docs_url: str, conformance_url: str,
            collections_url: str) -> dict:
    """The landing page: what the service is and where its API definition, conformance and data are."""
    return {"title": title, "description": description, "links": [
        link(self_url, "self", JSON, title),
        link(api_url, "service-desc", OPENAPI, "API definition"),
        link(docs_url, "service-doc", "text/html", "API documentation"),
        link(conformance_url, "conformance", JSON, "Conformance classes"),
        link(collections_url, "data", JSON, "Collections"),
    ]}


def conformance() -> dict:
    """The conformance classes the service implements."""
    return {"conformsTo": list(CONFORMANCE)}


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str
    url: str
    items_url: str
    extent: Sequence[float] | None  # west, south, east, north (CRS84)


def collection(info: Collection) -> dict:
    """A collection's description: its extent and the links to itself and its items."""
    described = {
        "id": info.id, "title": info.title, "description": info.description, "itemType": "feature",
        "crs": [CRS84],
        "links": [link(info.url, "self", JSON, info.title), link(info.items_url, "items", GEOJSON, info.title)],
    }
    if info.extent is not None:
        described["extent"] = {"spatial": {"bbox": [list(info.extent)], "crs": CRS84}}
    return described


def collections(self_url: str, infos: Iterable[Collection]) -> dict:
    """The list of collections."""
    return {"links": [link(self_url, "self", JSON)], "collections": [collection(info) for info in infos]}


def page_links(url_with, limit: int, offset: int, returned: int, matched: int, collection_url: str) -> list[dict]:
    """self, collection, and next/prev when there are features after or before this page.

    `url_with(offset)` is this page's URL (its other parameters kept) at another offset."""
    links = [link(url_with(offset), "self", GEOJSON, "This page"), link(collection_url, "collection", JSON)]
    if offset + returned < matched:
        links.append(link(url_with(offset + limit), "next", GEOJSON, "Next page"))
    if offset > 0:
        links.append(link(url_with(max(offset - limit, 0)), "prev", GEOJSON, "Previous page"))
    return links


def _links_text(links: list[dict]) -> str:
    import json

    return json.dumps(links, ensure_ascii=False, separators=(",", ":"))


def feature_collection_text(features: list[str], matched: int, links: list[dict], now: datetime) -> str:
    """A page of features (each already GeoJSON text) as a FeatureCollection with its counts and links."""
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (f'{{"type":"FeatureCollection","numberMatched":{matched},"numberReturned":{len(features)},'
            f'"timeStamp":"{stamp}","links":{_links_text(links)},"features":[{",".join(features)}]}}')


def feature_text(feature: str, links: list[dict]) -> str:
    """One feature (GeoJSON text) with its links (self, collection) added."""
    return f'{feature[:-1]},"links":{_links_text(links)}}}'
