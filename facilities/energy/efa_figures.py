"""The yearly consumption of an EFA (entité fonctionnelle assujettie), from that of its parts.

The rule (issue 15, point 2): a building's consumption is spread evenly over its floor area (the gross floor
area, else its tertiary area), and a part takes the share of its tertiary area. So a building entirely in one
EFA gives all its consumption; the 900 m² tertiary part of a 1,400 m² building with 500 m² of staff housing
gives 900 / 1,400 of it (the housing keeps its share out of the Décret tertiaire); a 300 m² part of a 1,200 m²
office building gives a quarter. The EFA's area is the sum of its parts' tertiary areas.

A year is complete for an EFA when every part's building has consumption that year, incomplete when only some
have, missing when none has. Only complete years are candidates for the reference year.

Pure Python: no Flask, no SQLAlchemy, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from facilities.energy.decimals import divide
from facilities.energy.reference import ReferenceData, ScaleCode
from facilities.energy.tertiaire import ReferenceYear, ReferenceYearError, choose_reference_year
from facilities.energy.year_indicators import YearConsumption, YearIndicators, compute_year

COMPLETE, INCOMPLETE, MISSING = "complete", "incomplete", "missing"


@dataclass(frozen=True)
class PartData:
    """One part of an EFA with what its building recorded."""

    building_id: int
    code: str
    part_area_m2: Decimal | None  # None: the building's whole tertiary area
    building_tertiary_m2: Decimal | None
    building_gross_m2: Decimal | None
    kwh: Mapping[int, Mapping[str, Decimal]] = field(default_factory=dict)  # year → carrier → kWh
    years: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)  # year → dju, dju_mean

    @property
    def area_m2(self) -> Decimal | None:
        """The part's tertiary area."""
        return self.part_area_m2 if self.part_area_m2 is not None else self.building_tertiary_m2

    @property
    def floor_m2(self) -> Decimal | None:
        """The area the building's consumption is spread over: its gross floor area, else its tertiary area."""
        return self.building_gross_m2 if self.building_gross_m2 else self.building_tertiary_m2

    def share_of(self, kwh: Decimal) -> Decimal | None:
        """This part's share of a building's kWh: kWh × part area / floor area (None: an area is unknown)."""
        area, floor = self.area_m2, self.floor_m2
        if area is None or not floor:
            return None
        return kwh if area >= floor else divide(kwh * area, floor)


@dataclass(frozen=True)
class EfaYear:
    """An EFA's figures for one year: final kWh per carrier (raw), the area, completeness."""

    year: int
    status: str  # COMPLETE, INCOMPLETE or MISSING
    by_carrier: dict[str, Decimal]
    area_m2: Decimal | None
    missing_buildings: tuple[str, ...]  # codes of the parts' buildings without consumption that year

    @property
    def total_kwh(self) -> Decimal:
        return sum(self.by_carrier.values(), Decimal(0))


def efa_area(parts: Iterable[PartData]) -> Decimal | None:
    """The EFA's tertiary area: the sum of its parts' (None when one is unknown)."""
    areas = [p.area_m2 for p in parts]
    if not areas or any(a is None for a in areas):
        return None
    return sum(areas, Decimal(0))


def efa_year(parts: list[PartData], year: int) -> EfaYear:
    """The EFA's consumption of `year`: each part's building consumption times its share."""
    by_carrier: dict[str, Decimal] = {}
    missing = []
    for part in parts:
        kwh = part.kwh.get(year)
        if not kwh or part.share_of(Decimal(0)) is None:
            missing.append(part.code)
            continue
        for carrier, value in kwh.items():
            by_carrier[carrier] = by_carrier.get(carrier, Decimal(0)) + part.share_of(value)
    status = MISSING if len(missing) == len(parts) else (INCOMPLETE if missing else COMPLETE)
    return EfaYear(year, status, by_carrier, efa_area(parts), tuple(missing))


def _degree_days(parts: list[PartData], year: int) -> tuple[Decimal | None, Decimal | None]:
    """The year's DJU and mean of the parts (one site, one weather station): the first part that has both."""
    for part in parts:
        extra = part.years.get(year) or {}
        if extra.get("dju") is not None and extra.get("dju_mean") is not None:
            return extra["dju"], extra["dju_mean"]
    return None, None


def years_with_data(parts: Iterable[PartData]) -> list[int]:
    return sorted({year for part in parts for year in part.kwh})


def efa_indicators(parts: list[PartData], scale: ScaleCode | str, ref: ReferenceData) -> list[YearIndicators]:
    """The indicators (weighted Décret tertiaire kWh/m², climate-adjusted estimate) of each complete year."""
    result = []
    for year in years_with_data(parts):
        figures = efa_year(parts, year)
        if figures.status != COMPLETE or not figures.area_m2:
            continue
        dju, dju_mean = _degree_days(parts, year)
        result.append(compute_year(YearConsumption(year, figures.by_carrier, figures.area_m2, dju, dju_mean),
                                   scale, ref))
    return result


def efa_reference(parts: list[PartData], scale: ScaleCode | str, ref: ReferenceData, user_choice: int | None = None,
                  *, today: date | None = None) -> tuple[ReferenceYear | None, str | None]:
    """The EFA's reference year among its complete years (`tertiaire.choose_reference_year`), and the reason a
    stored user's choice no longer holds (None when it does)."""
    indicators = efa_indicators(parts, scale, ref)
    try:
        return choose_reference_year(indicators, ref, user_choice, today=today), None
    except ReferenceYearError as error:
        return choose_reference_year(indicators, ref, None, today=today), str(error)
