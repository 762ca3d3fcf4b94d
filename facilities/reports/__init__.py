"""The reports area: PDF reports, spreadsheet exports and the background jobs that build the long ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The report pages and `flask reports`; the portfolio job kind registers with the job queue on import."""
    from flask_babel import lazy_gettext as _l

    from facilities.navigation import add_nav_item
    from facilities.panels import register_panel
    from facilities.permissions import Permission
    from facilities.reports import cli, routes

    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.cli)
    register_panel(app, "building.actions", "reports/_building_actions.html", order=10)
    register_panel(app, "annex.actions", "reports/_annex_actions.html", lambda year: {"year": year}, order=10)
    register_panel(app, "site.panels", "reports/_site_safety_register.html", routes.site_safety_panel, order=45)
    # Each export and PDF is a button where its data is shown: the site list, the envelope page.
    register_panel(app, "site_list.actions", "reports/_site_list_actions.html", routes.site_list_actions)
    register_panel(app, "envelope.actions", "reports/_envelope_actions.html", routes.envelope_actions, order=50)
    add_nav_item(app, "reports.index", _l("Reports"), Permission.READ, "file-earmark-pdf", order=50)
