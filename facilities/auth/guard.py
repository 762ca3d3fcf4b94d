"""The one access check: every request is matched against the permission its endpoint declares."""

from __future__ import annotations

from flask import Flask, abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from facilities.auth.models import User
from facilities.auth.services import user_for_token
from facilities.extensions import db, login_manager
from facilities.permissions import PUBLIC_ENDPOINTS, required_permission

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def enforce_permissions():
    """Deny by default: public endpoints pass, others need a signed-in user holding the declared permission."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return None  # unknown URLs fall through to the 404 handler
    permission = required_permission(current_app.view_functions.get(endpoint))
    if permission is None:
        abort(403)  # an endpoint that declared nothing is closed to everyone
    if not current_user.is_authenticated:
        if is_api_request():
            abort(401)
        return login_manager.unauthorized()
    if is_api_request() and request.method not in SAFE_METHODS and not request.headers.get("Authorization"):
        abort(401)  # the API skips CSRF checks, so a browser session must never be enough to write through it
    if not current_user.can(permission):
        abort(403)
    return None


def init_auth(app: Flask) -> None:
    """Wire Flask-Login (sessions and bearer tokens) and the guard into the app."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_token: str):
        return db.session.execute(select(User).where(User.session_token == session_token)).scalar_one_or_none()

    @login_manager.request_loader
    def load_user_from_token(req):
        header = req.headers.get("Authorization", "")
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            return None
        return user_for_token(raw.strip())

    @login_manager.unauthorized_handler
    def unauthorized():
        if is_api_request():
            abort(401)
        from flask import flash, redirect, url_for

        flash(_("Please sign in to see this page."), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    app.before_request(enforce_permissions)
