"""Safety and regulatory checks of ERP buildings: ERP register, reference tables (thresholds, periodicities)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The safety pages, `flask safety` and the header entry."""
    from flask_babel import lazy_gettext as _l

    from facilities.navigation import add_nav_item
    from facilities.permissions import Permission
    from facilities.safety import cli, routes

    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.cli)
    add_nav_item(app, "safety.index", _l("Safety"), Permission.READ, "shield-check", order=35)
