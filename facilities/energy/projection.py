"""The Décret tertiaire position a building would reach once its received energy-retrofit works save what
the works programme expects: pure functions.

The works area records, per operation, the expected yearly savings per energy carrier (kWh of final energy).
Here an operation is one of:

- `counted`: received (status received or closed) and its réception year is not earlier than the latest
  year of recorded consumption, so that year does not yet show a full year of savings: its savings are
  taken off the latest year's consumption;
- `already_reflected`: received before the latest recorded year: that year's consumption already includes
  the savings, which are not taken off again;
- `planned`: not received yet: listed (expected savings), never counted.

The projected year is the first full year after the latest réception (and after the latest recorded year).
Its consumption is the latest year's, per carrier, less the counted savings and floored at 0, on the latest
year's area; its indicators come from `compute_year` (the same reference rows and Décret tertiaire weights as
the recorded years) and its position from `trajectory` (the same path, targets, Cabs and status rules). No
climate adjustment: the projection is an estimate of the raw Décret tertiaire consumption.

Pure Python: no Flask, no SQLAlchemy, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from facilities.carriers import CODES as CARRIER_CODES
from facilities.energy.decimals import DISPLAY_PLACES, round_for_display, to_decimal
from facilities.energy.reference import Carrier, ReferenceData, ScaleCode
from facilities.energy.tertiaire import Trajectory, TrajectoryPoint, trajectory
from facilities.energy.year_indicators import (
    DEFAULT_HEATING_SHARE,
    YearConsumption,
    YearIndicators,
    compute_year,
)

RECEIVED_STATUSES = frozenset({"received", "closed"})
RETROFIT_NATURE = "energy_retrofit"

COUNTED = "counted"
ALREADY_REFLECTED = "already_reflected"
PLANNED = "planned"

RECEPTION_PHASE = "AOR"  # assistance aux opérations de réception: opens with the réception
WORKS_PHASE = "DET"  # the works: the réception closes them


def reception_year(phases: Iterable[tuple[str, date, date]], end: date) -> int:
    """The year of an operation's réception from its planned phases (code, start, end): the start of the AOR
    phase, else the end of the DET phase, else the operation's `end` (its last planned day)."""
    phases = list(phases)
    for code, start, _end in phases:
        if str(code).upper() == RECEPTION_PHASE:
            return start.year
    for code, _start, finish in phases:
        if str(code).upper() == WORKS_PHASE:
            return finish.year
    return end.year


@dataclass(frozen=True)
class RetrofitOperation:
    """A works operation about the building with expected savings (or of nature energy_retrofit).

    `savings`: kWh of final energy per year, keyed by carrier code (the one list, facilities.carriers); a code
    outside it (a row kept from before the list was shared, such as "other") is shown, never counted.
    """

    id: int
    label: str
    status: str
    nature: str
    reception_year: int
    savings: Mapping[str, Decimal] = field(default_factory=dict)
    illustrative: bool = False

    def __post_init__(self) -> None:
        savings = {}
        for carrier, kwh in self.savings.items():
            value = to_decimal(kwh)
            if value < 0:
                raise ValueError(f"operation {self.id}: negative savings for {carrier}: {value}")
            savings[str(carrier)] = value
        object.__setattr__(self, "savings", savings)

    @property
    def received(self) -> bool:
        return self.status in RECEIVED_STATUSES

    def energy_savings(self) -> tuple[dict[Carrier, Decimal], dict[str, Decimal]]:
        """(savings per energy carrier, savings of codes outside the carrier list)."""
        known: dict[Carrier, Decimal] = {}
        unknown: dict[str, Decimal] = {}
        for code, kwh in self.savings.items():
            carrier = Carrier(code) if code in CARRIER_CODES else None
            if carrier is None:
                unknown[code] = unknown.get(code, Decimal(0)) + kwh
            else:
                known[carrier] = known.get(carrier, Decimal(0)) + kwh
        return known, unknown


def is_relevant(op: RetrofitOperation) -> bool:
    """An operation the projection lists: an energy retrofit, or any operation with expected savings."""
    return op.nature == RETROFIT_NATURE or any(op.savings.values())


def role_of(op: RetrofitOperation, latest_year: int | None) -> str:
    """counted / already_reflected / planned (see the module's docstring)."""
    if not op.received:
        return PLANNED
    if latest_year is not None and op.reception_year < latest_year:
        return ALREADY_REFLECTED
    return COUNTED


@dataclass(frozen=True)
class ListedOperation:
    operation: RetrofitOperation
    role: str
    savings: Mapping[Carrier, Decimal]  # per energy carrier
    uncounted_savings: Mapping[str, Decimal]  # carriers without an energy carrier ("other")


@dataclass(frozen=True)
class Projection:
    """The projected year, or only the listed operations when nothing is counted (`projected` is None)."""

    operations: tuple[ListedOperation, ...]
    base: YearIndicators | None = None  # the latest recorded year
    year: int | None = None  # the projected year
    savings: Mapping[Carrier, Decimal] = field(default_factory=dict)  # counted, per carrier
    floored: tuple[Carrier, ...] = ()  # carriers whose savings exceed the consumption (projected at 0)
    projected: YearIndicators | None = None
    point: TrajectoryPoint | None = None  # position against the path in the projected year
    target_year: int | None = None  # the next target (the one the path aims at), else the last one
    target_kwh_m2: Decimal | None = None

    @property
    def gap_to_target_kwh_m2(self) -> Decimal | None:
        """Projected − target: above zero, the projection still exceeds the target."""
        if self.target_kwh_m2 is None or self.projected is None or self.projected.tertiaire_kwh_m2 is None:
            return None
        return self.projected.tertiaire_kwh_m2 - self.target_kwh_m2


