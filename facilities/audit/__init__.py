"""The audit trail: who changed what, when, from which value to which; append-only."""

from __future__ import annotations

from flask import Flask


def init_audit(app: Flask) -> None:
    """Record changes for this app and register the history page and the audit API (idempotent)."""
    from facilities.audit import api, routes, services
    from facilities.extensions import csrf

    app.extensions["audit"] = True
    services.install_listeners()
    if "audit" not in app.blueprints:
        app.register_blueprint(routes.bp)
    if "audit_api" not in app.blueprints:
        app.register_blueprint(api.bp, url_prefix="/api/v1")
        csrf.exempt(api.bp)
