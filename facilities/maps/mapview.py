"""The map page: site records + options → the map document (gis.webmap), legends in text, the not-located list."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from facilities.energy import standings as energy_standings
from facilities.formatting import decimal_mark
from facilities.inventory.catalogue import SERVICE_LABELS, SITE_KIND_LABELS, SITE_STATUS_LABELS
from facilities.inventory.services import SiteFilters
from facilities.maps import services
from facilities.maps.assets import asset_url
from facilities.palette import DPE_COLORS
from facilities.plans import services as plans
from gis.webmap import build_site_map

KIND_COLORS = {
    "social_hub": "#1f77b4",
    "ime": "#ff7f0e",
    "child_welfare_home": "#2ca02c",
    "maison_departementale": "#d62728",
    "other": "#9467bd",
}
STATUS_COLORS = {"planned": "#17a2b8", "in_works": "#fd7e14", "open": "#198754", "closed": "#dc3545"}
NO_DPE = "none"


def tile_settings() -> tuple[str | None, str]:
    """TILE_URL and TILE_ATTRIBUTION from the configuration; TILE_URL=none (any case) means no tiles."""
    url = (current_app.config.get("TILE_URL") or "").strip()
    if not url or url.lower() == "none":
        return None, ""
    return url, current_app.config.get("TILE_ATTRIBUTION") or url


# ---------------------------------------------------------------- the page


@dataclass
class LegendItem:
    color: str
    label: str
    count: int


@dataclass
class MapPage:
    html: str
    located: int
    not_located: list[dict[str, Any]]
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


def _palette(color_by: str, records: list[dict[str, Any]]) -> tuple[dict[str, tuple[str, str]], str]:
    """Colour and translated label per value of the colouring property, and the legend title."""
    if color_by == "status":
        return {code: (color, str(SITE_STATUS_LABELS[code])) for code, color in STATUS_COLORS.items()}, _("Status")
    if color_by == "dpe":
        palette = {code: (color, _("Class %(c)s", c=code)) for code, color in DPE_COLORS.items()}
        return palette, _("Energy label (DPE)")
    return {code: (color, str(SITE_KIND_LABELS[code])) for code, color in KIND_COLORS.items()}, _("Kind")


def _with_dpe(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records whose 'kind' key carries the latest DPE class: the map colours by that key (kind or status only)."""
    classes = energy_standings.latest_dpe_class_by_site()
    return [{**record, "kind": classes.get(record["id"]) or NO_DPE} for record in records]


def _frame(outlines, options: dict[str, Any], filtered: bool) -> tuple[float, float, float, float] | None:
    """What the map frames first: the whole territory unfiltered, the chosen commune, else the sites shown."""
    if not filtered:
        return tuple(float(b) for b in outlines.total_bounds)
    commune = options.get("commune")
    chosen = outlines[outlines["code"] == commune] if commune else outlines.iloc[0:0]
    return tuple(float(b) for b in chosen.total_bounds) if not chosen.empty else None


def _building_url():
    """building id → its page, built once (url_for per building would cost at 10,000 buildings)."""
    template = url_for("inventory.building_detail", building_id=999999999)
    return lambda building_id: template.replace("999999999", str(building_id))


FIGURES_URL_SUFFIX = "/figures.json"  # after a site's URL: the maps.site_figures route


def build_map_page(options: dict[str, Any]) -> MapPage:
    """Everything the map page shows, for validated options (filters, color_by, indicator)."""
    started = time.perf_counter()
    filters = SiteFilters(**{name: options.get(name) or "" for name in ("service", "status", "kind", "commune")})
    url_template = url_for("inventory.site_detail", site_id=services.URL_PLACEHOLDER)
    indicator = options.get("indicator") or ""
    # Popup figures (floors, workstations, cabinets) are fetched per site when a popup opens: aggregating every
    # space of the portfolio for each map view would cost more than the rest of the page at 10,000 sites.
    records = services.site_records(filters, url_template=url_template,
                                    with_communes_served=indicator == "sites_count")
    located = [r for r in records if r["latitude"] is not None and r["longitude"] is not None]
    not_located = [r for r in records if r["latitude"] is None or r["longitude"] is None]
    color_by = options.get("color_by") or "kind"
    palette, legend_title = _palette(color_by, located)
    drawn = _with_dpe(located) if color_by == "dpe" else located
    key = "kind" if color_by in ("kind", "dpe") else "status"
    counts = Counter(r[key] for r in drawn)
    legend = [LegendItem(color, label, counts.get(code, 0)) for code, (color, label) in palette.items()]
    others = sum(n for code, n in counts.items() if code not in palette)
    if others:
        legend.append(LegendItem("#777777", _("Other") if color_by != "dpe" else _("No DPE"), others))

    tile_url, attribution = tile_settings()
    communes = services.communes_indicator(located, indicator, options.get("service")) if indicator else None
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

    filtered = any(options.get(name) for name in FILTER_NAMES)
    outlines = services.boundaries_gdf() if boundaries_loaded else None
    if communes is None and outlines is not None:
        map_args["outlines"] = outlines  # where the communes are, even without a choropleth
    if outlines is not None and not outlines.empty:
        map_args["frame_bounds"] = _frame(outlines, options, filtered)
    html = build_site_map(
        services.sites_feature_collection(drawn, located_only=True),
        figures_url_suffix=FIGURES_URL_SUFFIX,
        color_by="kind" if color_by == "dpe" else color_by,
        palette=palette,
        tile_url=tile_url,
        tile_attribution=attribution,
        legend_title=legend_title,
        labels={
            "address": _("Address"), "services": _("Services"), "floors": _("Floors"),
            "workstations": _("Workstations"), "medical_cabinets": _("Medical cabinets"),
            "open_site": _("Open the site page"), "sites_layer": _("Sites"), "communes_layer": _("Communes"),
            "no_value": _("No value"), "other": _("Other") if color_by != "dpe" else _("No DPE"),
            "zoom_in": _("Zoom in"), "zoom_out": _("Zoom out"), "footprints_layer": _("Buildings"),
        },
        service_labels={code: str(label) for code, label in SERVICE_LABELS.items()},
        asset_url=asset_url,
        sites_legend_on_map=False,  # the page shows it beside the map, with counts
        decimal_mark=decimal_mark(str(get_locale() or "fr")),
        lang=str(get_locale() or "en"),
        title=_("Map of the sites"),
        footprints=plans.footprints_geojson(_building_url()),
        **map_args,
    )
    return MapPage(html=html, located=len(located), not_located=not_located, legend=legend,
                   legend_title=legend_title, boundaries_loaded=boundaries_loaded, indicator_title=indicator_title,
                   indicator_summary=summary, views=map_views(options, boundaries_loaded),
                   active_filters=sum(1 for name in FILTER_NAMES if options.get(name)),
                   build_seconds=time.perf_counter() - started)
