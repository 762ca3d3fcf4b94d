"""Roles and permissions, declared once; every endpoint must name what it needs (deny by default)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import TypeVar

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    ADMIN = "admin"
    FACILITIES_MANAGER = "facilities_manager"
    ARCHITECT = "architect"
    DIRECTOR = "director"
    REQUESTER = "requester"  # raises work requests and follows its own; reads the inventory of its sites only


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.FACILITIES_MANAGER: _l("Facilities manager"),
    Role.ARCHITECT: _l("Architect"),
    Role.DIRECTOR: _l("Director"),
    Role.REQUESTER: _l("Requester"),
}


class Permission(StrEnum):
    READ = "read"  # read the portfolio: sites, buildings, floors, spaces, map, reports
    EDIT_SITES = "edit_sites"  # create, edit and delete sites
    EDIT_BUILDINGS = "edit_buildings"  # buildings, floors and spaces
    EDIT_ENERGY = "edit_energy"
    EDIT_WORKS = "edit_works"
    EDIT_SAFETY = "edit_safety"  # equipment, checks and their reports, findings, safety commission visits
    MANAGE_USERS = "manage_users"
    MANAGE_REFERENCE = "manage_reference"  # regulatory reference tables
    OWN_ACCOUNT = "own_account"  # one's own profile, language and API tokens
    RAISE_REQUESTS = "raise_requests"  # raise work requests and follow one's own (every role)
    TRIAGE_REQUESTS = "triage_requests"  # prioritise, assign, move and close every work request
    # The site, building and floor pages of the sites one is assigned to (users_sites), nothing else of the
    # portfolio: checked by the guard with the site the page's endpoint declares (`requires(..., site_of=…)`).
    READ_OWN_SITES = "read_own_sites"


_READER = {Permission.READ, Permission.OWN_ACCOUNT, Permission.RAISE_REQUESTS}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(_READER | {Permission.MANAGE_USERS, Permission.MANAGE_REFERENCE}),
    Role.FACILITIES_MANAGER: frozenset(
        _READER
        | {Permission.EDIT_SITES, Permission.EDIT_BUILDINGS, Permission.EDIT_ENERGY, Permission.EDIT_WORKS,
           Permission.EDIT_SAFETY, Permission.TRIAGE_REQUESTS}
    ),
    Role.ARCHITECT: frozenset(_READER | {Permission.EDIT_BUILDINGS}),
    Role.DIRECTOR: frozenset(_READER),
    # No READ: the portfolio, the map, the reports and the dashboard are closed to a requester.
    Role.REQUESTER: frozenset({Permission.OWN_ACCOUNT, Permission.RAISE_REQUESTS, Permission.READ_OWN_SITES}),
}


def roles_with(permission: Permission) -> list[Role]:
    """The roles that hold a permission, in the order of Role (for "who may do this" on the 403 page)."""
    return [role for role in Role if permission in ROLE_PERMISSIONS[role]]


def role_has(role: str | None, permission: Permission) -> bool:
    """True when the role grants the permission; unknown roles grant nothing."""
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False


# Endpoints reachable without logging in. Everything else needs a declared permission.
PUBLIC_ENDPOINTS = frozenset(
    {"static", "bootstrap.static", "auth.login", "auth.set_language", "assets.vendor", "health", "palette_css",
     "api-docs.openapi_json", "apidocs.page", "apidocs.asset",
     # Choosing a password through a one-time link: its owner has no password yet (or forgot it); the
     # link's unguessable single-use token is the credential.
     "auth.reset_password",
     # A user's calendar feed of due safety checks, read by calendar programs: the address's unguessable,
     # revocable secret is the credential (only its hash is stored).
     "safety.calendar_feed",
     # The public accessibility register of an ERP (arrêté du 19 avril 2017), at an unguessable address, and its
     # PDF: the register's fields and nothing else (tests/safety/test_public_register.py).
     "safety.public_register", "reports.accessibility_register_pdf"}
)

F = TypeVar("F", bound=Callable)


def requires(permission: Permission, *, site_of: Callable[..., int | None] | None = None) -> Callable[[F], F]:
    """Declare the permission an endpoint needs; the app-wide guard enforces it. `site_of(**view_args)`: the site
    a page is part of, which a holder of READ_OWN_SITES assigned to that site may also read."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args, **kwargs):
            return view(*args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        wrapped.site_of = site_of  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def required_permission(view: Callable | None) -> Permission | None:
    """The permission declared on a view function, or None when it declared none."""
    return getattr(view, "required_permission", None)


def site_of_view(view: Callable | None) -> Callable[..., int | None] | None:
    """How a view names the site it belongs to (for READ_OWN_SITES), or None when it is not a site's page."""
    return getattr(view, "site_of", None)
