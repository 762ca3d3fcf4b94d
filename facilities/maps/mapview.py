"""The map page: site records + options → the map document (gis.webmap), legends in text, the not-located list."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from facilities.formatting import decimal_mark
from facilities.inventory.catalogue import SERVICE_LABELS, SITE_KIND_LABELS, SITE_STATUS_LABELS
from facilities.inventory.services import SiteFilters
from facilities.maps import services, viewport
from facilities.maps.assets import asset_url
from facilities.palette import DPE_COLORS
from facilities.plans import services as plans
from facilities.safety import services as safety
from gis.webmap import build_site_map

KIND_COLORS = {
    "social_hub": "#1f77b4",
    "ime": "#ff7f0e",
    "child_welfare_home": "#2ca02c",
    "maison_departementale": "#d62728",
    "other": "#9467bd",
}
STATUS_COLORS = {"planned": "#17a2b8", "in_works": "#fd7e14", "open": "#198754", "closed": "#dc3545"}
OTHER_COLOR = "#777777"


def tile_settings() -> tuple[str | None, str]:
    """TILE_URL and TILE_ATTRIBUTION from the configuration; TILE_URL=none (any case) means no tiles."""
    url = (current_app.config.get("TILE_URL") or "").strip()
    if not url or url.lower() == "none":
        return None, ""
    return url, current_app.config.get("TILE_ATTRIBUTION") or url


# ---------------------------------------------------------------- the page


@dataclass
class LegendItem:
    """One colour of the legend; its count of the sites in view is written by the page's script from each
    viewport answer (counting the whole portfolio on every page view read every site)."""

    color: str
    label: str
    code: str  # the colour category, OTHER_CODE for the grey one
    always: bool = True  # False: hidden until the view holds such sites

    @property
    def grey(self) -> bool:
        """The sites in no colour of the palette: the page's script adds up every other category's count here."""
        return self.code == OTHER_CODE


OTHER_CODE = "_other"  # the grey category: sites in no colour of the palette (never a kind, status or class code)

@dataclass
class MapPage:
    html: str
    not_located: list[dict[str, Any]]  # the first 200, by name
    not_located_count: int
    legend: list[LegendItem]
    legend_title: str
    boundaries_loaded: bool
    indicator_title: str = ""
    indicator_summary: list[dict[str, Any]] = field(default_factory=list)
    views: list[MapView] = field(default_factory=list)
    active_filters: int = 0
    build_seconds: float = 0.0


@dataclass
class MapView:
    """A ready-made view of the map (a preset of its options), one click away above it."""

    label: str
    url: str
    current: bool


#: The presets: label and options. The communes views need loaded boundaries; the distance one names a service.
PRESETS: tuple[tuple[str, dict[str, str], bool], ...] = (
    (_l("Sites by kind"), {}, False),
    (_l("Sites by status"), {"color_by": "status"}, False),
    (_l("Energy labels"), {"color_by": "dpe"}, False),
    (_l("Distance to the nearest PMI"), {"indicator": "distance", "service": "pmi"}, True),
    (_l("Sites serving each commune"), {"indicator": "sites_count"}, True),
)
FILTER_NAMES = ("service", "status", "kind", "commune")


def map_views(options: dict[str, Any], boundaries_loaded: bool) -> list[MapView]:
    """The presets this map can show, the one matching the current options marked current."""
    chosen = {name: str(options.get(name) or "") for name in (*FILTER_NAMES, "color_by", "indicator")}
    if chosen["color_by"] == "kind":
        chosen["color_by"] = ""
    views = []
    for label, preset, needs_boundaries in PRESETS:
        if needs_boundaries and not boundaries_loaded:
            continue
        current = all(chosen[name] == preset.get(name, "") for name in chosen)
        views.append(MapView(str(label), url_for("maps.site_map", **preset), current))
    return views


SAFETY_COLORS = {"alert": "#dc3545", "due_soon": "#fd7e14", "ok": "#198754"}


def _palette(color_by: str) -> tuple[dict[str, tuple[str, str]], str, str]:
    """Colour and translated label per colour category, the legend title, and the label of the sites in no
    category (grey)."""
    if color_by == "status":
        palette = {code: (color, str(SITE_STATUS_LABELS[code])) for code, color in STATUS_COLORS.items()}
        return palette, _("Status"), _("Other")
    if color_by == "dpe":
        palette = {code: (color, _("Class %(c)s", c=code)) for code, color in DPE_COLORS.items()}
        return palette, _("Energy label (DPE)"), _("No DPE")
    if color_by == "safety":
        labels = {"alert": _("Check overdue or never done, or unfavourable opinion"),
                  "due_soon": _("Due within %(days)s days", days=safety.soon_days()), "ok": _("Nothing due")}
        palette = {code: (color, labels[code]) for code, color in SAFETY_COLORS.items()}
        return palette, _("Safety: what is due"), _("No ERP data")
    palette = {code: (color, str(SITE_KIND_LABELS[code])) for code, color in KIND_COLORS.items()}
    return palette, _("Kind"), _("Other")


def _frame(outlines, options: dict[str, Any], filters: SiteFilters
           ) -> tuple[float, float, float, float] | None:
    """What the map frames first: the whole territory unfiltered, the chosen commune, else the sites shown."""
    filtered = any(options.get(name) for name in FILTER_NAMES)
    has_outlines = outlines is not None and not outlines.empty
    if not filtered and has_outlines:
        return tuple(float(b) for b in outlines.total_bounds)
    commune = options.get("commune")
    if commune and has_outlines:
        chosen = outlines[outlines["code"] == commune]
        if not chosen.empty:
            return tuple(float(b) for b in chosen.total_bounds)
    return viewport.extent(filters)


def _building_url():
    """building id → its page, built once (url_for per building would cost at 10,000 buildings)."""
    template = url_for("inventory.building_detail", building_id=999999999)
    return lambda building_id: template.replace("999999999", str(building_id))


FIGURES_URL_SUFFIX = "/figures.json"  # after a site's URL: the maps.site_figures route


def build_map_page(options: dict[str, Any]) -> MapPage:
    """Everything the map page shows, for validated options (filters, color_by, indicator): no site is embedded,
    the map's script asks the viewport endpoint for what it shows on each pan or zoom."""
    started = time.perf_counter()
    filters = SiteFilters(**{name: options.get(name) or "" for name in FILTER_NAMES})
    url_template = url_for("inventory.site_detail", site_id=services.URL_PLACEHOLDER)
    indicator = options.get("indicator") or ""
    color_by = options.get("color_by") or "kind"
    palette, legend_title, other_label = _palette(color_by)
    legend = [LegendItem(color, label, code) for code, (color, label) in palette.items()]
    # Safety's grey ("no ERP data") is a status of its own: always listed. Elsewhere grey shows when the view has some.
    legend.append(LegendItem(OTHER_COLOR, other_label, OTHER_CODE, always=color_by == "safety"))
    not_located_count, not_located = viewport.not_located(filters, url_template)

    tile_url, attribution = tile_settings()
    communes = None
    if indicator:
        # The choropleth reads every located site (communes are few, sites many): kept until a site changes.
        communes = services.cached_communes_indicator(filters, indicator, options.get("service"))
    boundaries_loaded = communes is not None or services.boundaries_gdf() is not None
    map_args: dict[str, Any] = {}
    indicator_title = ""
    summary: list[dict[str, Any]] = []
    if communes is not None:
        column = "sites_count" if indicator == "sites_count" else "distance_km"
        if indicator == "sites_count":
            indicator_title = _("Sites serving the commune")
            map_args = {"indicator_unit": "", "indicator_decimals": 0}
        else:
            service_label = str(SERVICE_LABELS.get(options["service"], options["service"]))
            indicator_title = _("Distance to the nearest open site offering: %(service)s", service=service_label)
            map_args = {"indicator_unit": "km", "indicator_decimals": 1}
        map_args.update(communes=communes, indicator=column, indicator_label=indicator_title)
        ordered = communes.sort_values(column, ascending=False, na_position="first")
        summary = [{"name": n, "value": None if v != v else float(v)}
                   for n, v in zip(ordered["name"].tolist()[:5], ordered[column].tolist()[:5], strict=True)]

    outlines = services.boundaries_gdf() if boundaries_loaded else None
    if communes is None and outlines is not None:
        map_args["outlines"] = outlines  # where the communes are, even without a choropleth
    frame = _frame(outlines, options, filters)
    if frame is not None:
        map_args["frame_bounds"] = frame
    labels = {
        "address": _("Address"), "services": _("Services"), "floors": _("Floors"),
        "workstations": _("Workstations"), "medical_cabinets": _("Medical cabinets"),
        "open_site": _("Open the site page"), "sites_layer": _("Sites"), "communes_layer": _("Communes"),
        "no_value": _("No value"), "other": other_label, "zoom_in": _("Zoom in"), "zoom_out": _("Zoom out"),
        "footprints_layer": _("Buildings"),
        # {n} is replaced by the script: a cluster's accessible name and tooltip.
        "cluster": _("%(n)s sites: zoom in", n="{n}"), "loading_failed": _("The sites could not be loaded."),
    }
    prefix, _sep, suffix = url_template.partition(str(services.URL_PLACEHOLDER))
    params = {name: options.get(name) or "" for name in FILTER_NAMES if options.get(name)}
    html = build_site_map(
        None,
        palette=palette,
        tile_url=tile_url,
        tile_attribution=attribution,
        legend_title=legend_title,
        labels=labels,
        asset_url=asset_url,
        sites_legend_on_map=False,  # the page shows it beside the map, with counts
        decimal_mark=decimal_mark(str(get_locale() or "fr")),
        lang=str(get_locale() or "en"),
        title=_("Map of the sites"),
        footprints=plans.footprints_geojson(_building_url()),
        viewport={
            "name": labels["sites_layer"],
            "url": url_for("maps_api.map_viewport"),
            "params": {**params, "color_by": color_by},
            "colors": {code: color for code, (color, _label) in palette.items()},
            "other": OTHER_COLOR,
            "order": [*palette, OTHER_CODE],
            "categoryLabels": {code: label for code, (_color, label) in palette.items()},
            # Counted on each cluster's badge, worst first: what a colouring by severity must not hide.
            "severity": ["alert", "due_soon"] if color_by == "safety" else [],
            "services": {code: str(label) for code, label in SERVICE_LABELS.items()},
            "labels": labels,
            "siteUrl": [prefix, suffix],
            "figuresSuffix": FIGURES_URL_SUFFIX,
        },
        extra_scripts=[static_url("js/map-viewport.js")],
        **map_args,
    )
    return MapPage(html=html, not_located=not_located,
                   not_located_count=not_located_count, legend=legend,
                   legend_title=legend_title, boundaries_loaded=boundaries_loaded, indicator_title=indicator_title,
                   indicator_summary=summary, views=map_views(options, boundaries_loaded),
                   active_filters=sum(1 for name in FILTER_NAMES if options.get(name)),
                   build_seconds=time.perf_counter() - started)


@cache
def _static_version(filename: str) -> str:
    """A short hash of a static file's content: its URL changes with it."""
    return hashlib.sha256((Path(current_app.static_folder) / filename).read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    """The URL of one of the application's static files, with its content hash."""
    return url_for("static", filename=filename, v=_static_version(filename))
