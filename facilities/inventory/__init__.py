"""The inventory: sites, buildings, floors and spaces, their key figures, search, bulk import and export."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The inventory pages, search, import/export pages, the inventory API and `flask inventory`."""
    from flask_babel import lazy_gettext as _l

    from facilities.api import register_api
    from facilities.inventory import api, bulk_cli, bulk_routes, dashboard, routes, search
    from facilities.navigation import add_nav_item
    from facilities.panels import register_panel
    from facilities.permissions import Permission

    for blueprint in (routes.bp, search.bp, bulk_routes.bp):
        app.register_blueprint(blueprint)
    register_api(app, api.bp)
    app.cli.add_command(bulk_cli.cli)
    register_panel(app, "home.panels", "inventory/_home_panel.html", dashboard.home_panel, order=10)
    add_nav_item(app, "inventory.site_list", _l("Sites"), Permission.READ, "buildings", order=10)
    add_nav_item(app, "bulk.import_upload", _l("Import / export"), Permission.EDIT_BUILDINGS, "arrow-down-up",
                 order=15)
