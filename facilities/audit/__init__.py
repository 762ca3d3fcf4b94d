"""The audit trail: who changed what, when, from which value to which; append-only."""

from __future__ import annotations

from flask import Flask


def init_audit(app: Flask) -> None:
    """Record changes for this app and register the history page (idempotent); the audit API is registered with
    the other API blueprints (facilities/areas.py), so that the OpenAPI description lists it."""
    from facilities.audit import routes, services

    app.extensions["audit"] = True
    services.install_listeners()
    if "audit" not in app.blueprints:
        app.register_blueprint(routes.bp)
