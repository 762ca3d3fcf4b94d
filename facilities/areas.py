"""The areas of the application: their page blueprints, API blueprints and command groups, in one list."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api
from flask_smorest import Blueprint as ApiBlueprint

from facilities.audit import init_audit
from facilities.extensions import csrf
from facilities.inventory.bulk_routes import init_bulk
from facilities.security import init_security


def register_areas(app: Flask, api: Api) -> None:
    """Register every area's pages under /, its API under /api/v1 and its command group."""
    from facilities import (
        jobs,
        models,  # noqa: F401  (every table known before the first query)
    )
    from facilities.api.inventory import bp as inventory_api
    from facilities.audit import api as audit_api
    from facilities.auth.cli import users_cli
    from facilities.auth.routes import bp as auth_pages
    from facilities.demo.cli import demo_cli
    from facilities.energy import api as energy_api
    from facilities.energy import cli as energy_cli
    from facilities.energy import routes as energy_pages
    from facilities.inventory.routes import bp as inventory_pages
    from facilities.inventory.search import bp as search_pages
    from facilities.maps import api as maps_api
    from facilities.maps import cli as maps_cli
    from facilities.maps import routes as maps_pages
    from facilities.maps.synth import remove_synth_command, synth_command
    from facilities.ops.cli import backup_command, restore_command
    from facilities.reports import api as reports_api
    from facilities.reports import cli as reports_cli
    from facilities.reports import routes as reports_pages
    from facilities.works import api as works_api
    from facilities.works import cli as works_cli
    from facilities.works import routes as works_pages

    for pages in (auth_pages, inventory_pages, search_pages, maps_pages.bp, energy_pages.bp, works_pages.bp, reports_pages.bp):
        app.register_blueprint(pages)
    for blueprint in (inventory_api, maps_api.bp, energy_api.bp, works_api.bp, audit_api.bp, reports_api.bp):
        # API blueprints built with flask-smorest appear in the OpenAPI description; plain ones do not.
        if isinstance(blueprint, ApiBlueprint):
            api.register_blueprint(blueprint, url_prefix="/api/v1")
        else:
            app.register_blueprint(blueprint, url_prefix="/api/v1")
        csrf.exempt(blueprint)  # the API authenticates with bearer tokens, never cookies, for writes
    demo_cli.add_command(synth_command)  # `flask demo synth`: synthetic sites for scale tests
    demo_cli.add_command(remove_synth_command)
    for group in (users_cli, demo_cli, maps_cli.cli, energy_cli.cli, works_cli.cli, reports_cli.cli,
                  backup_command, restore_command):
        app.cli.add_command(group)
    jobs.init_app(app)  # core: the job pages, `flask worker`, `flask jobs`
    # Cross-cutting pieces that hook into every request or every flush rather than owning a blueprint only.
    init_audit(app)
    init_bulk(app)
    init_security(app)
