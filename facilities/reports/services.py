"""Services of the reports area: the data behind each report, read in a bounded number of queries."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from facilities.extensions import db
from facilities.inventory import erp
from facilities.inventory import services as inventory
from facilities.inventory.models import Building, Floor, Site, Space
from facilities.inventory.summary import InventorySummary
from facilities.plans import figures as plan_figures
from facilities.reports import locator


def safe_filename(*parts: str, extension: str) -> str:
    """An ASCII file name from codes: 'fiche', 'PS-ASN-B1' → 'fiche-PS-ASN-B1.pdf'."""
    text = "-".join(str(part) for part in parts if part)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "report"
    return f"{text[:120]}.{extension}"


def fact_sheet_context(building: Building) -> dict:
    """What the one-page fact sheet shows: identity, access, key figures, cost, map and provenance."""
    total, _per_floor = inventory.building_summaries([building.id])[building.id]
    site = building.site
    map_uri = None
    if site.is_located:
        map_uri = locator.location_map_data_uri(site.latitude, site.longitude,
                                                locator.commune_outlines(site.latitude, site.longitude))
    public_floors = [floor for floor in building.floors if floor.is_public]
    return {"building": building, "site": site, "total": total, "map_uri": map_uri,
            "public_floors": public_floors, "today": date.today(), "erp": erp.building_category(building)}


def load_building_inventory(building_id: int) -> Building | None:
    """A building with its site, floors and every space, in three queries."""
    return db.session.execute(
        select(Building)
        .options(selectinload(Building.site), selectinload(Building.floors).selectinload(Floor.spaces))
        .where(Building.id == building_id)
    ).scalar_one_or_none()


def inventory_context(building: Building) -> dict:
    """Floors from the top down with their spaces, per-floor totals and the building total; `sections` lists
    every floor whole (facilities/reports/inventory_pdf.py cuts them into chunks for big buildings)."""
    from facilities.inventory.catalogue import SPACE_TYPE_LABELS

    total, per_floor = inventory.building_summaries([building.id])[building.id]
    floors = sorted(building.floors, key=lambda floor: floor.level, reverse=True)
    return {"building": building, "site": building.site, "floors": floors, "per_floor": per_floor,
            "total": total, "empty": InventorySummary(), "today": date.today(), "show_summary": True,
            "sections": [(floor, floor.spaces, False, True) for floor in floors],
            # Translated once per report, not once per row (10,000 rows for the biggest buildings).
            "type_labels": {code: str(label) for code, label in SPACE_TYPE_LABELS.items()},
            # Each drawn floor's plan, to scale (facilities/plans/figures.py renders it).
            "floor_plans": {floor.id: figure for floor in floors if (figure := plan_figures.pdf_figure(floor))}}


def load_building_code(building_id: int) -> str:
    return db.session.scalar(select(Building.code).where(Building.id == building_id)) or str(building_id)


def building_space_count(building_id: int) -> int:
    """How many spaces a building has (decides whether its inventory PDF is prepared in the background)."""
    return db.session.scalar(select(func.count(Space.id)).join(Floor).where(Floor.building_id == building_id)) or 0


# ---------------------------------------------------------------- portfolio


@dataclass(frozen=True)
class PortfolioTotals:
    sites: int
    buildings: int


def portfolio_totals(filters: inventory.SiteFilters | None = None) -> PortfolioTotals:
    """How many sites and buildings the portfolio report covers (those of a selection, with `filters`)."""
    if filters is None or not filters.active():
        return PortfolioTotals(db.session.scalar(select(func.count(Site.id))) or 0,
                               db.session.scalar(select(func.count(Building.id))) or 0)
    sites = inventory.filter_sites(select(Site.id), filters)
    return PortfolioTotals(db.session.scalar(select(func.count()).select_from(sites.subquery())) or 0,
                           db.session.scalar(select(func.count(Building.id)).where(Building.site_id.in_(sites))) or 0)


def portfolio_chunks(sites_per_chunk: int = 60, filters: inventory.SiteFilters | None = None
                     ) -> Iterator[list[tuple[Site, list[tuple[Building, InventorySummary]]]]]:
    """The portfolio (the sites the filters select), site by site in name order, in chunks whose key figures come
    in a few queries each.

    Keyset pagination on (name, id): memory stays bounded by one chunk whatever the portfolio size.
    """
    last: tuple[str, int] | None = None
    while True:
        query = inventory.filter_sites(select(Site).options(selectinload(Site.buildings),
                                                            selectinload(Site.service_links))
                                       .order_by(Site.name, Site.id).limit(sites_per_chunk), filters)
        if last is not None:
            query = query.where((Site.name > last[0]) | ((Site.name == last[0]) & (Site.id > last[1])))
        sites = list(db.session.execute(query).scalars())
        if not sites:
            return
        summaries = inventory.building_summaries([b.id for site in sites for b in site.buildings])
        yield [(site, [(b, summaries[b.id][0]) for b in site.buildings]) for site in sites]
        last = (sites[-1].name, sites[-1].id)
        db.session.expunge_all()  # forget the chunk's objects: the session must not grow with the portfolio


# ---------------------------------------------------------------- energy (data from the energy area)


def energy_references(report: dict) -> list[str]:
    """The regulatory texts and reference rows behind an energy report, once each, as sentences."""
    seen: list[str] = []
    rows = list((report.get("tertiaire") or {}).get("references") or [])
    for year in report.get("years") or []:
        rows.extend(year.get("references") or [])
    for row in rows:
        text = row.get("source") if isinstance(row, dict) else str(row)
        if text and text not in seen:
            seen.append(text)
    return seen


# ---------------------------------------------------------------- works programme


def numbered_gantt_rows(rows: list[dict]) -> list[dict]:
    """Gantt rows labelled "1. …", "2. …" like the programme table: the chart shortens long labels, and several
    operations often start with the same words."""
    return [{**row, "label": f"{number}. {row['label']}"} for number, row in enumerate(rows, start=1)]


def safety_register_context(site: Site) -> dict:
    """What the registre de sécurité of a site shows, building by building: ERP data, equipment, the checks done
    with their results and reports, findings and their follow-up, the safety commission's visits."""
    from facilities.safety import services as safety
    from facilities.safety.models import Check, Equipment, Finding, SafetyVisit

    buildings = []
    reference = erp.reference_in_force()
    for building in sorted(site.buildings, key=lambda b: b.code):
        buildings.append({
            "building": building, "erp": erp.building_category(building, reference),
            "equipment": db.session.scalars(select(Equipment).where(Equipment.building_id == building.id)
                                            .order_by(Equipment.category, Equipment.name)).all(),
            "checks": db.session.scalars(select(Check).where(Check.building_id == building.id)
                                         .order_by(Check.done_on.desc(), Check.id.desc())).all(),
            "findings": db.session.scalars(select(Finding).where(Finding.building_id == building.id)
                                           .order_by(Finding.lifted_on.is_not(None), Finding.raised_on)).all(),
            "visits": db.session.scalars(select(SafetyVisit).where(SafetyVisit.building_id == building.id)
                                         .order_by(SafetyVisit.visited_on.desc())).all(),
            "plan": safety.building_plan(building),
        })
    return {"site": site, "buildings": buildings, "today": date.today(), **safety_labels()}


def safety_labels() -> dict:
    """The safety area's code lists, for report templates (no context processor runs there)."""
    from facilities.inventory.catalogue import ERP_TYPE_LABELS
    from facilities.safety import catalogue

    return {"ERP_TYPE_LABELS": ERP_TYPE_LABELS, "EQUIPMENT_CATEGORY_LABELS": catalogue.EQUIPMENT_CATEGORY_LABELS,
            "CHECK_TYPE_LABELS": catalogue.CHECK_TYPE_LABELS, "CHECK_RESULT_LABELS": catalogue.CHECK_RESULT_LABELS,
            "CHECK_STATUS_LABELS": catalogue.CHECK_STATUS_LABELS, "OPINION_LABELS": catalogue.OPINION_LABELS,
            "FINDING_SEVERITY_LABELS": catalogue.FINDING_SEVERITY_LABELS,
            "ACCESSIBILITY_STATUS_LABELS": catalogue.ACCESSIBILITY_STATUS_LABELS}
