"""The header's navigation: each area adds its entries at start-up (its init_app), with the permission they need."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_login import current_user

from facilities.permissions import Permission


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string: translated when the header is drawn
    permission: Permission
    icon: str  # Bootstrap Icons name
    order: int = 100


def add_nav_item(app: Flask, endpoint: str, label: object, permission: Permission, icon: str,
                 order: int = 100) -> None:
    """Show an area in the header of this app, to the roles that hold `permission`, sorted by `order`."""
    items = app.extensions.setdefault("navigation", [])
    if any(item.endpoint == endpoint for item in items):
        raise ValueError(f"{endpoint} is already in the navigation")
    items.append(NavItem(endpoint, label, permission, icon, order))
    items.sort(key=lambda item: item.order)


def nav_items() -> list[NavItem]:
    """The entries the signed-in user may follow, in order; none before signing in."""
    if not current_user.is_authenticated:
        return []
    return [item for item in current_app.extensions.get("navigation", []) if current_user.can(item.permission)]
