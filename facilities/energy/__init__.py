"""Energy performance: consumption, DPE classes, the Décret tertiaire trajectory."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The energy pages, the energy API and `flask energy`."""
    from flask_babel import lazy_gettext as _l

    from facilities.api import register_api
    from facilities.energy import api, cli, efa_routes, retrofit_api, retrofit_routes, routes, standings
    from facilities.navigation import add_nav_item
    from facilities.panels import register_panel
    from facilities.permissions import Permission

    app.register_blueprint(routes.bp)
    register_api(app, api.bp)
    app.register_blueprint(retrofit_routes.bp)
    register_api(app, retrofit_api.bp)
    app.cli.add_command(cli.cli)
    standings.install_listeners()  # the stored standings follow their inputs (and register their refresh job)
    register_panel(app, "building.panels", "energy/_building_panel.html", routes.building_panel, order=10)
    register_panel(app, "home.panels", "energy/_home_panel.html", routes.home_panel, order=30)
    register_panel(app, "envelope.actions", "energy/_envelope_retrofit_action.html", retrofit_routes.envelope_action)
    register_panel(app, "site.panels", "energy/_site_panel.html", efa_routes.site_panel, order=20)
    add_nav_item(app, "energy.dashboard", _l("Energy"), Permission.READ, "lightning-charge", order=30)
