"""Core helpers of the JSON API (/api/v1) that every area's API module uses, and the API documentation.

The package knows no area: request parsing and pagination (common.py), the OpenAPI description generated
from the rules (openapi.py), response-schema and serializer helpers (schemas.py, serializers.py). Each area
owns its endpoints (`facilities/<area>/api.py`) and joins them to the one OpenAPI description with
`register_api(app, blueprint)` from its own init_app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def init_app(app: Flask) -> None:
    """Create the app's OpenAPI description (flask-smorest Api, kept in app.extensions) and serve its pages.

    First of the areas (facilities/areas.py): the other areas register their API blueprints on it."""
    from flask_smorest import Api

    from facilities.api.openapi import API_SETTINGS, RulesPlugin, docs_bp

    for key, value in API_SETTINGS.items():
        app.config.setdefault(key, value)
    # One per app, built from the blueprints registered on it; its plugin also states what ties fields together.
    app.extensions["openapi"] = Api(app, spec_kwargs={"marshmallow_plugin": RulesPlugin()})
    app.register_blueprint(docs_bp)


def register_api(app: Flask, blueprint: Blueprint, url_prefix: str = "/api/v1") -> None:
    """Serve an area's API blueprint under /api/v1 (or `url_prefix`: the OGC API's /ogc); a flask-smorest blueprint
    also joins the OpenAPI description."""
    from flask_smorest import Blueprint as ApiBlueprint

    from facilities.extensions import csrf

    if isinstance(blueprint, ApiBlueprint):
        if "openapi" not in app.extensions:
            raise RuntimeError("facilities.api.init_app must run before the areas register their API")
        app.extensions["openapi"].register_blueprint(blueprint, url_prefix=url_prefix)
    else:
        app.register_blueprint(blueprint, url_prefix=url_prefix)
    csrf.exempt(blueprint)  # the API authenticates with bearer tokens, never cookies, for writes
