"""The audit trail: who changed what, when, from which value to which; append-only."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Record changes for this app, and serve the history page and the audit API."""
    from facilities.api import register_api
    from facilities.audit import api, routes, services
    from facilities.forms import LAST_CHANGE_SOURCES
    from facilities.panels import register_panel
    from facilities.trail import recorder

    app.extensions["audit"] = True
    recorder.install_listeners()
    if services.last_change not in LAST_CHANGE_SOURCES:
        LAST_CHANGE_SOURCES.append(services.last_change)  # "saved by … on …" in an edit conflict
    app.register_blueprint(routes.bp)
    register_api(app, api.bp)
    register_panel(app, "building.actions", "audit/_building_history_link.html", order=20)
    register_panel(app, "floor.actions", "audit/_floor_history_link.html", order=20)
    register_panel(app, "space.actions", "audit/_space_history_link.html", order=20)
    register_panel(app, "home.panels", "audit/_home_recent.html", routes.recent_changes_panel, order=90)
