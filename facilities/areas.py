"""The areas of the application, in the order their init_app runs. Nothing else.

Each area's `init_app(app)` (in its package's __init__.py) registers its pages, its API, its commands, its
header entries and the panels it shows on other areas' pages. The order of the list is the order of the
dependencies (docs/architecture.md): an area only imports the areas listed before it, and the core modules.
"""

from __future__ import annotations

from flask import Flask

from facilities import api, audit, auth, demo, energy, inventory, jobs, maps, ops, reports, works

# api first: it creates the OpenAPI description that the areas' API blueprints join. jobs: the core job queue's
# pages and commands (the areas register their kinds of job with it).
AREAS = (api, jobs, auth, inventory, audit, works, ops, energy, maps, reports, demo)


def register_areas(app: Flask) -> None:
    """Call every area's init_app."""
    for area in AREAS:
        area.init_app(app)
