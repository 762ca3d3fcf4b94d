"""Dated reference data for the energy indicators: factors, DPE scales, Décret tertiaire rules.

Regulatory values change over time, so none of them is a constant in code: each is a row with
`valid_from`, `valid_to` (inclusive, None = still in force) and `source`, editable by an administrator
(the database tables mirror these dataclasses; `reference_seed.py` holds the initial rows).
A computation asks `ReferenceData` for the row in force on a date and keeps the row, so the UI can show
which value, from which text, produced a figure.

Which date: a yearly indicator uses the rows in force at the END of its year (`reference_date`, 31
December): each year "as labelled at the time" (domain-rules.md §2), so 2025 keeps electricity 2.3 and a
value that changes during a year applies to that year. Today's DPE (`dpe_current`) uses the rows in force
on the day it is made. Building-level rules (subject threshold, reference window, targets) use the rows
in force on the day of the computation.

Pure Python: no Flask, no SQLAlchemy, no database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

from facilities.carriers import Carrier  # the one carrier list, shared with the works area


class ScaleCode(StrEnum):
    """The DPE scale a building is rated on (one per building).

    `tertiary_continuous` is for buildings occupied day and night, e.g. a child-welfare home
    (foyer de l'enfance) or an IME with residents; `residential` for housing (staff housing, foyers
    rated as dwellings), where the label is the worse of the energy and the GHG class.
    """

    TERTIARY_OFFICE = "tertiary_office"
    TERTIARY_CONTINUOUS = "tertiary_continuous"
    TERTIARY_OTHER = "tertiary_other"
    RESIDENTIAL = "residential"


class ScaleMetric(StrEnum):
    """What a DPE scale is measured on, per m² and per year."""

    PRIMARY_ENERGY = "primary_energy"  # kWh of primary energy
    GHG = "ghg"  # kg CO2e


class ConsumptionSource(StrEnum):
    """Where a consumption figure comes from."""

    INVOICE = "invoice"
    METER = "meter"
    ESTIMATE = "estimate"


DPE_LETTERS = "ABCDEFG"


class ReferenceDataError(Exception):
    """The reference tables cannot answer: a row is missing, or rows contradict each other."""


class MissingReferenceError(ReferenceDataError, LookupError):
    """No row is in force for the key on the date asked."""


class OverlappingReferenceError(ReferenceDataError, ValueError):
    """Two rows for the same key are in force on a same day."""


def reference_date(year: int) -> date:
    """The date whose reference rows label a calendar year of consumption as at the time: 31 December."""
    return date(year, 12, 31)


@dataclass(frozen=True, kw_only=True)
class DatedRow:
    """A reference value valid from `valid_from` to `valid_to` (both inclusive; None: open-ended)."""

    table: ClassVar[str] = ""

    valid_from: date
    valid_to: date | None = None
    source: str

    def __post_init__(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"{self.table}: valid_to {self.valid_to} is before valid_from {self.valid_from}")
        if not self.source.strip():
            raise ValueError(f"{self.table}: a source is required")

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    @property
    def key(self) -> Hashable:
        """What identifies the row's subject; at most one row per key is in force on any day."""
        raise NotImplementedError

    @property
    def value(self) -> Any:
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        """JSON-friendly summary naming the row, for the UI ("factor 1.9, from 2026-01-01, arrêté ...")."""
        key = self.key
        value = self.value
        return {
            "table": self.table,
            "key": "/".join(str(part) for part in key) if isinstance(key, tuple) else str(key),
            "value": [str(v) for v in value] if isinstance(value, tuple) else str(value),
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "source": self.source,
        }


def _positive_decimal(table: str, name: str, value: Decimal, *, allow_zero: bool = False) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"{table}: {name} must be a finite Decimal, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{table}: {name} must be {'>= 0' if allow_zero else '> 0'}, got {value}")


@dataclass(frozen=True, kw_only=True)
class PrimaryEnergyFactor(DatedRow):
    """kWh of primary energy per kWh of final energy, for one carrier (DPE)."""

    table: ClassVar[str] = "primary_energy_factors"
    carrier: Carrier
    factor: Decimal

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "carrier", Carrier(self.carrier))
        _positive_decimal(self.table, "factor", self.factor)

    @property
    def key(self) -> Carrier:
        return self.carrier

    @property
    def value(self) -> Decimal:
        return self.factor


NETWORK_CARRIERS = (Carrier.DISTRICT_HEATING, Carrier.DISTRICT_COOLING)


