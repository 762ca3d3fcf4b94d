"""The demo portfolio (and synthetic portfolios for scale tests), loaded through every area's services."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """`flask demo` and its subcommands, and the demo accounts under the sign-in form (in demo mode)."""
    from facilities.demo.cli import demo_cli
    from facilities.panels import register_panel

    app.cli.add_command(demo_cli)
    register_panel(app, "login.panels", "demo/_login_panel.html", demo_logins, permission=None)


def demo_logins(**_objects) -> dict:
    """The demo accounts shown under the sign-in form, in demo mode only."""
    from flask import current_app

    from facilities.demo.data import DEMO_USERS

    return {"users": DEMO_USERS if current_app.config.get("DEMO_MODE") else []}
