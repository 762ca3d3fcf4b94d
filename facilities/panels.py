"""Panels that one area shows on another area's page (the maps panel of the site page, the energy panel of the
building page…), registered at start-up by the area that owns them.

The host page names its places ("site.panels", "building.actions", "building.panels", "home.panels"); its view calls
`collect(place, **objects)` and the template loops over the result, including each panel's template with the
data its context function computed in the view, never while the page renders.

The home dashboard ("home.panels") also gathers the alerts its panels return (`alerts`, a list of `Alert`) into
one list at the top of the page, each linking to the record it is about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from flask_login import current_user

from facilities.permissions import Permission

PLACES = ("login.panels", "site.panels", "building.actions", "building.panels", "home.panels", "floor.panels",
          "envelope.actions", "map.links", "annex.actions", "search.panels", "site_list.actions", "floor.actions",
          "space.actions", "operation.panels", "works.links", "finding.actions", "users.panels")


@dataclass(frozen=True)
class Panel:
    place: str
    template: str
    context: Callable[..., dict[str, Any]] | None = None  # called with the host page's objects
    order: int = 100
    permission: Permission | None = Permission.READ  # None: shown to everyone, signed in or not


@dataclass(frozen=True)
class Alert:
    """Something on the home dashboard that needs looking at, linking to the record it is about."""

    text: str  # already translated
    url: str
    level: str = "warning"  # "danger" (a rule broken), "warning" (to check), "info" (this month's events)
    category: str = ""  # already translated: what kind of alert (shown as a badge)


ALERT_LEVELS = ("danger", "warning", "info")


def alerts_of(shown: list[ShownPanel]) -> list[Alert]:
    """The alerts every panel of a place returned, the most serious first (stable within a level)."""
    found = [alert for panel in shown for alert in panel.data.get("alerts", ())]
    return sorted(found, key=lambda alert: ALERT_LEVELS.index(alert.level) if alert.level in ALERT_LEVELS else 9)


@dataclass(frozen=True)
class ShownPanel:
    """A panel ready to include: its template and the data the view computed for it."""

    template: str
    data: dict[str, Any] = field(default_factory=dict)


def register_panel(app: Flask, place: str, template: str, context: Callable[..., dict[str, Any]] | None = None,
                   order: int = 100, permission: Permission | None = Permission.READ) -> None:
    """Show `template` at `place` of this app's pages, with the data `context(**objects)` returns."""
    if place not in PLACES:
        raise ValueError(f"unknown panel place {place!r}; known: {', '.join(PLACES)}")
    panels = app.extensions.setdefault("panels", {}).setdefault(place, [])
    if any(panel.template == template for panel in panels):
        raise ValueError(f"{template} is already registered at {place}")
    panels.append(Panel(place, template, context, order, permission))
    panels.sort(key=lambda panel: panel.order)


def collect(place: str, **objects: Any) -> list[ShownPanel]:
    """The panels of `place` the current user may see, each with its data computed now (in the view)."""
    shown = []
    for panel in current_app.extensions.get("panels", {}).get(place, []):
        if panel.permission is not None and not (current_user.is_authenticated
                                                 and current_user.can(panel.permission)):
            continue
        shown.append(ShownPanel(panel.template, panel.context(**objects) if panel.context else {}))
    return shown
