"""The inventory's panel of the home dashboard: the portfolio's key figures and the inventory's inconsistencies
(usable area over gross floor area, figures contradicting a published source), each alert linking to its building."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from facilities.extensions import db
from facilities.formatting import format_area
from facilities.i18n import current_locale
from facilities.inventory import published, services
from facilities.inventory.catalogue import PUBLISHED_FIGURE_LABELS, SITE_STATUS_LABELS, SiteStatus
from facilities.inventory.models import Building, Floor, Site, Space
from facilities.panels import Alert


@dataclass
class PortfolioFigures:
    sites_by_status: dict[str, int] = field(default_factory=dict)  # every status, in the catalogue's order
    sites: int = 0
    buildings: int = 0
    gross_floor_area_m2: Decimal = Decimal(0)
    usable_area_m2: Decimal = Decimal(0)
    spaces: int = 0
    workstations: int = 0


@dataclass(frozen=True)
class AreaExcess:
    """A building whose spaces add up to more than its gross floor area."""

    building_id: int
    code: str
    name: str
    usable_area_m2: Decimal
    gross_floor_area_m2: Decimal


def usable_over_gross(rows) -> list[AreaExcess]:
    """Buildings (id, code, name, gross m², usable m²) whose usable area exceeds a known gross floor area."""
    return [AreaExcess(bid, code, name, Decimal(usable), Decimal(gross)) for bid, code, name, gross, usable in rows
            if gross is not None and usable is not None and Decimal(usable) > Decimal(gross)]


def portfolio_figures() -> PortfolioFigures:
    """Sites by status, buildings, areas, spaces and workstations of the whole portfolio (four queries)."""
    figures = PortfolioFigures(sites_by_status={status.value: 0 for status in SiteStatus})
    for status, count in db.session.execute(select(Site.status, func.count(Site.id)).group_by(Site.status)):
        figures.sites_by_status[status] = figures.sites_by_status.get(status, 0) + count
    figures.sites = sum(figures.sites_by_status.values())
    buildings, gross = db.session.execute(select(func.count(Building.id), func.sum(Building.gross_floor_area_m2))).one()
    figures.buildings, figures.gross_floor_area_m2 = buildings, Decimal(gross or 0)
    spaces, usable, stations = db.session.execute(
        select(func.count(Space.id), func.sum(Space.area_m2), func.sum(Space.workstations))).one()
    figures.spaces, figures.usable_area_m2, figures.workstations = spaces, Decimal(usable or 0), int(stations or 0)
    return figures


def area_excesses() -> list[AreaExcess]:
    """Buildings whose spaces' areas add up to more than their gross floor area (one query)."""
    usable = (select(Floor.building_id, func.sum(Space.area_m2).label("usable"))
              .join(Space, Space.floor_id == Floor.id).group_by(Floor.building_id).subquery())
    rows = db.session.execute(
        select(Building.id, Building.code, Building.name, Building.gross_floor_area_m2, usable.c.usable)
        .join(usable, usable.c.building_id == Building.id)
        .where(Building.gross_floor_area_m2.is_not(None), usable.c.usable > Building.gross_floor_area_m2)
        .order_by(Building.code)
    ).all()
    return usable_over_gross(rows)


def home_panel(**_objects) -> dict:
    """Data of the inventory's home panel: the portfolio's key figures and the area alerts."""
    locale = current_locale()
    alerts = [Alert(_("%(building)s: usable area %(usable)s exceeds the gross floor area %(gross)s",
                      building=" · ".join((item.code, item.name)), usable=format_area(item.usable_area_m2, locale),
                      gross=format_area(item.gross_floor_area_m2, locale)),
                    url_for("inventory.building_detail", building_id=item.building_id), "warning",
                    _("Inconsistent figures")) for item in area_excesses()]
    for building, wrong in services.contradicted_buildings():
        details = "; ".join(_("%(figure)s %(recorded)s, published %(published)s",
                              figure=PUBLISHED_FIGURE_LABELS.get(c.figure, c.figure),
                              recorded=published.format_figure(c.figure, c.recorded, locale),
                              published=published.format_figure(c.figure, c.published, locale)) for c in wrong)
        alerts.append(Alert(_("%(building)s: the inventory contradicts %(source)s (%(details)s)",
                              building=" · ".join((building.code, building.name)), source=wrong[0].source,
                              details=details),
                            url_for("inventory.building_detail", building_id=building.id, _anchor="published-figures"),
                            "warning", _("Inconsistent figures")))
    return {"figures": portfolio_figures(), "status_labels": SITE_STATUS_LABELS, "alerts": alerts}
