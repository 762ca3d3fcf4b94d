"""Today's DPE of a building: its class as a DPE made today would give it (domain-rules.md §2).

A tertiary DPE on actual consumption averages the last three complete years and uses the conversion
factors in force on the day the DPE is MADE, not those of the years consumed: a DPE made in 2026 on 2025
invoices uses electricity 1.9. The per-year series (`year_indicators.compute_year`) keeps each year as
labelled at the time (rows in force at the end of that year); this module gives the figure of today.

An in-app estimate from the recorded consumption, not an official DPE.

Pure Python: no Flask, no SQLAlchemy, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from facilities.energy.decimals import divide
from facilities.energy.dpe_classes import classify
from facilities.energy.reference import (
    DatedRow,
    MissingReferenceError,
    ReferenceData,
    ScaleCode,
    ScaleMetric,
)
from facilities.energy.year_indicators import YearConsumption, compute_year

YEARS_AVERAGED = 3  # "the last three complete years" of a tertiary DPE on actual consumption


@dataclass(frozen=True)
class CurrentDpe:
    """`years`: the complete years averaged (those of the last three with data); `missing_years`: those of
    the last three without data; `factors_date`: the day whose reference rows were used (today)."""

    dpe_class: str | None
    dpe_classes: Mapping[ScaleMetric, str | None]
    primary_kwh_m2: Decimal | None
    ghg_kg_m2: Decimal | None
    years: tuple[int, ...]
    missing_years: tuple[int, ...]
    factors_date: date
    references: tuple[DatedRow, ...] = ()
    missing: tuple[str, ...] = ()


def last_complete_years(today: date, count: int = YEARS_AVERAGED) -> tuple[int, ...]:
    """The `count` calendar years that ended before today, oldest first (2023, 2024, 2025 in 2026)."""
    return tuple(range(today.year - count, today.year))


def _mean(values: list[Decimal | None]) -> Decimal | None:
    if not values or any(v is None for v in values):
        return None
    return divide(sum(values, Decimal(0)), Decimal(len(values)))


def current_dpe(
    consumptions: Iterable[YearConsumption], scale_code: ScaleCode | str, ref: ReferenceData, *, today: date,
    network: str | None = None,
) -> CurrentDpe | None:
    """The DPE made today: the mean over the last three complete years with data of each year's primary
    kWh/m² and kg CO2e/m², every year converted with the factors in force TODAY, classed on the scales in
    force today (rounded to the unit first). None when none of the last three complete years has data."""
    wanted = last_complete_years(today)
    by_year = {c.year: c for c in consumptions}
    used = [by_year[y] for y in wanted if y in by_year]
    if not used:
        return None
    indicators = [compute_year(c, scale_code, ref, on=today, network=network) for c in used]
    primary = _mean([i.primary_kwh_m2 for i in indicators])
    ghg = _mean([i.ghg_kg_m2 for i in indicators])
    rows: list[DatedRow] = []
    missing: list[str] = []
    for ind in indicators:
        rows.extend(r for r in ind.references if r not in rows)
        missing.extend(m for m in ind.missing if m not in missing)
    classes: dict[ScaleMetric, str | None] = {}
    label = None
    try:
        scales = ref.dpe_scales_on(scale_code, today)
    except MissingReferenceError as exc:
        if str(exc) not in missing:
            missing.append(str(exc))
    else:
        classes, label = classify({ScaleMetric.PRIMARY_ENERGY: primary, ScaleMetric.GHG: ghg}, scales)
    return CurrentDpe(
        dpe_class=label,
        dpe_classes=classes,
        primary_kwh_m2=primary,
        ghg_kg_m2=ghg,
        years=tuple(c.year for c in used),
        missing_years=tuple(y for y in wanted if y not in by_year),
        factors_date=today,
        references=tuple(rows),
        missing=tuple(missing),
    )
