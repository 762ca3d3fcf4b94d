"""The maps area: the site map, the sites as GeoJSON, commune boundaries and the location check of a site."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The map pages, the offline map assets, the maps API (and a site record's commune_from_location), `flask gis`, and the listener that stores each site's commune."""
    from flask_babel import lazy_gettext as _l

    from facilities.api import register_api
    from facilities.api.serializers import register_record_fields
    from facilities.maps import api, assets, cli, routes, services
    from facilities.navigation import add_nav_item
    from facilities.panels import register_panel
    from facilities.permissions import Permission

    app.register_blueprint(routes.bp)
    app.register_blueprint(assets.bp)  # endpoint "assets.vendor": public (facilities/permissions.py)
    register_api(app, api.bp)
    app.cli.add_command(cli.cli)
    register_panel(app, "site.panels", "maps/_site_panel.html", routes.site_panel, order=10)
    register_record_fields(app, "site", services.commune_from_location_field)
    # Every site write, whatever its path, keeps the site's stored commune (location_commune_code) right.
    from sqlalchemy import event

    from facilities.extensions import db

    if not event.contains(db.session, "before_flush", services.locate_changed_sites):
        event.listen(db.session, "before_flush", services.locate_changed_sites)
    add_nav_item(app, "maps.site_map", _l("Map"), Permission.READ, "map", order=20)