@dataclass(frozen=True, kw_only=True)
class EmissionFactor(DatedRow):
    """kg CO2e per kWh of final energy, for one carrier; for district heating or cooling, optionally for one
    `network` (its CO2 content, published per network by the DPE arrêté): a building on that network uses
    the network's row, any other the generic row (network None)."""

    table: ClassVar[str] = "emission_factors"
    carrier: Carrier
    kg_co2e_per_kwh: Decimal
    network: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "carrier", Carrier(self.carrier))
        _positive_decimal(self.table, "kg_co2e_per_kwh", self.kg_co2e_per_kwh, allow_zero=True)
        network = (self.network or "").strip() or None
        object.__setattr__(self, "network", network)
        if network is not None and self.carrier not in NETWORK_CARRIERS:
            raise ValueError(f"{self.table}: only district heating or cooling has a network, not {self.carrier}")

    @property
    def key(self) -> Carrier | tuple[Carrier, str]:
        return self.carrier if self.network is None else (self.carrier, self.network)

    @property
    def value(self) -> Decimal:
        return self.kg_co2e_per_kwh


@dataclass(frozen=True, kw_only=True)
class DpeScale(DatedRow):
    """A DPE scale: upper bounds of classes A..F on one metric, G above.

    `upper_inclusive`: True when a value equal to a bound is still in the class (tertiary scales,
    "B <= 110"), False when the bound belongs to the next class (residential DPE 2021, "A < 70").
    `in_label`: whether this scale counts for the building's DPE letter. The label is the worst class
    among the scales in the label: residential has both its energy and GHG scales in it (double
    threshold); the tertiary GHG scale is a separate "climate" label, reported but not in the letter.
    """

    table: ClassVar[str] = "dpe_scales"
    code: ScaleCode
    label: str
    metric: ScaleMetric
    upper_bounds: tuple[Decimal, Decimal, Decimal, Decimal, Decimal, Decimal]
    upper_inclusive: bool
    in_label: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "code", ScaleCode(self.code))
        object.__setattr__(self, "metric", ScaleMetric(self.metric))
        bounds = tuple(self.upper_bounds)
        object.__setattr__(self, "upper_bounds", bounds)
        if len(bounds) != 6:
            raise ValueError(
                f"{self.table}: {self.code}/{self.metric} needs 6 upper bounds (A..F), got {len(bounds)}"
            )
        for bound in bounds:
            _positive_decimal(self.table, "upper bound", bound)
        if any(b <= a for a, b in zip(bounds, bounds[1:], strict=False)):
            raise ValueError(f"{self.table}: {self.code}/{self.metric} bounds must increase: {bounds}")

    @property
    def key(self) -> tuple[ScaleCode, ScaleMetric]:
        return (self.code, self.metric)

    @property
    def value(self) -> tuple[Decimal, ...]:
        return self.upper_bounds

    @staticmethod
    def classed_value(value: Decimal) -> Decimal:
        """The value compared with the bounds: the scales are in whole units, so a value is rounded to
        the unit, half up, first (domain-rules.md §2: 110.4 → 110 → B and 110.6 → 111 → C on the office
        scale; 110.5 → 111). Only the classing rounds; the figures shown keep their decimals."""
        return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)

    def classify(self, value: Decimal) -> str:
        """The class letter of a value (per m² per year) on this scale, after rounding it to the unit."""
        value = self.classed_value(value)
        for letter, bound in zip(DPE_LETTERS, self.upper_bounds, strict=False):
            if value <= bound if self.upper_inclusive else value < bound:
                return letter
        return DPE_LETTERS[-1]


@dataclass(frozen=True, kw_only=True)
class TertiaireWeight(DatedRow):
    """Multiplier applied to a carrier's final energy in the Décret tertiaire consumption."""

    table: ClassVar[str] = "tertiaire_weights"
    carrier: Carrier
    weight: Decimal

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "carrier", Carrier(self.carrier))
        _positive_decimal(self.table, "weight", self.weight, allow_zero=True)

    @property
    def key(self) -> Carrier:
        return self.carrier

    @property
    def value(self) -> Decimal:
        return self.weight


