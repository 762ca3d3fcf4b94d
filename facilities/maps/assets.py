"""Offline front-end assets of the map: Leaflet and leaflet.markercluster from their XStatic packages, and the
map's own script and stylesheet (gis/static), all from the folders gis.webmap names.

The blueprint is named "assets" so that its endpoint is "assets.vendor", which facilities/permissions.py
lists as public (published open-source libraries and the map script, needed before and after signing in).
"""

from __future__ import annotations

import hashlib
from functools import cache

from flask import Blueprint, abort, send_from_directory, url_for

from facilities.permissions import Permission, requires
from gis.webmap import asset_folders

bp = Blueprint("assets", __name__)

#: One year: every URL carries a hash of the file's content (asset_url), which changes with the file.
VENDOR_MAX_AGE = 365 * 24 * 3600


@cache
def _version(package: str, filename: str) -> str:
    """A short hash of a file's content, so that a changed file gets a new URL (and the cache a miss)."""
    return hashlib.sha256((asset_folders()[package] / filename).read_bytes()).hexdigest()[:12]


def asset_url(package: str, filename: str) -> str:
    """The URL of a map asset, with its content hash."""
    return url_for("assets.vendor", package=package, filename=filename, v=_version(package, filename))


@bp.route("/vendor/<package>/<path:filename>")
@requires(Permission.READ)
def vendor(package: str, filename: str):
    """A file of a map asset folder (the whole Leaflet folder: its CSS loads images/ relatively)."""
    folder = asset_folders().get(package)
    if folder is None:
        abort(404)
    # send_from_directory refuses paths that leave the folder ("../").
    return send_from_directory(folder, filename, max_age=VENDOR_MAX_AGE)