def project_after_works(
    latest: YearConsumption | None,
    operations: Iterable[RetrofitOperation],
    scale_code: ScaleCode | str,
    ref: ReferenceData,
    *,
    reference: tuple[int, Decimal] | None = None,
    cabs_kwh_m2: Decimal | None = None,
    heating_share: Decimal = DEFAULT_HEATING_SHARE,
    today: date | None = None,
) -> Projection | None:
    """The building's consumption once the counted savings apply, and its Décret tertiaire position.

    `latest`: the latest recorded year (None without consumption: operations are listed, nothing projected);
    `reference`: (reference year, Créf kWh/m²) of the building's trajectory, None without one (no position).
    None when no operation is relevant (`is_relevant`).
    """
    relevant = sorted((op for op in operations if is_relevant(op)), key=lambda op: (op.reception_year, op.id))
    if not relevant:
        return None
    latest_year = latest.year if latest is not None else None
    listed = []
    for op in relevant:
        known, unknown = op.energy_savings()
        listed.append(ListedOperation(op, role_of(op, latest_year), known, unknown))
    counted = [item for item in listed if item.role == COUNTED]
    if latest is None or not counted:
        return Projection(tuple(listed))

    savings: dict[Carrier, Decimal] = {}
    for item in counted:
        for carrier, kwh in item.savings.items():
            savings[carrier] = savings.get(carrier, Decimal(0)) + kwh
    by_carrier: dict[Carrier, Decimal] = {}
    floored = []
    for carrier in sorted(set(latest.by_carrier) | set(savings)):
        before = latest.by_carrier.get(carrier, Decimal(0))
        saved = savings.get(carrier, Decimal(0))
        if saved > before:
            floored.append(carrier)
        by_carrier[carrier] = max(before - saved, Decimal(0))
    year = max([latest.year, *(item.operation.reception_year for item in counted)]) + 1
    base = compute_year(latest, scale_code, ref, heating_share=heating_share)
    projected = compute_year(YearConsumption(year, by_carrier, latest.area_m2), scale_code, ref,
                             heating_share=heating_share)

    point = target_year = target_kwh_m2 = None
    if reference is not None and projected.tertiaire_kwh_m2 is not None:
        path: Trajectory = trajectory({year: projected.tertiaire_kwh_m2}, reference[0], reference[1], ref,
                                      cabs_kwh_m2, today=today)
        point = path.latest
        if path.targets:
            ahead = sorted(y for y in path.targets if y >= year)
            target_year = point.next_target_year if point and point.next_target_year else (
                ahead[0] if ahead else max(path.targets))
            target_kwh_m2 = path.targets[target_year]
    return Projection(tuple(listed), base, year, savings, tuple(floored), projected, point, target_year,
                      target_kwh_m2)


# --------------------------------------------------------------------------------------------------
# JSON (the `projection` object of the energy report)


def _kwh(mapping: Mapping[Any, Decimal]) -> dict[str, float | None]:
    return {str(k): round_for_display(v, DISPLAY_PLACES["kwh"]) for k, v in sorted(mapping.items())}


def _operation_json(item: ListedOperation) -> dict[str, Any]:
    op = item.operation
    return {"id": op.id, "label": op.label, "status": op.status, "nature": op.nature,
            "reception_year": op.reception_year, "illustrative": op.illustrative, "role": item.role,
            "savings": _kwh(item.savings), "uncounted_savings": _kwh(item.uncounted_savings)}


def projection_json(projection: Projection | None) -> dict[str, Any] | None:
    """The `projection` object of the energy report (figures rounded for display), None without operations.

    Figures are None when nothing is counted (no received operation after the latest recorded year)."""
    if projection is None:
        return None
    kwh_m2 = DISPLAY_PLACES["kwh_m2"]
    base, projected, point = projection.base, projection.projected, projection.point
    return {
        "base_year": base.year if base else None,
        "year": projection.year,
        "area_m2": round_for_display(projected.area_m2, DISPLAY_PLACES["area"]) if projected else None,
        "base_tertiaire_kwh_m2": round_for_display(base.tertiaire_kwh_m2, kwh_m2) if base else None,
        "tertiaire_kwh_m2": round_for_display(projected.tertiaire_kwh_m2, kwh_m2) if projected else None,
        "tertiaire_kwh": round_for_display(projected.tertiaire_kwh, DISPLAY_PLACES["kwh"]) if projected else None,
        "final_kwh_m2": round_for_display(projected.final_kwh_m2, kwh_m2) if projected else None,
        "by_carrier": _kwh(projected.by_carrier) if projected else {},
        "savings_by_carrier": _kwh(projection.savings),
        "floored_carriers": [str(c) for c in projection.floored],
        "path_kwh_m2": round_for_display(point.path_kwh_m2, kwh_m2) if point else None,
        "gap_kwh_m2": round_for_display(point.gap_kwh_m2, kwh_m2) if point else None,
        "status": point.status if point else None,
        "target_year": projection.target_year,
        "target_kwh_m2": round_for_display(projection.target_kwh_m2, kwh_m2),
        "gap_to_target_kwh_m2": round_for_display(projection.gap_to_target_kwh_m2, kwh_m2),
        "is_estimate": True,
        "operations": [_operation_json(item) for item in projection.operations],
        "references": [row.describe() for row in projected.references] if projected else [],
        "missing": list(projected.missing) if projected else [],
    }


def latest_consumption(consumptions: Sequence[YearConsumption]) -> YearConsumption | None:
    """The latest year of a series (None when empty)."""
    return max(consumptions, key=lambda c: c.year) if consumptions else None
