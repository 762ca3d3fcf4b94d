"""OGC API – Features at /ogc: the sites, buildings and communes as layers that QGIS, GDAL and ArcGIS add natively."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The OGC API – Features service (joined to the OpenAPI description) and its link on the map page."""
    from facilities.api import register_api
    from facilities.ogc import routes
    from facilities.panels import register_panel

    register_api(app, routes.bp, url_prefix="/ogc")
    register_panel(app, "map.links", "ogc/_map_link.html", order=20)
