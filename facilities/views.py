"""App-wide views and template context: home, health check, the header's navigation and language list."""

from __future__ import annotations

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from facilities import palette
from facilities.i18n import LANGUAGE_NAMES
from facilities.navigation import add_nav_item, nav_items
from facilities.panels import alerts_of, collect
from facilities.permissions import ROLE_LABELS, Permission, requires


def register_views(app: Flask) -> None:
    """Home, health check and the template context shared by every page."""
    add_nav_item(app, "home", _l("Dashboard"), Permission.READ, "speedometer2", order=5)

    @app.route("/")
    @requires(Permission.OWN_ACCOUNT)
    def home():
        """Home: the dashboard every role that reads the portfolio lands on, made of the panels the areas register
        at "home.panels"; a role that does not (a requester) lands on its first header entry (its requests)."""
        if not current_user.can(Permission.READ):
            first = next(iter(nav_items()), None)
            return redirect(url_for(first.endpoint)) if first else redirect(url_for("auth.account"))
        panels = collect("home.panels")
        return render_template("home.html", panels=panels, alerts=alerts_of(panels))

    @app.route("/css/palette.css")
    def palette_css():
        """The colours that carry meaning (DPE classes) as a stylesheet, generated from facilities/palette.py."""
        response = app.response_class(palette.dpe_css(), mimetype="text/css")
        response.cache_control.public = True
        response.cache_control.max_age = 3600
        return response

    @app.route("/health")
    def health():
        """Liveness probe for load balancers; does not touch the database."""
        return jsonify(status="ok")

    @app.context_processor
    def navigation_context():
        return {
            "nav_items": nav_items(),
            "languages": LANGUAGE_NAMES,
            "role_labels": ROLE_LABELS,
            "Permission": Permission,
            "current_path": request.full_path.rstrip("?") if request else "/",
            "get_locale": get_locale,
        }
