"""The Décret tertiaire: who is subject, the reference year, the targets and the straight-line trajectory.

Pure Python: no Flask, no SQLAlchemy, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from facilities.energy.decimals import divide, to_decimal
from facilities.energy.reference import ReferenceData, TertiaireRule, TertiaireTarget
from facilities.energy.year_indicators import YearIndicators

ON_TRACK = "on_track"
OFF_TRACK = "off_track"


def is_subject(area_m2: Decimal, ref: ReferenceData, *, today: date | None = None) -> bool:
    """Whether a tertiary area is subject to the Décret tertiaire (>= the threshold in force today)."""
    rule = ref.tertiaire_rule(today or date.today())
    return to_decimal(area_m2) >= rule.min_area_m2


class ReferenceYearError(ValueError):
    """The reference year set by the user cannot be used."""


@dataclass(frozen=True)
class ReferenceYear:
    year: int
    kwh_m2: Decimal
    chosen_by: str  # "user" or "highest" (highest consumption in the window)
    rule: TertiaireRule  # the window used


def _series(years: Mapping[int, Decimal | None] | Iterable[YearIndicators]) -> dict[int, Decimal]:
    """{year: Décret tertiaire kWh/m²} from indicators or a mapping; years without a value are left out."""
    if isinstance(years, Mapping):
        pairs = years.items()
    else:
        pairs = ((y.year, y.tertiaire_kwh_m2) for y in years)
    series: dict[int, Decimal] = {}
    for year, value in pairs:
        if year in series:
            raise ValueError(f"year {year} appears twice")
        if value is not None:
            series[year] = to_decimal(value)
    return series


def choose_reference_year(
    years: Mapping[int, Decimal | None] | Iterable[YearIndicators],
    ref: ReferenceData,
    user_choice: int | None = None,
    *,
    today: date | None = None,
) -> ReferenceYear | None:
    """The Décret tertiaire reference year: the user's choice if given, else the year of highest
    tertiaire kWh/m² in the reference window in force today (the owner's most favourable choice;
    on a tie, the earliest year). None when no year of the window has data.

    Raises ReferenceYearError when the user's year is outside the window or has no data.
    """
    rule = ref.tertiaire_rule(today or date.today())
    first, last = rule.reference_first_year, rule.reference_last_year
    series = _series(years)
    if user_choice is not None:
        if not first <= user_choice <= last:
            raise ReferenceYearError(f"reference_year must be between {first} and {last} (got {user_choice})")
        if user_choice not in series:
            raise ReferenceYearError(f"reference_year {user_choice} has no consumption data")
        return ReferenceYear(user_choice, series[user_choice], "user", rule)
    in_window = sorted((y, v) for y, v in series.items() if first <= y <= last)
    if not in_window:
        return None
    year, value = max(in_window, key=lambda item: item[1])  # max keeps the first (earliest) of equals
    return ReferenceYear(year, value, "highest", rule)


@dataclass(frozen=True)
class TrajectoryPoint:
    year: int
    actual_kwh_m2: Decimal
    path_kwh_m2: Decimal  # straight-line path value that year
    gap_kwh_m2: Decimal  # actual − path: above zero means above the path
    next_target_year: int | None  # None after the last target (path stays at the last target)
    status: str  # on_track / off_track


@dataclass(frozen=True)
class Trajectory:
    points: tuple[TrajectoryPoint, ...]
    targets: Mapping[int, Decimal]
    target_rows: tuple[TertiaireTarget, ...]
    cabs_kwh_m2: Decimal | None

    @property
    def latest(self) -> TrajectoryPoint | None:
        return self.points[-1] if self.points else None

    @property
    def status(self) -> str | None:
        """Status of the latest year; None when no year follows the reference year."""
        return self.latest.status if self.latest else None


def path_value(year: int, anchors: list[tuple[int, Decimal]]) -> tuple[Decimal, int | None]:
    """Linear interpolation between consecutive (year, kWh/m²) anchors, flat after the last one.
    Returns the path value and the anchor year being aimed at."""
    for (y0, v0), (y1, v1) in zip(anchors, anchors[1:], strict=False):
        if y0 < year <= y1:
            return v0 + divide((v1 - v0) * (year - y0), Decimal(y1 - y0)), y1
    return anchors[-1][1], None


def trajectory(
    years: Mapping[int, Decimal | None] | Iterable[YearIndicators],
    reference_year: int,
    reference_kwh_m2: Decimal,
    ref: ReferenceData,
    cabs_kwh_m2: Decimal | None = None,
    *,
    today: date | None = None,
) -> Trajectory:
    """For each year with data after the reference year: the straight-line path from (reference year,
    Créf) to the 2030 target, then 2030→2040, 2040→2050; the gap actual − path; `on_track` when
    actual <= path, or actual <= Cabs when an absolute target is given, else `off_track`.
    Works on the raw Décret tertiaire kWh/m² (the climate-adjusted figure is only an in-app estimate)."""
    reference_kwh_m2 = to_decimal(reference_kwh_m2)
    cabs = None if cabs_kwh_m2 is None else to_decimal(cabs_kwh_m2)
    rows = ref.tertiaire_targets_on(today or date.today())
    goal = {t.year: reference_kwh_m2 * (1 - t.reduction) for t in rows}
    anchors = [(reference_year, reference_kwh_m2)] + [(y, v) for y, v in goal.items() if y > reference_year]
    points = []
    for year, actual in sorted(_series(years).items()):
        if year <= reference_year:
            continue
        path, aim = path_value(year, anchors)
        on_track = actual <= path or (cabs is not None and actual <= cabs)
        points.append(
            TrajectoryPoint(year, actual, path, actual - path, aim, ON_TRACK if on_track else OFF_TRACK)
        )
    return Trajectory(tuple(points), goal, rows, cabs)
