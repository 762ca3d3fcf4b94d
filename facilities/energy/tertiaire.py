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


# Why a building is subject (CCH R174-22; domain-rules.md §1): its own tertiary area, the tertiary parts of a
# mixed building, the tertiary areas of the buildings of its site added up, or it was subject before.
BUILDING, MIXED_BUILDING, SITE_TOTAL, PREVIOUSLY_SUBJECT = (
    "building", "mixed_building", "site_total", "previously_subject")
SUBJECT_REASONS = (BUILDING, MIXED_BUILDING, SITE_TOTAL, PREVIOUSLY_SUBJECT)


@dataclass(frozen=True)
class SubjectTest:
    """Whether a building is subject to the Décret tertiaire, why (None when not), and the rule row used."""

    subject: bool
    reason: str | None
    rule: TertiaireRule
    tertiary_area_m2: Decimal | None
    site_tertiary_area_m2: Decimal | None


def subject_test(
    tertiary_area_m2: Decimal | None,
    ref: ReferenceData,
    *,
    housing_area_m2: Decimal | None = None,
    gross_area_m2: Decimal | None = None,
    site_tertiary_area_m2: Decimal | None = None,
    past_areas_m2: Iterable[Decimal | None] = (),
    today: date | None = None,
) -> SubjectTest:
    """The subject test of the law, on tertiary floor area only (housing never counts), against the threshold of
    the rule in force today (`min_area_m2`, 1,000 m²):

    - `building`: the building's tertiary area reaches it and the building has no other use;
    - `mixed_building`: the tertiary parts of a building that also has housing (or other non-tertiary area)
      reach it;
    - `site_total`: the building has tertiary area and the tertiary areas of all the buildings of its site
      (`site_tertiary_area_m2`, this one included) reach it;
    - `previously_subject`: none of the above today, but an area recorded for an earlier year reached it
      (once subject, subject);
    - otherwise not subject (reason None)."""
    rule = ref.tertiaire_rule(today or date.today())
    threshold = rule.min_area_m2
    tertiary = None if tertiary_area_m2 is None else to_decimal(tertiary_area_m2)
    site_total = None if site_tertiary_area_m2 is None else to_decimal(site_tertiary_area_m2)
    mixed = bool(housing_area_m2) or (
        gross_area_m2 is not None and tertiary is not None and tertiary < to_decimal(gross_area_m2))
    reason = None
    if tertiary is not None and tertiary >= threshold:
        reason = MIXED_BUILDING if mixed else BUILDING
    elif tertiary and site_total is not None and site_total >= threshold:
        reason = SITE_TOTAL
    elif any(a is not None and to_decimal(a) >= threshold for a in past_areas_m2):
        reason = PREVIOUSLY_SUBJECT
    return SubjectTest(reason is not None, reason, rule, tertiary, site_total)


class ReferenceYearError(ValueError):
    """The reference year set by the user cannot be used."""


# How the reference year was set: the user's choice, the year of highest consumption in the window, or,
# without a complete year in the window, the first complete year reported.
USER, HIGHEST, FIRST_FULL_YEAR = "user", "highest", "first_full_year"
# What the candidates were compared on: the climate-adjusted estimate (the year's DJU and the long-term mean
# are known) or the raw weighted consumption.
CLIMATE_ADJUSTED, RAW = "climate_adjusted", "raw"


@dataclass(frozen=True)
class ReferenceYear:
    """The Décret tertiaire reference year.

    `kwh_m2`: its raw weighted consumption per m² (Créf, from which the targets follow); `compared_kwh_m2`:
    the figure the choice compared, climate-adjusted when `basis` is `climate_adjusted` (an estimate: the
    official figure is OPERAT's); `area_m2`: the reference area, kept with the year (None when unknown);
    `provisional_until`: a `first_full_year` reference is provisional until the rule's deadline."""

    year: int
    kwh_m2: Decimal
    chosen_by: str  # USER, HIGHEST or FIRST_FULL_YEAR
    rule: TertiaireRule  # the window used
    basis: str = RAW  # CLIMATE_ADJUSTED or RAW
    compared_kwh_m2: Decimal | None = None
    area_m2: Decimal | None = None
    provisional_until: date | None = None

    @property
    def provisional(self) -> bool:
        return self.provisional_until is not None


