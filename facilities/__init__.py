"""Facilities and building asset management for French public-sector property owners."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

PACKAGE_ROOT = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_ROOT.parent  # the checkout, for tests and benchmarks run from the sources; the app never reads it


def create_app(config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, commands.

    Pure when the configuration carries what it needs: nothing is written to disk (the one exception is the
    embedded setup's secret key, kept in the instance folder when no SECRET_KEY is configured outside tests;
    the SQLite database's folder is made at the first connection). INSTANCE_PATH moves the instance folder."""
    # Imported here so that the pure computation modules of the package load without Flask.
    from facilities import database, errors, i18n
    from facilities.areas import register_areas
    from facilities.config import build_config
    from facilities.extensions import babel, bootstrap, csrf, db, migrate
    from facilities.security import init_security
    from facilities.views import register_views

    # Templates and migrations live in the package, so that an installed wheel has them. The instance folder is
    # INSTANCE_PATH or Flask's default: <checkout>/instance from the sources, <prefix>/var/facilities-instance
    # when the package is installed.
    instance_path = (config or {}).get("INSTANCE_PATH")
    app = database.Application(__name__, template_folder="templates",
                               instance_path=str(instance_path) if instance_path else None)
    app.config.update(build_config(Path(app.instance_path), config))

    db.init_app(app)
    database.init_database(app)
    migrate.init_app(app, db, directory=str(PACKAGE_ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, default_translation_directories=str(
        Path(__file__).parent / "translations"))
    bootstrap.init_app(app)
    register_areas(app)
    init_security(app)  # after the areas: its rate limit must run first of the request hooks they added
    register_views(app)
    errors.register_error_handlers(app)
    i18n.register_filters(app)
    database.init_unit_of_work(app)  # last: every area's commands are registered by now
    return app
