"""Energy indicators of one building-year: final, primary and Décret tertiaire kWh, GHG, DPE classes.

Inputs are plain dataclasses and Decimals; every coefficient comes from `ReferenceData` (dated rows),
and every result keeps the rows it used. Arithmetic is Decimal throughout (`facilities.energy.decimals`).

These are invoice-based indicators on the energy reference area, not an official DPE nor the official
OPERAT figures; the climate-adjusted Décret tertiaire consumption is an estimate (see `compute_year`).

Pure Python: no Flask, no SQLAlchemy, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from facilities.energy.decimals import divide, to_decimal
from facilities.energy.dpe_classes import classify
from facilities.energy.reference import (
    Carrier,
    DatedRow,
    MissingReferenceError,
    ReferenceData,
    ScaleCode,
    ScaleMetric,
    reference_date,
)

# Share of the Décret tertiaire consumption that goes to heating, the only part the in-app climate
# estimate adjusts (cooling is not adjusted: no cooling degree-days are recorded). A modelling
# assumption, not a regulatory value: pass the building's own share when known.
DEFAULT_HEATING_SHARE = Decimal("0.5")


@dataclass(frozen=True)
class YearConsumption:
    """One building's consumption for one calendar year.

    `by_carrier`: kWh of final energy per carrier; `area_m2`: energy reference area that year;
    `dju` / `dju_mean`: heating degree-days of the year and of the long-term mean (optional).
    """

    year: int
    by_carrier: Mapping[Carrier, Decimal]
    area_m2: Decimal
    dju: Decimal | None = None
    dju_mean: Decimal | None = None

    def __post_init__(self) -> None:
        kwh = {}
        for carrier, value in self.by_carrier.items():
            carrier, value = Carrier(carrier), to_decimal(value)
            if value < 0:
                raise ValueError(f"{self.year}: negative consumption for {carrier}: {value}")
            kwh[carrier] = kwh.get(carrier, Decimal(0)) + value
        object.__setattr__(self, "by_carrier", kwh)
        area = to_decimal(self.area_m2)
        if area <= 0:
            raise ValueError(f"{self.year}: area_m2 must be greater than 0, got {area}")
        object.__setattr__(self, "area_m2", area)
        for name in ("dju", "dju_mean"):
            raw = getattr(self, name)
            if raw is not None:
                value = to_decimal(raw)
                if value <= 0:
                    raise ValueError(f"{self.year}: {name} must be greater than 0, got {value}")
                object.__setattr__(self, name, value)


@dataclass(frozen=True)
class YearIndicators:
    """Indicators of one building-year. An indicator whose reference row is missing is None, and
    `missing` says which row; `references` lists every row used."""

    year: int
    area_m2: Decimal
    by_carrier: Mapping[Carrier, Decimal]
    final_kwh: Decimal
    final_kwh_m2: Decimal
    primary_kwh: Decimal | None
    primary_kwh_m2: Decimal | None
    ghg_kg: Decimal | None
    ghg_kg_m2: Decimal | None
    dpe_class: str | None  # the label: worst class among the scale's label scales
    dpe_classes: Mapping[ScaleMetric, str | None]  # class on each scale of the building's scale code
    tertiaire_kwh: Decimal | None
    tertiaire_kwh_m2: Decimal | None
    climate_adjusted_tertiaire_kwh_m2: Decimal | None = None
    is_estimate: bool = False  # True when climate_adjusted_tertiaire_kwh_m2 is given
    references: tuple[DatedRow, ...] = ()
    missing: tuple[str, ...] = ()


def _weighted_sum(
    by_carrier: Mapping[Carrier, Decimal], lookup, on: date, used: list[DatedRow], missing: list[str]
) -> Decimal | None:
    """Σ kWh × row value over carriers with consumption; None (reason in `missing`) if a row is absent."""
    total = Decimal(0)
    complete = True
    for carrier, kwh in by_carrier.items():
        if kwh == 0:
            continue  # a factor that multiplies zero is not needed
        try:
            row = lookup(carrier, on)
        except MissingReferenceError as exc:
            missing.append(str(exc))
            complete = False
            continue
        used.append(row)
        total += kwh * row.value
    return total if complete else None


def compute_year(
    consumption: YearConsumption,
    scale_code: ScaleCode | str,
    ref: ReferenceData,
    *,
    heating_share: Decimal = DEFAULT_HEATING_SHARE,
    on: date | None = None,
    network: str | None = None,
) -> YearIndicators:
    """All indicators of one building-year, with the reference rows in force on `on` (default: the end of
    the year, `reference_date`: the year as labelled at the time; today's DPE passes today). `network`: the
    heating/cooling network the building is on, whose CO2 content replaces the generic one when recorded.

    - final_kwh_m2 = Σ kWh / area;
    - primary_kwh_m2 = Σ kWh × primary factor / area;
    - ghg_kg_m2 = Σ kWh × emission factor / area;
    - dpe_class: class of primary_kwh_m2 (and of ghg_kg_m2 for the scales in the label, i.e. the
      residential double threshold) on the building's scale; the worst class is the label;
    - tertiaire_kwh = Σ kWh × Décret tertiaire weight (district heating × 0.77, cooling × 0.25);
    - climate_adjusted_tertiaire_kwh_m2, only when dju and dju_mean are both given, an ESTIMATE:
      tertiaire × (1 − heating_share) + tertiaire × heating_share × dju_mean / dju, per m²
      (only the heating share is adjusted; the official figure is OPERAT's).
    """
    heating_share = to_decimal(heating_share)
    if not 0 <= heating_share <= 1:
        raise ValueError(f"heating_share must be between 0 and 1, got {heating_share}")
    on = on or reference_date(consumption.year)
    area = consumption.area_m2
    kwh = consumption.by_carrier
    used: list[DatedRow] = []
    missing: list[str] = []

    final = sum(kwh.values(), Decimal(0))
    primary = _weighted_sum(kwh, ref.primary_factor, on, used, missing)
    ghg = _weighted_sum(kwh, lambda carrier, day: ref.emission_factor(carrier, day, network), on, used, missing)
    tertiaire = _weighted_sum(kwh, ref.tertiaire_weight, on, used, missing)

    per_m2 = {
        ScaleMetric.PRIMARY_ENERGY: None if primary is None else divide(primary, area),
        ScaleMetric.GHG: None if ghg is None else divide(ghg, area),
    }
    classes: dict[ScaleMetric, str | None] = {}
    label: str | None = None
    try:
        scales = ref.dpe_scales_on(scale_code, on)
    except MissingReferenceError as exc:
        missing.append(str(exc))
    else:
        used.extend(scales)
        classes, label = classify(per_m2, scales)

    adjusted = None
    if tertiaire is not None and consumption.dju is not None and consumption.dju_mean is not None:
        heating = tertiaire * heating_share
        adjusted = divide(tertiaire - heating + divide(heating * consumption.dju_mean, consumption.dju), area)

    return YearIndicators(
        year=consumption.year,
        area_m2=area,
        by_carrier=dict(kwh),
        final_kwh=final,
        final_kwh_m2=divide(final, area),
        primary_kwh=primary,
        primary_kwh_m2=per_m2[ScaleMetric.PRIMARY_ENERGY],
        ghg_kg=ghg,
        ghg_kg_m2=per_m2[ScaleMetric.GHG],
        dpe_class=label,
        dpe_classes=classes,
        tertiaire_kwh=tertiaire,
        tertiaire_kwh_m2=None if tertiaire is None else divide(tertiaire, area),
        climate_adjusted_tertiaire_kwh_m2=adjusted,
        is_estimate=adjusted is not None,
        references=tuple(used),
        missing=tuple(missing),
    )
