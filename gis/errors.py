"""Exceptions raised by the :mod:`gis` package.

Every error carries a message meant to be shown to a user as-is (the Flask app may translate the
surrounding sentence but should not need to rewrite ours).
"""

from __future__ import annotations


class GisError(Exception):
    """Base class of every error raised by the gis package."""


class SiteDataError(GisError):
    """Site records cannot be turned into geometries (missing or out-of-range coordinates)."""


class GisFormatError(GisError):
    """A file format or extension is not supported, or a file cannot be read or written."""


class BoundaryError(GisError):
    """A boundary file cannot be used (unreadable, no CRS, missing field, no polygon)."""


class MapBuildError(GisError):
    """The web map cannot be built from the given data or options."""
