"""The portfolio report: every site and building with its key figures, one section per site, hundreds of pages
in landscape (ten columns of figures beside each building's name).

One WeasyPrint document of a thousand buildings holds every laid-out box in memory at once. The report is
therefore laid out in chunks of sites, each written to a temporary PDF, then merged with pypdf. The summary that
opens the report needs figures summed over every chunk, so it is laid out last and merged first; the
"page X / Y" numbers, which need the final page count, are stamped last from a document of blank numbered pages.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from flask_babel import gettext as _

from facilities.inventory.catalogue import SITE_KIND_LABELS, SITE_STATUS_LABELS
from facilities.inventory.services import SiteFilters, commune_choices
from facilities.inventory.summary import InventorySummary
from facilities.reports.pdf import html_to_pdf, make_fetcher, merge_numbered, render_html
from facilities.reports.services import portfolio_chunks, portfolio_totals

SITES_PER_CHUNK = 60
SUMMARY_SITES_PER_CHUNK = 500  # the summary alone lays out no section: bigger chunks, fewer queries
LAYOUT_SHARE = 90  # percent of the progress bar spent laying out chunks; the rest is the summary and merging

# The figures summed over buildings, for a site with several buildings and for the whole portfolio.
SUMMED = ("floors", "public_floors", "spaces", "net_area_m2", "interview_offices", "medical_cabinets",
          "digital_spaces", "pcs", "public_pcs", "mediation_spaces", "workstations")


@dataclass
class Figures:
    """Key figures summed over several buildings, with their cost (buildings without a cost are counted)."""

    buildings: int = 0
    floors: int = 0
    public_floors: int = 0
    spaces: int = 0
    net_area_m2: Decimal = Decimal(0)
    interview_offices: int = 0
    medical_cabinets: int = 0
    digital_spaces: int = 0
    pcs: int = 0
    public_pcs: int = 0
    mediation_spaces: int = 0
    workstations: int = 0
    cost_cents: int = 0
    without_cost: int = 0

    def add(self, summary: InventorySummary, cost_cents: int | None) -> None:
        self.buildings += 1
        for name in SUMMED:
            setattr(self, name, getattr(self, name) + getattr(summary, name))
        if cost_cents is None:
            self.without_cost += 1
        else:
            self.cost_cents += cost_cents

    def merge(self, other: Figures) -> None:
        for name in ("buildings", *SUMMED, "cost_cents", "without_cost"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class PortfolioSummary:
    """What the opening summary shows: totals of every building and the sites by status and kind."""

    total: Figures = field(default_factory=Figures)
    sites: int = 0
    sites_without_building: int = 0
    by_status: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)
    figures_by_status: dict[str, Figures] = field(default_factory=dict)

    def add_site(self, site, figures: Figures) -> None:
        self.sites += 1
        self.by_status[site.status] += 1
        self.by_kind[site.kind] += 1
        if not figures.buildings:
            self.sites_without_building += 1
        self.total.merge(figures)
        self.figures_by_status.setdefault(site.status, Figures()).merge(figures)


def site_sections(chunk, summary: PortfolioSummary) -> list[tuple]:
    """(site, [(building, key figures)], site figures) for each site of a chunk; adds them to the summary."""
    sections = []
    for site, buildings in chunk:
        figures = Figures()
        for building, key_figures in buildings:
            figures.add(key_figures, building.cost_cents)
        summary.add_site(site, figures)
        sections.append((site, buildings, figures))
    return sections


def selection_text(filters: SiteFilters | None) -> str:
    """The selection of a report in words ("Commune: Nanterre · Status: Open"), or "" for the whole portfolio."""
    if filters is None:
        return ""
    parts = []
    if filters.commune:
        names = dict(commune_choices())
        parts.append(_("Commune: %(name)s", name=names.get(filters.commune, filters.commune)))
    if filters.kind:
        parts.append(_("Kind: %(kind)s", kind=SITE_KIND_LABELS.get(filters.kind, filters.kind)))
    if filters.status:
        parts.append(_("Status: %(status)s", status=SITE_STATUS_LABELS.get(filters.status, filters.status)))
    return " · ".join(parts)


def render_portfolio(target: Path, progress=lambda percent, message: None,
                     sites_per_chunk: int = SITES_PER_CHUNK, filters: SiteFilters | None = None,
                     summary_only: bool = False) -> int:
    """Write the portfolio report to `target` (of the sites `filters` select; the opening summary alone with
    `summary_only`); report progress as (percent, message); return the page count."""
    totals = portfolio_totals(filters)
    fetcher = make_fetcher()
    title = _("Portfolio of sites and buildings")
    today = date.today()
    summary = PortfolioSummary()
    selection = selection_text(filters)
    progress(1, _("Reading the portfolio…"))
    with tempfile.TemporaryDirectory(prefix="portfolio-") as workdir:
        parts: list[Path] = []
        sites_done = 0
        chunks = portfolio_chunks(SUMMARY_SITES_PER_CHUNK if summary_only else sites_per_chunk, filters)
        for index, chunk in enumerate(chunks):
            sections = site_sections(chunk, summary)
            sites_done += len(chunk)
            if not summary_only:
                html = render_html("portfolio.html", sections=sections, title=title, today=today, unnumbered=True)
                part = Path(workdir) / f"part-{index:05d}.pdf"
                part.write_bytes(html_to_pdf(html, fetcher))
                parts.append(part)
            progress(1 + (LAYOUT_SHARE - 1) * sites_done // max(totals.sites, 1),
                     _("%(done)s of %(total)s sites laid out", done=sites_done, total=totals.sites))
        progress(LAYOUT_SHARE, _("Numbering and merging the pages…"))
        opening = Path(workdir) / "summary.pdf"
        opening.write_bytes(html_to_pdf(render_html("portfolio_summary.html", summary=summary, title=title,
                                                    today=today, unnumbered=True, selection=selection,
                                                    summary_only=summary_only), fetcher))
        parts.insert(0, opening)
        page_count = merge_numbered(parts, target, title, landscape=True, fetcher=fetcher)
    progress(100, _("Done"))
    return page_count

