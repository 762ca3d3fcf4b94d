"""Floor plans: outlines of floors and rooms in the building's local metres, their drawn areas checked against
the declared ones, the plan on the floor page, its exports, and imports from IFC and DXF files."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The plan pages, exports and panels (floor, building, home), and the plans API."""
    from facilities.api import register_api
    from facilities.panels import register_panel
    from facilities.permissions import Permission
    from facilities.plans import api, cli, import_routes, routes

    app.register_blueprint(routes.bp)
    app.register_blueprint(import_routes.bp)
    app.cli.add_command(cli.cli)
    register_api(app, api.bp)
    register_panel(app, "floor.panels", "plans/_floor_panel.html", routes.floor_panel, order=10)
    register_panel(app, "building.panels", "plans/_building_panel.html", routes.building_panel, order=30)
    register_panel(app, "building.actions", "plans/_building_actions.html", order=30,
                   permission=Permission.EDIT_BUILDINGS)
    register_panel(app, "home.panels", "plans/_home_panel.html", routes.home_panel, order=60)
