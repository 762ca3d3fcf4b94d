"""Work requests: raised by anyone signed in on a place of the portfolio, triaged by the facilities managers,
followed by their requester until closed; what is late on the dashboard; mails on assignment and closing."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The requests' pages and API, the header entry, and the panels of the dashboard, the site, building and
    floor pages, the safety findings and the user administration."""
    from flask_babel import lazy_gettext as _l
    from sqlalchemy import event

    from facilities.api import register_api
    from facilities.extensions import db
    from facilities.navigation import add_nav_item
    from facilities.panels import register_panel
    from facilities.permissions import Permission
    from facilities.requests import api, routes, services

    app.register_blueprint(routes.bp)
    if not event.contains(db.session, "before_flush", services.remove_photos_of_deleted_places):
        event.listen(db.session, "before_flush", services.remove_photos_of_deleted_places)
    register_api(app, api.bp)
    raise_ = Permission.RAISE_REQUESTS
    register_panel(app, "home.panels", "requests/_home_panel.html", routes.home_panel, order=45)
    register_panel(app, "site.panels", "requests/_site_panel.html", routes.site_panel, order=90, permission=raise_)
    register_panel(app, "building.actions", "requests/_building_action.html", order=40, permission=raise_)
    register_panel(app, "floor.actions", "requests/_floor_action.html", order=40, permission=raise_)
    register_panel(app, "finding.actions", "requests/_finding_action.html", routes.finding_actions,
                   permission=Permission.TRIAGE_REQUESTS)
    register_panel(app, "users.panels", "requests/_users_panel.html", permission=Permission.MANAGE_USERS)
    add_nav_item(app, "requests.index", _l("Requests"), raise_, "tools", order=38)
