"""Capital renewal: when each item of equipment falls due (its life, or its condition by the owner's policy), the
forecast of the portfolio and of each building, and the needs turned into draft works operations.

It sits above works and safety (which must not know each other): it reads the safety area's equipment register
and writes through the works area's rules and services; the link between an operation and the items it renews
is its own table (facilities/renewal/models.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The renewal pages and API, and its panels on the building page, the operation page and the works list."""
    from facilities.api import register_api
    from facilities.panels import register_panel
    from facilities.permissions import Permission
    from facilities.renewal import api, routes

    app.register_blueprint(routes.bp)
    register_api(app, api.bp)
    register_panel(app, "building.panels", "renewal/_building_panel.html", routes.building_panel, order=25)
    register_panel(app, "operation.panels", "renewal/_operation_panel.html", routes.operation_panel)
    register_panel(app, "works.links", "renewal/_works_link.html", routes.works_link, permission=Permission.READ)
