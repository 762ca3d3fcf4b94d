"""Offline front-end assets: Leaflet, leaflet.markercluster and jQuery served from their XStatic packages.

The blueprint is named "assets" so that its endpoint is "assets.vendor", which facilities/permissions.py
lists as public (the files are published open-source libraries, needed before and after signing in).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, abort, send_from_directory

from facilities.permissions import Permission, requires

bp = Blueprint("assets", __name__)

#: One year: the URLs change with nothing but a package upgrade, and then the process restarts.
VENDOR_MAX_AGE = 365 * 24 * 3600


@cache
def vendor_folders() -> dict[str, Path]:
    """Package name in the URL → folder of the XStatic package that ships it."""
    import xstatic.pkg.jquery as xjquery
    import xstatic.pkg.leaflet as xleaflet
    import xstatic.pkg.leaflet_markercluster as xcluster

    return {
        "leaflet": Path(xleaflet.BASE_DIR),
        "markercluster": Path(xcluster.BASE_DIR),
        "jquery": Path(xjquery.BASE_DIR),
    }


@bp.route("/vendor/<package>/<path:filename>")
@requires(Permission.READ)
def vendor(package: str, filename: str):
    """A file of a vendored front-end library (the whole Leaflet folder: its CSS loads images/ relatively)."""
    folder = vendor_folders().get(package)
    if folder is None:
        abort(404)
    # send_from_directory refuses paths that leave the folder ("../").
    return send_from_directory(folder, filename, max_age=VENDOR_MAX_AGE)
