"""The areas of the application, in the order their init_app runs. Nothing else.

Each area's `init_app(app)` (in its package's __init__.py) registers its pages, its API, its commands, its
header entries and the panels it shows on other areas' pages. The areas depend one way, with plain imports
(docs/architecture.md; `lint-imports` checks it, run by `make test`), from the bottom up:
- core modules (config, extensions, database, validation, permissions, formatting, errors, i18n, money,
  security, navigation, panels, the API helpers in api/, the job queue in jobs/ and the audit recorder in
  trail/): they know no area;
- auth | inventory: accounts and the access guard; sites, buildings, floors, spaces;
- audit | ops | works | plans | safety: the history of inventory records, backups, works programmes on buildings,
  floor plans, safety and regulatory checks of ERP buildings;
- energy | renewal | requests: reads the works received (their savings project the Décret tertiaire trajectory);
  capital renewal reads the safety area's equipment and writes draft works operations; work requests are raised on
  the inventory's places and the safety area's equipment and findings;
- maps: colours the sites by their energy label;
- ogc | reports | demo: the OGC API – Features service reads the inventory and the maps' boundaries; reports read
  every area, the demo loads every area's records;
- this module and create_app (facilities/__init__.py), then worker.py (what RQ calls) on top.
"a | b" means that a and b must not know each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from facilities import (
    api,
    audit,
    auth,
    demo,
    energy,
    inventory,
    jobs,
    maps,
    ogc,
    ops,
    plans,
    renewal,
    reports,
    requests,
    safety,
    works,
)

if TYPE_CHECKING:
    from flask import Flask

# api first: it creates the OpenAPI description that the areas' API blueprints join; jobs next: the core job
# queue's pages and commands (the areas register their kinds of job with it when their modules load).
AREAS = (api, jobs, auth, inventory, audit, ops, works, plans, safety, energy, renewal, requests, maps, ogc, reports,
         demo)


def register_areas(app: Flask) -> None:
    """Call every area's init_app, in order."""
    for area in AREAS:
        area.init_app(app)
