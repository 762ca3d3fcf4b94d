"""The energy portfolio: each building's latest class and trajectory position, yearly totals, the dashboard
and the DPE class of each site for the map. Data loaded in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from facilities.energy.building_report import headline
from facilities.energy.dpe_classes import worst_class
from facilities.energy.models import EnergyConsumption
from facilities.energy.reference import DPE_LETTERS, MissingReferenceError, ReferenceData, reference_date
from facilities.energy.services import BuildingEnergy, load_building_energy, reference_data
from facilities.energy.tertiaire import OFF_TRACK
from facilities.extensions import db


@dataclass(frozen=True)
class BuildingStanding:
    """A building's latest year on the portfolio dashboard."""

    building_id: int
    site_id: int
    code: str
    name: str
    latest_year: int | None
    dpe_class: str | None  # today's DPE (the last three complete years, today's factors)
    tertiaire_kwh_m2: float | None
    path_kwh_m2: float | None
    gap_kwh_m2: float | None
    status: str | None
    subject: bool
    dpe_display_required: bool | None = None  # must display its DPE (None: no rule in force)
    dpe_years: tuple[int, ...] = ()  # the years today's DPE averages
    reference_year: int | None = None  # the Décret tertiaire reference year used
    incomplete: bool = False  # a year after the latest complete one is incomplete (not judged yet)

    @property
    def gap_ratio(self) -> float | None:
        """Gap as a share of the path value (0.25: 25 % above the path)."""
        if self.gap_kwh_m2 is None or not self.path_kwh_m2:
            return None
        return self.gap_kwh_m2 / self.path_kwh_m2


def standing(item: BuildingEnergy, ref: ReferenceData, today: date | None = None) -> BuildingStanding:
    """The latest year's class and trajectory position of one building."""
    if not item.kwh:
        # Nothing recorded: no class and no position, only whether its area makes it subject. Most buildings
        # of a large portfolio are in this case, and the full report costs ~40 µs each.
        subject = item.subject(ref, today).subject
        return BuildingStanding(item.building_id, item.site_id, item.code, item.name, None, None, None, None, None,
                                None, subject, item.dpe_display(ref, today)["required"])
    report = item.report(ref, today)
    latest = headline(report)  # the latest complete year: an incomplete one is never judged
    current = report["dpe_current"]
    return BuildingStanding(
        item.building_id, item.site_id, item.code, item.name,
        latest["year"] if latest else None, current["dpe_class"] if current else None,
        latest["tertiaire_kwh_m2"] if latest else None, latest["path_kwh_m2"] if latest else None,
        latest["gap_kwh_m2"] if latest else None, latest["status"] if latest else None,
        report["tertiaire"]["subject"], report["dpe_display"]["required"],
        tuple(current["years"]) if current else (), report["tertiaire"]["reference_year"],
        any(not y["complete"] and y["year"] > (report["headline_year"] or 0) for y in report["years"]),
    )


def portfolio_standings(today: date | None = None) -> list[BuildingStanding]:
    """Every building's standing, computed from data loaded in a fixed number of queries."""
    ref = reference_data()
    return [standing(item, ref, today) for item in load_building_energy().values()]


@dataclass(frozen=True)
class YearTotal:
    year: int
    kwh: Decimal
    kg_co2e: Decimal | None  # None when an emission factor is missing for a carrier used that year
    by_carrier: dict[str, Decimal]
    missing: tuple[str, ...] = ()


def yearly_totals(ref: ReferenceData | None = None) -> list[YearTotal]:
    """Portfolio kWh and kg CO2e per year, summed in SQL by year and carrier (one query)."""
    rows = db.session.execute(
        select(EnergyConsumption.year, EnergyConsumption.carrier, func.sum(EnergyConsumption.kwh))
        .group_by(EnergyConsumption.year, EnergyConsumption.carrier)
        .order_by(EnergyConsumption.year)
    ).all()
    return year_totals_from(rows, ref or reference_data())


def year_totals_from(rows, ref: ReferenceData) -> list[YearTotal]:
    """YearTotal per year from (year, carrier, kWh) rows, with the kg CO2e of the factors of each year's end."""
    per_year: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for year, carrier, kwh in rows:
        per_year[year][carrier] = Decimal(kwh)
    totals = []
    for year, by_carrier in sorted(per_year.items()):
        co2: Decimal | None = Decimal(0)
        missing = []
        for carrier, kwh in by_carrier.items():
            if kwh == 0:
                continue
            try:
                co2 += kwh * ref.emission_factor(carrier, reference_date(year)).kg_co2e_per_kwh
            except MissingReferenceError as error:
                missing.append(str(error))
        totals.append(YearTotal(year, sum(by_carrier.values(), Decimal(0)), None if missing else co2,
                                by_carrier, tuple(missing)))
    return totals


@dataclass(frozen=True)
class Dashboard:
    class_counts: dict[str, int]  # letter (and "" for no class) → number of buildings
    furthest_off_track: list[BuildingStanding]
    totals: list[YearTotal]
    buildings: int
    subject: int
    off_track: int
    must_display: list[BuildingStanding]  # buildings that must display their DPE


def dashboard(limit: int = 10, today: date | None = None) -> Dashboard:
    """Figures of the portfolio dashboard: classes, the buildings furthest off track, yearly totals."""
    standings = portfolio_standings(today)
    counts = {letter: 0 for letter in DPE_LETTERS}
    counts[""] = 0
    for item in standings:
        counts[item.dpe_class or ""] += 1
    off = [s for s in standings if s.status == OFF_TRACK]
    off.sort(key=lambda s: (-(s.gap_ratio or 0), -(s.gap_kwh_m2 or 0), s.code))
    return Dashboard(counts, off[:limit], yearly_totals(), len(standings),
                     sum(1 for s in standings if s.subject), len(off),
                     sorted((s for s in standings if s.dpe_display_required), key=lambda s: s.code))


def latest_dpe_class_by_site(today: date | None = None) -> dict[int, str]:
    """{site id: DPE letter} for the map: the worst of today's DPE classes among the site's buildings
    (sites without any class are left out). A fixed number of queries, whatever the number of sites."""
    letters: dict[int, list[str]] = defaultdict(list)
    for item in portfolio_standings(today):
        if item.dpe_class:
            letters[item.site_id].append(item.dpe_class)
    return {site_id: worst_class(found) for site_id, found in letters.items()}