@dataclass(frozen=True)
class _Candidate:
    year: int
    kwh_m2: Decimal  # raw weighted
    adjusted_kwh_m2: Decimal | None
    area_m2: Decimal | None

    @property
    def basis(self) -> str:
        return CLIMATE_ADJUSTED if self.adjusted_kwh_m2 is not None else RAW

    @property
    def compared(self) -> Decimal:
        return self.adjusted_kwh_m2 if self.adjusted_kwh_m2 is not None else self.kwh_m2


def _candidates(years: Mapping[int, Decimal | None] | Iterable[YearIndicators]) -> dict[int, _Candidate]:
    """{year: candidate} from indicators or a {year: raw weighted kWh/m²} mapping; years without a value
    are left out."""
    if isinstance(years, Mapping):
        rows = [(year, value, None, None) for year, value in years.items()]
    else:
        rows = [(y.year, y.tertiaire_kwh_m2, y.climate_adjusted_tertiaire_kwh_m2, y.area_m2) for y in years]
    result: dict[int, _Candidate] = {}
    for year, value, adjusted, area in rows:
        if year in result:
            raise ValueError(f"year {year} appears twice")
        if value is not None:
            result[year] = _Candidate(year, to_decimal(value), adjusted, area)
    return result


def _series(years: Mapping[int, Decimal | None] | Iterable[YearIndicators]) -> dict[int, Decimal]:
    """{year: Décret tertiaire kWh/m²} from indicators or a mapping; years without a value are left out."""
    return {year: c.kwh_m2 for year, c in _candidates(years).items()}


def _reference(c: _Candidate, chosen_by: str, rule: TertiaireRule, provisional_until: date | None = None):
    return ReferenceYear(c.year, c.kwh_m2, chosen_by, rule, c.basis, c.compared, c.area_m2, provisional_until)


def choose_reference_year(
    years: Mapping[int, Decimal | None] | Iterable[YearIndicators],
    ref: ReferenceData,
    user_choice: int | None = None,
    *,
    today: date | None = None,
) -> ReferenceYear | None:
    """The Décret tertiaire reference year (CCH R174-23; domain-rules.md §1), by the rule in force today:

    - the user's choice if given (it must lie in the window and have data);
    - else, among the complete years of the window, the one with the highest weighted consumption per m²,
      compared on the climate-adjusted estimate where the year's DJU and the long-term mean are known
      (`basis` climate_adjusted), on the raw figure otherwise (`basis` raw); on a tie, the earliest year;
    - else, when the rule has a `first_full_year_deadline`: the first complete year reported after the
      window, provisional until that date (definitive after it);
    - else None.

    A year is complete when it ended before today and its weighted consumption could be computed (the
    records are yearly totals: a year with data is taken as a full year of operation).
    Raises ReferenceYearError when the user's year is outside the window or has no data.
    """
    today = today or date.today()
    rule = ref.tertiaire_rule(today)
    first, last = rule.reference_first_year, rule.reference_last_year
    candidates = {y: c for y, c in _candidates(years).items() if y < today.year}
    if user_choice is not None:
        if not first <= user_choice <= last:
            raise ReferenceYearError(f"reference_year must be between {first} and {last} (got {user_choice})")
        if user_choice not in candidates:
            raise ReferenceYearError(f"reference_year {user_choice} has no consumption data")
        return _reference(candidates[user_choice], USER, rule)
    in_window = [c for y, c in sorted(candidates.items()) if first <= y <= last]
    if in_window:
        return _reference(max(in_window, key=lambda c: c.compared), HIGHEST, rule)  # max keeps the earliest
    after = [c for y, c in sorted(candidates.items()) if y > last]
    if rule.first_full_year_deadline is None or not after:
        return None
    provisional_until = rule.first_full_year_deadline if today <= rule.first_full_year_deadline else None
    return _reference(after[0], FIRST_FULL_YEAR, rule, provisional_until)


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