@dataclass(frozen=True, kw_only=True)
class TertiaireTarget(DatedRow):
    """Décret tertiaire relative target: consumption <= Créf × (1 − reduction) by `year`."""

    table: ClassVar[str] = "tertiaire_targets"
    year: int
    reduction: Decimal

    def __post_init__(self) -> None:
        super().__post_init__()
        _positive_decimal(self.table, "reduction", self.reduction)
        if self.reduction >= 1:
            raise ValueError(f"{self.table}: reduction is a fraction below 1, got {self.reduction}")

    @property
    def key(self) -> int:
        return self.year

    @property
    def value(self) -> Decimal:
        return self.reduction


@dataclass(frozen=True, kw_only=True)
class TertiaireRule(DatedRow):
    """Décret tertiaire scope and reference window: subject from `min_area_m2`; Créf chosen in
    `reference_first_year`..`reference_last_year` (both inclusive).

    `first_full_year_deadline`: when a building has no complete year in the window, its reference is the
    first complete year reported, provisional until this date (if nothing else is declared by then, it
    becomes definitive); None: the rule has no such fallback (the window alone applies)."""

    table: ClassVar[str] = "tertiaire_rules"
    min_area_m2: Decimal
    reference_first_year: int
    reference_last_year: int
    first_full_year_deadline: date | None = None
    declaration_month: int | None = None  # year N is declared on OPERAT by this month and day of N + 1
    declaration_day: int | None = None

    def declaration_deadline(self, year: int) -> date | None:
        """The last day to declare `year` on OPERAT (None: the rule sets none)."""
        if self.declaration_month is None or self.declaration_day is None:
            return None
        return date(year + 1, self.declaration_month, self.declaration_day)

    def __post_init__(self) -> None:
        super().__post_init__()
        if (self.declaration_month is None) != (self.declaration_day is None):
            raise ValueError(f"{self.table}: give both the declaration month and day, or neither")
        if self.declaration_month is not None:
            try:
                date(2001, self.declaration_month, self.declaration_day)  # a day of a common year
            except (TypeError, ValueError):
                raise ValueError(f"{self.table}: declaration day {self.declaration_month}-{self.declaration_day} "
                                 "is not a day of the year") from None
        _positive_decimal(self.table, "min_area_m2", self.min_area_m2)
        if self.reference_last_year < self.reference_first_year:
            raise ValueError(
                f"{self.table}: reference window {self.reference_first_year}..{self.reference_last_year} is empty"
            )
        deadline = self.first_full_year_deadline
        if deadline is not None and deadline.year <= self.reference_last_year:
            raise ValueError(
                f"{self.table}: first_full_year_deadline {deadline} must come after the reference window "
                f"({self.reference_last_year})"
            )

    @property
    def key(self) -> str:
        return "decret_tertiaire"

    @property
    def value(self) -> tuple[Decimal, ...]:
        return (self.min_area_m2, Decimal(self.reference_first_year), Decimal(self.reference_last_year))


@dataclass(frozen=True, kw_only=True)
class DpeDisplayRule(DatedRow):
    """Who must display a DPE where the public sees it: a building of a public owner with more than `min_area_m2`
    hosting an ERP of category 1 to `max_erp_category` (domain-rules.md §2)."""

    table: ClassVar[str] = "dpe_display_rules"
    min_area_m2: Decimal
    max_erp_category: int
    public_owner_only: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        _positive_decimal(self.table, "min_area_m2", self.min_area_m2)
        if not 1 <= self.max_erp_category <= 5:
            raise ValueError(f"{self.table}: max_erp_category is an ERP category 1..5, got {self.max_erp_category}")

    @property
    def key(self) -> str:
        return "dpe_display"

    @property
    def value(self) -> tuple[Decimal, ...]:
        return (self.min_area_m2, Decimal(self.max_erp_category))

    def applies(self, area_m2: Decimal | None, erp_category: int | None, public_owner: bool) -> bool:
        """Whether a building must display its DPE: over the area (strictly), an ERP of a category up to the
        maximum, and a public owner when the rule asks for one."""
        return (area_m2 is not None and area_m2 > self.min_area_m2 and erp_category is not None
                and 1 <= erp_category <= self.max_erp_category and (public_owner or not self.public_owner_only))


Row = TypeVar("Row", bound=DatedRow)


def find_overlaps(rows: Iterable[DatedRow]) -> list[tuple[DatedRow, DatedRow]]:
    """Pairs of rows of the same table and key whose validity periods share a day (for admin forms too)."""
    by_key: dict[tuple[str, Hashable], list[DatedRow]] = defaultdict(list)
    for row in rows:
        by_key[(row.table, row.key)].append(row)
    overlaps = []
    for group in by_key.values():
        group.sort(key=lambda r: r.valid_from)
        for earlier, later in zip(group, group[1:], strict=False):
            if earlier.valid_to is None or later.valid_from <= earlier.valid_to:
                overlaps.append((earlier, later))
    return overlaps


