"""The demo portfolio (and synthetic portfolios for scale tests), loaded through every area's services."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """`flask demo` and its subcommands."""
    from facilities.demo.cli import demo_cli

    app.cli.add_command(demo_cli)
