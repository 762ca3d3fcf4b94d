"""Safety and regulatory checks of ERP buildings: ERP register, reference tables (thresholds, periodicities)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The safety pages, the safety API, `flask safety`, the building page's panel and the header entry."""
    from flask_babel import lazy_gettext as _l

    from facilities.api import register_api
    from facilities.navigation import add_nav_item
    from facilities.panels import register_panel
    from facilities.permissions import Permission
    from facilities.safety import api, cli, routes

    app.register_blueprint(routes.bp)
    register_api(app, api.bp)
    app.cli.add_command(cli.cli)
    register_panel(app, "building.panels", "safety/_building_panel.html", routes.building_panel, order=20)
    register_panel(app, "site.panels", "safety/_site_panel.html", routes.site_panel, order=40)
    register_panel(app, "home.panels", "safety/_home_panel.html", routes.home_panel, order=40)
    add_nav_item(app, "safety.index", _l("Safety"), Permission.READ, "shield-check", order=35)
