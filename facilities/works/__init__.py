"""Multi-year works programmes: AP/CP échéanciers, capacity checks and scheduling (pure functions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The works pages, the works API and `flask works`."""
    from flask_babel import lazy_gettext as _l

    from facilities.api import register_api
    from facilities.navigation import add_nav_item
    from facilities.panels import register_panel
    from facilities.permissions import Permission
    from facilities.works import api, cli, retrofit_api, retrofit_routes, routes

    app.register_blueprint(routes.bp)
    app.register_blueprint(retrofit_routes.bp)
    register_api(app, api.bp)
    register_api(app, retrofit_api.bp)
    app.cli.add_command(cli.cli)
    register_panel(app, "building.panels", "works/_building_panel.html", routes.building_panel, order=20)
    register_panel(app, "home.panels", "works/_home_panel.html", routes.home_panel, order=20)
    register_panel(app, "search.panels", "works/_search_panel.html", routes.search_panel, order=20)
    add_nav_item(app, "works.envelope_list", _l("Works programme"), Permission.READ, "cone-striped", order=40)
