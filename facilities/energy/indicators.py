"""Energy indicators per building and year, and the Décret tertiaire trajectory: pure functions.

Inputs are plain dataclasses and Decimals; every coefficient comes from `ReferenceData` (dated rows),
and every result keeps the rows it used. Arithmetic is Decimal throughout: divisions run at 28
significant digits (`_div`), nothing else rounds. Rounding happens only in `building_energy_report`,
the JSON edge, where figures become floats rounded for display (`DISPLAY_PLACES`).

These are invoice-based indicators on the energy reference area, not an official DPE nor the official
OPERAT figures; the climate-adjusted Décret tertiaire consumption is an estimate (see `compute_year`).

Pure Python: no Flask, no SQLAlchemy, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Any

from facilities.energy.input_messages import Code, InputMessage, message
from facilities.energy.reference import (
    DPE_LETTERS,
    Carrier,
    ConsumptionSource,
    DatedRow,
    DpeScale,
    MissingReferenceError,
    ReferenceData,
    ScaleCode,
    ScaleMetric,
    TertiaireRule,
    TertiaireTarget,
    reference_date,
)
from facilities.years import CONSUMPTION as CONSUMPTION_YEARS

# Share of the Décret tertiaire consumption that goes to heating, the only part the in-app climate
# estimate adjusts (cooling is not adjusted: no cooling degree-days are recorded). A modelling
# assumption, not a regulatory value: pass the building's own share when known.
DEFAULT_HEATING_SHARE = Decimal("0.5")


ON_TRACK = "on_track"
OFF_TRACK = "off_track"

_DIVISION = Context(prec=28)


def _div(numerator: Decimal, denominator: Decimal) -> Decimal:
    return _DIVISION.divide(numerator, denominator)


def to_decimal(value: Any) -> Decimal:
    """A finite Decimal from a Decimal, int, float (via its shortest repr) or numeric string."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, float):
        value = repr(value)
    try:
        result = Decimal(value) if not isinstance(value, Decimal) else value
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"not a number: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


# --------------------------------------------------------------------------------------------------
# Per-year indicators


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


def worst_class(letters: Iterable[str]) -> str:
    """The worst (latest) DPE letter."""
    return max(letters, key=DPE_LETTERS.index)