def _describe_key(row_type: type[DatedRow], key: Hashable) -> str:
    if isinstance(key, tuple):
        key = "/".join(str(part) for part in key)
    return f"{row_type.table} [{key}]"


@dataclass(frozen=True)
class ReferenceData:
    """All reference tables; rows for one key must not overlap in time (checked on construction)."""

    primary_energy_factors: tuple[PrimaryEnergyFactor, ...] = ()
    emission_factors: tuple[EmissionFactor, ...] = ()
    dpe_scales: tuple[DpeScale, ...] = ()
    tertiaire_weights: tuple[TertiaireWeight, ...] = ()
    tertiaire_targets: tuple[TertiaireTarget, ...] = ()
    tertiaire_rules: tuple[TertiaireRule, ...] = ()
    dpe_display_rules: tuple[DpeDisplayRule, ...] = ()

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            object.__setattr__(self, name, tuple(getattr(self, name)))
        overlaps = find_overlaps(self.all_rows())
        if overlaps:
            details = "; ".join(
                f"{_describe_key(type(a), a.key)} from {a.valid_from} and from {b.valid_from}"
                for a, b in overlaps
            )
            raise OverlappingReferenceError(f"Overlapping reference rows: {details}")

    def all_rows(self) -> list[DatedRow]:
        return [row for name in self.__dataclass_fields__ for row in getattr(self, name)]

    @staticmethod
    def _one(rows: Iterable[Row], row_type: type[Row], key: Hashable, on: date) -> Row:
        for row in rows:
            if row.key == key and row.in_force(on):
                return row  # construction guarantees at most one
        raise MissingReferenceError(f"No {_describe_key(row_type, key)} row in force on {on.isoformat()}")

    def primary_factor(self, carrier: Carrier | str, on: date) -> PrimaryEnergyFactor:
        return self._one(self.primary_energy_factors, PrimaryEnergyFactor, Carrier(carrier), on)

    def emission_factor(self, carrier: Carrier | str, on: date, network: str | None = None) -> EmissionFactor:
        """The row of the building's `network` for district heating or cooling when one is in force, else the
        generic row of the carrier."""
        carrier = Carrier(carrier)
        network = (network or "").strip()
        if network and carrier in NETWORK_CARRIERS:
            try:
                return self._one(self.emission_factors, EmissionFactor, (carrier, network), on)
            except MissingReferenceError:
                pass
        return self._one(self.emission_factors, EmissionFactor, carrier, on)

    def tertiaire_weight(self, carrier: Carrier | str, on: date) -> TertiaireWeight:
        return self._one(self.tertiaire_weights, TertiaireWeight, Carrier(carrier), on)

    def tertiaire_rule(self, on: date) -> TertiaireRule:
        return self._one(self.tertiaire_rules, TertiaireRule, "decret_tertiaire", on)

    def dpe_display_rule(self, on: date) -> DpeDisplayRule:
        return self._one(self.dpe_display_rules, DpeDisplayRule, "dpe_display", on)

    def dpe_scale(self, code: ScaleCode | str, metric: ScaleMetric | str, on: date) -> DpeScale:
        return self._one(self.dpe_scales, DpeScale, (ScaleCode(code), ScaleMetric(metric)), on)

    def dpe_scales_on(self, code: ScaleCode | str, on: date) -> tuple[DpeScale, ...]:
        """The scales of a code in force on a date, energy first; the energy scale is required."""
        energy = self.dpe_scale(code, ScaleMetric.PRIMARY_ENERGY, on)
        others = tuple(
            s
            for s in self.dpe_scales
            if s.code == energy.code and s.metric != energy.metric and s.in_force(on)
        )
        return (energy, *others)

    def tertiaire_targets_on(self, on: date) -> tuple[TertiaireTarget, ...]:
        """Targets in force on a date, by year; at least one is required."""
        rows = sorted((t for t in self.tertiaire_targets if t.in_force(on)), key=lambda t: t.year)
        if not rows:
            raise MissingReferenceError(f"No {TertiaireTarget.table} row in force on {on.isoformat()}")
        return tuple(rows)
