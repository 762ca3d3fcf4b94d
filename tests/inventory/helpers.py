"""Helpers shared by the foundation's tests (inventory, auth, API, CLI, permissions, queries, demo)."""

from __future__ import annotations

# Select fields a browser always submits (the first option when the user picks nothing).
SITE_FORM = {"kind": "social_hub", "status": "open", "location_precision": ""}
BUILDING_FORM = {"erp_category_override": "", "activity_category": ""}
SPACE_FORM = {"space_type": "office", "specialty": ""}


def row_counts(db) -> dict[str, int]:
    """Rows in each inventory and account table."""
    from sqlalchemy import func, select

    from facilities.auth.models import ApiToken, User
    from facilities.inventory.models import Building, Floor, Site, SiteService, Space

    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Site, SiteService, Building, Floor, Space, User, ApiToken)}


def english(client):
    """Ask for English pages, so that assertions read the source strings."""
    client.set_cookie("lang", "en")
    return client