def compute_year(
    consumption: YearConsumption,
    scale_code: ScaleCode | str,
    ref: ReferenceData,
    *,
    heating_share: Decimal = DEFAULT_HEATING_SHARE,
) -> YearIndicators:
    """All indicators of one building-year, with the reference rows in force on 1 January of the year.

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
    on = reference_date(consumption.year)
    area = consumption.area_m2
    kwh = consumption.by_carrier
    used: list[DatedRow] = []
    missing: list[str] = []

    final = sum(kwh.values(), Decimal(0))
    primary = _weighted_sum(kwh, ref.primary_factor, on, used, missing)
    ghg = _weighted_sum(kwh, ref.emission_factor, on, used, missing)
    tertiaire = _weighted_sum(kwh, ref.tertiaire_weight, on, used, missing)

    per_m2 = {
        ScaleMetric.PRIMARY_ENERGY: None if primary is None else _div(primary, area),
        ScaleMetric.GHG: None if ghg is None else _div(ghg, area),
    }
    classes: dict[ScaleMetric, str | None] = {}
    label: str | None = None
    try:
        scales: tuple[DpeScale, ...] = ref.dpe_scales_on(scale_code, on)
    except MissingReferenceError as exc:
        missing.append(str(exc))
    else:
        used.extend(scales)
        for scale in scales:
            value = per_m2[scale.metric]
            classes[scale.metric] = None if value is None else scale.classify(value)
        in_label = [classes[s.metric] for s in scales if s.in_label]
        label = worst_class(in_label) if in_label and None not in in_label else None

    adjusted = None
    if tertiaire is not None and consumption.dju is not None and consumption.dju_mean is not None:
        heating = tertiaire * heating_share
        adjusted = _div(tertiaire - heating + _div(heating * consumption.dju_mean, consumption.dju), area)

    return YearIndicators(
        year=consumption.year,
        area_m2=area,
        by_carrier=dict(kwh),
        final_kwh=final,
        final_kwh_m2=_div(final, area),
        primary_kwh=primary,
        primary_kwh_m2=per_m2[ScaleMetric.PRIMARY_ENERGY],
        ghg_kg=ghg,
        ghg_kg_m2=per_m2[ScaleMetric.GHG],
        dpe_class=label,
        dpe_classes=classes,
        tertiaire_kwh=tertiaire,
        tertiaire_kwh_m2=None if tertiaire is None else _div(tertiaire, area),
        climate_adjusted_tertiaire_kwh_m2=adjusted,
        is_estimate=adjusted is not None,
        references=tuple(used),
        missing=tuple(missing),
    )


# --------------------------------------------------------------------------------------------------
# Décret tertiaire


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


def targets(
    reference_kwh_m2: Decimal, ref: ReferenceData, *, today: date | None = None
) -> dict[int, Decimal]:
    """{target year: kWh/m²} = Créf × (1 − reduction), for the targets in force today."""
    reference_kwh_m2 = to_decimal(reference_kwh_m2)
    return {
        t.year: reference_kwh_m2 * (1 - t.reduction) for t in ref.tertiaire_targets_on(today or date.today())
    }


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
            return v0 + _div((v1 - v0) * (year - y0), Decimal(y1 - y0)), y1
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


# --------------------------------------------------------------------------------------------------
# Report for the API

DISPLAY_PLACES = {"kwh": 0, "kwh_m2": 2, "kg_m2": 2, "area": 2}


def round_for_display(value: Decimal | None, places: int) -> float | None:
    """The only rounding of the module: half-up to `places` decimals, as a float for JSON."""
    if value is None:
        return None
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _year_json(ind: YearIndicators, point: TrajectoryPoint | None) -> dict[str, Any]:
    kwh_m2 = DISPLAY_PLACES["kwh_m2"]
    return {
        "year": ind.year,
        "area_m2": round_for_display(ind.area_m2, DISPLAY_PLACES["area"]),
        "final_kwh_m2": round_for_display(ind.final_kwh_m2, kwh_m2),
        "primary_kwh_m2": round_for_display(ind.primary_kwh_m2, kwh_m2),
        "ghg_kg_m2": round_for_display(ind.ghg_kg_m2, DISPLAY_PLACES["kg_m2"]),
        "dpe_class": ind.dpe_class,
        "dpe_classes": {str(metric): letter for metric, letter in ind.dpe_classes.items()},
        "tertiaire_kwh_m2": round_for_display(ind.tertiaire_kwh_m2, kwh_m2),
        "climate_adjusted_tertiaire_kwh_m2": round_for_display(ind.climate_adjusted_tertiaire_kwh_m2, kwh_m2),
        "is_estimate": ind.is_estimate,
        "by_carrier": {
            str(c): round_for_display(v, DISPLAY_PLACES["kwh"]) for c, v in sorted(ind.by_carrier.items())
        },
        "final_kwh": round_for_display(ind.final_kwh, DISPLAY_PLACES["kwh"]),
        "primary_kwh": round_for_display(ind.primary_kwh, DISPLAY_PLACES["kwh"]),
        "tertiaire_kwh": round_for_display(ind.tertiaire_kwh, DISPLAY_PLACES["kwh"]),
        "path_kwh_m2": round_for_display(point.path_kwh_m2, kwh_m2) if point else None,
        "gap_kwh_m2": round_for_display(point.gap_kwh_m2, kwh_m2) if point else None,
        "status": point.status if point else None,
        "references": [row.describe() for row in ind.references],
        "missing": list(ind.missing),
    }


def building_energy_report(
    consumptions: Iterable[YearConsumption],
    scale_code: ScaleCode | str,
    ref: ReferenceData,
    *,
    building_area_m2: Decimal | None = None,
    reference_year: int | None = None,
    cabs_kwh_m2: Decimal | None = None,
    heating_share: Decimal = DEFAULT_HEATING_SHARE,
    today: date | None = None,
    operations: Iterable[Any] | None = None,
) -> dict[str, Any]:
    """The energy API payload of one building: {"scale", "years", "tertiaire"}, and "projection" when
    `operations` (facilities.energy.projection.RetrofitOperation, the works about the building) are given:
    the position after the received energy-retrofit works (None when no operation is relevant).

    Numbers are floats rounded for display (`DISPLAY_PLACES`: kWh to the unit, per-m² figures to
    0.01), the only place where rounding happens; None where an indicator cannot be computed.
    `subject`: the building area or any year's area reached the threshold (a building stays subject
    if its area later drops). `reference_year`: the user's stored choice; if it became invalid, the
    report says why in `tertiaire.error` and shows no trajectory.
    """
    today = today or date.today()
    scale_code = ScaleCode(scale_code)
    consumptions = list(consumptions)
    indicators = sorted(
        (compute_year(c, scale_code, ref, heating_share=heating_share) for c in consumptions),
        key=lambda i: i.year,
    )
    years_seen = [i.year for i in indicators]
    if len(set(years_seen)) != len(years_seen):
        raise ValueError("each year must appear once")

    rule = ref.tertiaire_rule(today)
    areas = [i.area_m2 for i in indicators] + (
        [to_decimal(building_area_m2)] if building_area_m2 is not None else []
    )
    subject = any(is_subject(a, ref, today=today) for a in areas)

    tertiaire: dict[str, Any] = {
        "subject": subject,
        "min_area_m2": round_for_display(rule.min_area_m2, DISPLAY_PLACES["area"]),
        "reference_window": [rule.reference_first_year, rule.reference_last_year],
        "reference_year": None,
        "reference_kwh_m2": None,
        "reference_chosen_by": None,
        "targets": {},
        "cabs_kwh_m2": round_for_display(
            None if cabs_kwh_m2 is None else to_decimal(cabs_kwh_m2), DISPLAY_PLACES["kwh_m2"]
        ),
        "status": None,
        "latest_year": None,
        "error": None,
        "references": [rule.describe()],
    }
    points: dict[int, TrajectoryPoint] = {}
    try:
        chosen = choose_reference_year(indicators, ref, reference_year, today=today)
    except ReferenceYearError as exc:
        chosen, tertiaire["error"] = None, str(exc)
    if chosen is not None:
        path = trajectory(indicators, chosen.year, chosen.kwh_m2, ref, cabs_kwh_m2, today=today)
        points = {p.year: p for p in path.points}
        tertiaire.update(
            reference_year=chosen.year,
            reference_kwh_m2=round_for_display(chosen.kwh_m2, DISPLAY_PLACES["kwh_m2"]),
            reference_chosen_by=chosen.chosen_by,
            targets={str(y): round_for_display(v, DISPLAY_PLACES["kwh_m2"]) for y, v in path.targets.items()},
            status=path.status,
            latest_year=path.latest.year if path.latest else None,
            references=[rule.describe(), *(row.describe() for row in path.target_rows)],
        )
    report = {
        "scale": str(scale_code),
        "years": [_year_json(i, points.get(i.year)) for i in indicators],
        "tertiaire": tertiaire,
    }
    if operations is not None:
        from facilities.energy.projection import latest_consumption, project_after_works, projection_json

        report["projection"] = projection_json(project_after_works(
            latest_consumption(consumptions), operations, scale_code, ref,
            reference=(chosen.year, chosen.kwh_m2) if chosen is not None else None, cabs_kwh_m2=cabs_kwh_m2,
            heating_share=heating_share, today=today))
    return report


# --------------------------------------------------------------------------------------------------
# Validation of user input (forms, CSV imports, API): each fault is an InputMessage (a code and its
# parameters, English when printed); the app shows it in the user's language (facilities.energy.messages).


def _parse_number(raw: Any) -> Decimal:
    """A number typed by a user: '1 234,5', '1234.5', 1234.5; raises ValueError."""
    if isinstance(raw, str):
        text = raw.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        if "," in text and "." in text:
            raise ValueError("use one decimal separator")
        raw = text.replace(",", ".")
    return to_decimal(raw)


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


# What the columns keep (decimal places) and the largest credible value of each input: larger figures are typing
# mistakes (a terawatt-hour a year is no building), and a value rounded to 0 at its column's scale is 0.
# The area bound is the inventory's (inventory.rules.MAX_AREA_M2), repeated here to keep this module pure.
NUMBER_LIMITS: dict[str, tuple[int, Decimal]] = {
    "kwh": (2, Decimal(10**12)),
    "area_m2": (2, Decimal(1_000_000)),
    "dju": (1, Decimal(10_000)),
    "dju_mean": (1, Decimal(10_000)),
}

Errors = dict[str, InputMessage]


def _number_field(raw: Mapping[str, Any], name: str, errors: Errors, *, positive: bool) -> Decimal | None:
    value = raw.get(name)
    if _blank(value):
        return None
    try:
        number = _parse_number(value)
    except (ValueError, TypeError):
        errors[name] = message(Code.NOT_A_NUMBER, field=name, value=repr(value))
        return None
    places, maximum = NUMBER_LIMITS.get(name, (None, None))
    if maximum is not None and number > maximum:  # first: quantizing a huge exponent would raise
        errors[name] = message(Code.TOO_LARGE, field=name, maximum=maximum, value=str(number))
        return None
    stored = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) if places is not None else number
    if positive and stored <= 0:
        errors[name] = message(Code.NOT_POSITIVE, field=name, value=str(number))
    elif number < 0:
        errors[name] = message(Code.NEGATIVE, field=name, value=str(number))
    return number if name not in errors else None


def _year_field(raw: Mapping[str, Any], errors: Errors, today: date) -> int | None:
    value = raw.get("year")
    first, last = CONSUMPTION_YEARS.first, CONSUMPTION_YEARS.last_year(today)
    if _blank(value):
        errors["year"] = message(Code.REQUIRED, field="year")
        return None
    try:
        number = _parse_number(value)
        if number != number.to_integral_value():
            raise ValueError
        year = int(number)
    except (ValueError, TypeError):
        errors["year"] = message(Code.NOT_WHOLE, field="year", value=repr(value))
        return None
    if not first <= year <= last:
        errors["year"] = message(Code.OUT_OF_RANGE, field="year", first=first, last=last, value=str(year))
        return None
    return year


def _choice_field(raw: Mapping[str, Any], name: str, enum, errors: Errors, *, required: bool):
    value = raw.get(name)
    if _blank(value):
        if required:
            errors[name] = message(Code.REQUIRED, field=name)
        return None
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        errors[name] = message(Code.UNKNOWN_CHOICE, field=name, value=repr(str(value).strip()),
                               choices=", ".join(enum))
        return None


def validate_consumption_row(
    raw: Mapping[str, Any], *, today: date | None = None, area_required: bool = False
) -> tuple[dict[str, Any], Errors]:
    """Check one consumption row (form, CSV line or API body): building_code, year, carrier, kwh,
    optional area_m2 (required when `area_required`, e.g. the building has no floor area) and source.

    Returns (values, errors): typed values (Decimal, int, Carrier, ConsumptionSource; None when absent
    or wrong) and {field: InputMessage} for each field at fault; the row is valid when errors is empty.
    """
    today = today or date.today()
    errors: Errors = {}
    code = raw.get("building_code")
    if _blank(code):
        errors["building_code"] = message(Code.REQUIRED, field="building_code")
    values: dict[str, Any] = {"building_code": None if _blank(code) else str(code).strip()}
    values["year"] = _year_field(raw, errors, today)
    values["carrier"] = _choice_field(raw, "carrier", Carrier, errors, required=True)
    values["kwh"] = _number_field(raw, "kwh", errors, positive=False)
    if values["kwh"] is None and "kwh" not in errors:
        errors["kwh"] = message(Code.REQUIRED, field="kwh")
    values["area_m2"] = _number_field(raw, "area_m2", errors, positive=True)
    if area_required and values["area_m2"] is None and "area_m2" not in errors:
        errors["area_m2"] = message(Code.AREA_REQUIRED, field="area_m2")
    values["source"] = _choice_field(raw, "source", ConsumptionSource, errors, required=False)
    return values, errors


def validate_year_row(
    raw: Mapping[str, Any], *, today: date | None = None, area_required: bool = False
) -> tuple[dict[str, Any], Errors]:
    """Check the yearly data of a building: year, optional area_m2, dju and dju_mean (all > 0)."""
    today = today or date.today()
    errors: Errors = {}
    values: dict[str, Any] = {"year": _year_field(raw, errors, today)}
    for name in ("area_m2", "dju", "dju_mean"):
        values[name] = _number_field(raw, name, errors, positive=True)
    if area_required and values["area_m2"] is None and "area_m2" not in errors:
        errors["area_m2"] = message(Code.AREA_REQUIRED, field="area_m2")
    return values, errors


def group_by_year(
    rows: Iterable[Mapping[str, Any]],
    *,
    default_area_m2: Decimal | None,
    year_data: Mapping[int, Mapping[str, Any]] | None = None,
) -> list[YearConsumption]:
    """YearConsumption per year from consumption rows (year, carrier, kwh: e.g. validated values or
    database records as dicts), summing rows of the same carrier (several meters or invoices).

    A year's area: `year_data[year]["area_m2"]`, else the building's `default_area_m2`; dju and
    dju_mean from `year_data` too. Raises ValueError when a year has no area.
    """
    year_data = year_data or {}
    totals: dict[int, dict[Carrier, Decimal]] = {}
    for row in rows:
        per_carrier = totals.setdefault(int(row["year"]), {})
        carrier = Carrier(row["carrier"])
        per_carrier[carrier] = per_carrier.get(carrier, Decimal(0)) + to_decimal(row["kwh"])
    result = []
    for year in sorted(totals):
        extra = year_data.get(year, {})
        area = extra.get("area_m2")
        area = default_area_m2 if area is None else area
        if area is None:
            raise ValueError(f"{year}: no area_m2 for the year and no floor area for the building")
        result.append(YearConsumption(year, totals[year], area, extra.get("dju"), extra.get("dju_mean")))
    return result
