"""App-wide views and template context: home, health check, navigation by role."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, jsonify, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from facilities import palette
from facilities.auth.forms import ConfirmForm, LanguageForm
from facilities.i18n import LANGUAGE_NAMES
from facilities.permissions import ROLE_LABELS, Permission, requires


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    permission: Permission
    icon: str


# The header lists an area only to the roles that may use it.
NAVIGATION: list[NavItem] = [
    NavItem("inventory.site_list", _l("Sites"), Permission.READ, "buildings"),
    NavItem("maps.site_map", _l("Map"), Permission.READ, "map"),
    NavItem("energy.dashboard", _l("Energy"), Permission.READ, "lightning-charge"),
    NavItem("works.envelope_list", _l("Works programme"), Permission.READ, "cone-striped"),
    NavItem("reports.index", _l("Reports"), Permission.READ, "file-earmark-pdf"),
    NavItem("auth.users", _l("Users"), Permission.MANAGE_USERS, "people"),
]


def register_nav_item(item: NavItem, position: int | None = None) -> None:
    """Areas add themselves to the header at import time."""
    if any(existing.endpoint == item.endpoint for existing in NAVIGATION):
        return
    NAVIGATION.insert(len(NAVIGATION) - 1 if position is None else position, item)


def register_views(app: Flask) -> None:
    """Home, health check and the template context shared by every page."""

    @app.route("/")
    @requires(Permission.READ)
    def home():
        """Home: the site list."""
        return redirect(url_for("inventory.site_list"))

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
        items = []
        if current_user.is_authenticated:
            items = [item for item in NAVIGATION if current_user.can(item.permission) and item.endpoint in app.view_functions]
        return {
            "nav_items": items,
            "languages": LANGUAGE_NAMES,
            # formdata=None: these forms are only drawn, never fed this request's body (an oversized upload
            # must still get its 413 page, not fail again here reading the body).
            "language_form": LanguageForm(formdata=None),
            "logout_form": ConfirmForm(formdata=None),
            "role_labels": ROLE_LABELS,
            "Permission": Permission,
            "current_path": request.full_path.rstrip("?") if request else "/",
            "get_locale": get_locale,
        }
