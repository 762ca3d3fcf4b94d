"""Geospatial helpers for the facilities application (no Flask, no ``facilities`` imports).

Modules:

* :mod:`gis.sites` - site records to GeoDataFrame / GeoJSON;
* :mod:`gis.io` - read/write GeoJSON, GeoPackage, zipped Shapefile, CSV; reprojection;
* :mod:`gis.boundaries` - import and validate user-supplied commune boundary files;
* :mod:`gis.analysis` - spatial join, nearest site per commune, sites serving each commune;
* :mod:`gis.map_layers` - the data the web map draws, packed small (sites, communes, class breaks);
* :mod:`gis.webmap` - the Leaflet web map as one HTML document: JSON data, static script (``gis/static``);
* :mod:`gis.synth` - reproducible synthetic sites for demos, tests and benchmarks.
"""

from gis.errors import BoundaryError, GisError, GisFormatError, MapBuildError, SiteDataError

WGS84 = "EPSG:4326"
LAMBERT93 = "EPSG:2154"

__all__ = [
    "BoundaryError",
    "GisError",
    "GisFormatError",
    "LAMBERT93",
    "MapBuildError",
    "SiteDataError",
    "WGS84",
]
