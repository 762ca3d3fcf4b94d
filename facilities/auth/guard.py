"""The one access check: every request is matched against the permission its endpoint declares."""

from __future__ import annotations

from flask import Flask, abort, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from facilities.auth.models import User
from facilities.auth.routes import address_breached
from facilities.auth.routes import bp as auth_pages
from facilities.auth.services import token_for
from facilities.auth.throttle import init_login_limits
from facilities.errors import is_api_path
from facilities.extensions import db, login_manager
from facilities.permissions import PUBLIC_ENDPOINTS, required_permission, site_of_view
from facilities.security import bearer_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_api_request() -> bool:
    return is_api_path(request.path)


def authenticated_by_token() -> bool:
    """True when this request's user was authenticated by an API token (never by the session cookie)."""
    return g.get("api_token_id") is not None


def authenticate_api_token():
    """before_request: on the API, an Authorization header decides who is asking, alone.

    The user it names (or nobody, for a wrong one) is settled here, before Flask-Login would look at the
    cookies: a token never becomes a session, and a cookie sent along never stands in for a wrong token.
    Pages ignore the header: a token is a credential for the API only.
    """
    header = request.headers.get("Authorization")
    if not is_api_request() or header is None:
        return None
    token = token_for(bearer_token(header))
    if token is None:
        g._login_user = login_manager.anonymous_user()
        return None
    g.api_token_id = token.id  # the rate limits count per token
    g._login_user = token.user
    return None


def enforce_permissions():
    """Deny by default: public endpoints pass, others need a signed-in user holding the declared permission."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return None  # unknown URLs fall through to the 404 handler
    view = current_app.view_functions.get(endpoint)
    permission = required_permission(view)
    if permission is None:
        abort(403)  # an endpoint that declared nothing is closed to everyone
    if not current_user.is_authenticated:
        if is_api_request():
            abort(401)
        return login_manager.unauthorized()
    if is_api_request() and request.method not in SAFE_METHODS and not authenticated_by_token():
        abort(401)  # the API skips CSRF checks, so a browser session must never be enough to write through it
    if not current_user.can(permission) and not _own_site_page(view):
        g.denied_permission = permission  # the 403 page says which roles hold it
        abort(403)
    return None


def _own_site_page(view) -> bool:
    """A page of a site the user is assigned to, for a holder of READ_OWN_SITES (the page declares its site)."""
    site_of = site_of_view(view)
    if site_of is None or request.method not in SAFE_METHODS:
        return False
    return current_user.reads_site(site_of(**(request.view_args or {})))


def init_auth(app: Flask) -> None:
    """Wire Flask-Login and the guard into the app: pages know sessions only, the API a token first.

    A token is a credential for the API alone: on a page it is ignored, so it can neither open a page nor
    reach the account page to mint another token, nor the user administration.
    """
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_token: str):
        with db.session.no_autoflush:  # authentication reads only; a flush here would ask who the user is
            return db.session.execute(select(User).where(User.session_token == session_token)).scalar_one_or_none()

    @login_manager.unauthorized_handler
    def unauthorized():
        if is_api_request():
            abort(401)
        from flask import flash, redirect, url_for

        flash(_("Please sign in to see this page."), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    app.before_request(enforce_permissions)
    init_login_limits(app, auth_pages, on_breach=address_breached)
    # Before everything else, the rate limits included: they count per token.
    app.before_request_funcs.setdefault(None, []).insert(0, authenticate_api_token)
