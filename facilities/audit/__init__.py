"""The audit trail: who changed what, when, from which value to which; append-only."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Record changes for this app, and serve the history page and the audit API."""
    from facilities.api import register_api
    from facilities.audit import api, routes, services

    app.extensions["audit"] = True
    services.install_listeners()
    app.register_blueprint(routes.bp)
    register_api(app, api.bp)
