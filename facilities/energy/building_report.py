"""The energy API payload of one building: yearly indicators, the Décret tertiaire position and, when the
works about the building are given, the position after the received energy-retrofit works.

The JSON edge: figures become floats rounded for display here (`DISPLAY_PLACES`), nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from facilities.energy.completeness import YearCompleteness, year_completeness
from facilities.energy.decimals import DISPLAY_PLACES, round_for_display, to_decimal
from facilities.energy.dpe_current import CurrentDpe, current_dpe
from facilities.energy.projection import latest_consumption, project_after_works, projection_json
from facilities.energy.reference import ReferenceData, ScaleCode, reference_date
from facilities.energy.tertiaire import (
    ReferenceYearError,
    TrajectoryPoint,
    choose_reference_year,
    subject_test,
    trajectory,
)
from facilities.energy.year_indicators import (
    DEFAULT_HEATING_SHARE,
    YearConsumption,
    YearIndicators,
    compute_year,
)
from facilities.timeutil import paris_today


def _year_json(ind: YearIndicators, point: TrajectoryPoint | None, completeness: YearCompleteness) -> dict[str, Any]:
    """One year's figures; an incomplete year (facilities.energy.completeness) keeps its figures but gets no DPE
    class and no trajectory position, and says why it is incomplete."""
    kwh_m2 = DISPLAY_PLACES["kwh_m2"]
    complete = completeness.complete
    return {
        "year": ind.year,
        "area_m2": round_for_display(ind.area_m2, DISPLAY_PLACES["area"]),
        "final_kwh_m2": round_for_display(ind.final_kwh_m2, kwh_m2),
        "primary_kwh_m2": round_for_display(ind.primary_kwh_m2, kwh_m2),
        "ghg_kg_m2": round_for_display(ind.ghg_kg_m2, DISPLAY_PLACES["kg_m2"]),
        "dpe_class": ind.dpe_class if complete else None,
        "dpe_classes": {str(metric): letter for metric, letter in ind.dpe_classes.items()} if complete else {},
        "complete": complete,
        "year_not_ended": completeness.not_ended,
        "missing_carriers": list(completeness.missing_carriers),
        "factors_date": reference_date(ind.year).isoformat(),  # as labelled at the time: the year's end
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


def _current_json(dpe: CurrentDpe | None) -> dict[str, Any] | None:
    if dpe is None:
        return None
    return {
        "dpe_class": dpe.dpe_class,
        "dpe_classes": {str(metric): letter for metric, letter in dpe.dpe_classes.items()},
        "primary_kwh_m2": round_for_display(dpe.primary_kwh_m2, DISPLAY_PLACES["kwh_m2"]),
        "ghg_kg_m2": round_for_display(dpe.ghg_kg_m2, DISPLAY_PLACES["kg_m2"]),
        "years": list(dpe.years),
        "missing_years": list(dpe.missing_years),
        "factors_date": dpe.factors_date.isoformat(),
        "references": [row.describe() for row in dpe.references],
        "missing": list(dpe.missing),
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
    network: str | None = None,
    tertiary_area_m2: Decimal | None = None,
    housing_area_m2: Decimal | None = None,
    site_tertiary_area_m2: Decimal | None = None,
    recorded_areas_m2: Iterable[Decimal | None] | None = None,
) -> dict[str, Any]:
    """The energy API payload of one building: {"scale", "years", "dpe_current", "tertiaire"}, and "projection" when
    `operations` (facilities.energy.projection.RetrofitOperation, the works about the building) are given:
    the position after the received energy-retrofit works (None when no operation is relevant).

    Numbers are floats rounded for display (`DISPLAY_PLACES`: kWh to the unit, per-m² figures to
    0.01), the only place where rounding happens; None where an indicator cannot be computed.
    `subject` and `subject_reason` (`tertiaire.subject_test`): on the building's `tertiary_area_m2` (without
    it, `building_area_m2` or the latest year's area, as a purely tertiary building), its `housing_area_m2`,
    the tertiary area of its whole site (`site_tertiary_area_m2`) and the areas recorded for earlier years
    (`recorded_areas_m2`; without it, every year's area): a building stays subject if its area later drops. `reference_year`: the user's stored choice; if it became invalid, the
    report says why in `tertiaire.error` and shows no trajectory. Without a choice, the reference is
    that of `choose_reference_year`: `reference_kwh_m2` is its raw weighted kWh/m² (the targets follow
    from it), `reference_basis` says whether the choice compared climate-adjusted estimates
    (`reference_compared_kwh_m2`) or raw figures, `reference_area_m2` is the reference year's area, and a
    `first_full_year` reference is `reference_provisional` until `reference_provisional_until`.
    `dpe_current`: the DPE a diagnosis made today would give (`dpe_current.current_dpe`: the last three
    complete years, today's factors); each entry of `years` keeps its year's figures as labelled at the time
    (factors in force at the end of that year, `factors_date`). `network`: the building's heating/cooling
    network, whose CO2 content row (when recorded) replaces the generic one.
    Incomplete years (`facilities.energy.completeness`: not ended, or missing a carrier used the year before)
    keep their figures but have `complete` false, no DPE class and no trajectory position; `headline_year` is
    the latest complete year, the one pages show as the building's class (None when there is none), and the
    projection starts from it.
    """
    today = today or paris_today()
    scale_code = ScaleCode(scale_code)
    consumptions = list(consumptions)
    indicators = sorted(
        (compute_year(c, scale_code, ref, heating_share=heating_share, network=network) for c in consumptions),
        key=lambda i: i.year,
    )
    years_seen = [i.year for i in indicators]
    if len(set(years_seen)) != len(years_seen):
        raise ValueError("each year must appear once")

    rule = ref.tertiaire_rule(today)
    if tertiary_area_m2 is None:
        tertiary_area_m2 = building_area_m2 if building_area_m2 is not None else (
            indicators[-1].area_m2 if indicators else None)
    past = [i.area_m2 for i in indicators] if recorded_areas_m2 is None else list(recorded_areas_m2)
    test = subject_test(tertiary_area_m2, ref, housing_area_m2=housing_area_m2, gross_area_m2=building_area_m2,
                        site_tertiary_area_m2=site_tertiary_area_m2, past_areas_m2=past, today=today)

    tertiaire: dict[str, Any] = {
        "subject": test.subject,
        "subject_reason": test.reason,
        "tertiary_area_m2": round_for_display(test.tertiary_area_m2, DISPLAY_PLACES["area"]),
        "site_tertiary_area_m2": round_for_display(test.site_tertiary_area_m2, DISPLAY_PLACES["area"]),
        "min_area_m2": round_for_display(rule.min_area_m2, DISPLAY_PLACES["area"]),
        "reference_window": [rule.reference_first_year, rule.reference_last_year],
        "reference_year": None,
        "reference_kwh_m2": None,
        "reference_chosen_by": None,
        "reference_basis": None,
        "reference_compared_kwh_m2": None,
        "reference_area_m2": None,
        "reference_provisional": False,
        "reference_provisional_until": None,
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
    completeness = year_completeness(consumptions, today)
    judged = [i for i in indicators if completeness[i.year].complete]  # incomplete years are never judged
    try:
        chosen = choose_reference_year(indicators, ref, reference_year, today=today)
    except ReferenceYearError as exc:
        chosen, tertiaire["error"] = None, str(exc)
    if chosen is not None:
        path = trajectory(judged, chosen.year, chosen.kwh_m2, ref, cabs_kwh_m2, today=today)
        points = {p.year: p for p in path.points}
        tertiaire.update(
            reference_year=chosen.year,
            reference_kwh_m2=round_for_display(chosen.kwh_m2, DISPLAY_PLACES["kwh_m2"]),
            reference_chosen_by=chosen.chosen_by,
            reference_basis=chosen.basis,
            reference_compared_kwh_m2=round_for_display(chosen.compared_kwh_m2, DISPLAY_PLACES["kwh_m2"]),
            reference_area_m2=round_for_display(chosen.area_m2, DISPLAY_PLACES["area"]),
            reference_provisional=chosen.provisional,
            reference_provisional_until=(
                chosen.provisional_until.isoformat() if chosen.provisional_until else None),
            targets={str(y): round_for_display(v, DISPLAY_PLACES["kwh_m2"]) for y, v in path.targets.items()},
            status=path.status,
            latest_year=path.latest.year if path.latest else None,
            references=[rule.describe(), *(row.describe() for row in path.target_rows)],
        )
    report = {
        "scale": str(scale_code),
        "years": [_year_json(i, points.get(i.year), completeness[i.year]) for i in indicators],
        "headline_year": max((i.year for i in judged), default=None),
        "dpe_current": _current_json(current_dpe(consumptions, scale_code, ref, today=today, network=network)),
        "tertiaire": tertiaire,
    }
    if operations is not None:
        report["projection"] = projection_json(project_after_works(
            latest_consumption([c for c in consumptions if completeness[c.year].complete]), operations, scale_code, ref,
            reference=(chosen.year, chosen.kwh_m2) if chosen is not None else None, cabs_kwh_m2=cabs_kwh_m2,
            heating_share=heating_share, today=today))
    return report


def headline(report: dict[str, Any]) -> dict[str, Any] | None:
    """The year a page shows as the building's current figures: the latest complete year of the report."""
    return next((y for y in report["years"] if y["year"] == report["headline_year"]), None)
