"""Dated reference rows: which row is in force, missing and overlapping rows, the seed."""

import ast
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from facilities.energy import reference_seed
from facilities.energy.reference import (
    Carrier,
    DpeScale,
    EmissionFactor,
    MissingReferenceError,
    OverlappingReferenceError,
    PrimaryEnergyFactor,
    ReferenceData,
    ScaleCode,
    ScaleMetric,
    TertiaireTarget,
    reference_date,
)
from facilities.energy.reference_seed import seed_reference_data

REF = seed_reference_data()


def _factor(value, start, end=None, carrier=Carrier.ELECTRICITY):
    return PrimaryEnergyFactor(
        carrier=carrier, factor=D(value), valid_from=start, valid_to=end, source="test"
    )


def test_yearly_figures_use_the_rows_in_force_at_the_end_of_the_year():
    # "As labelled at the time": the factor in force at the end of the year (domain-rules.md §2).
    assert reference_date(2026) == date(2026, 12, 31)
    # A value changing on 1 July labels that year: 2026 gets it, 2025 keeps the old one.
    ref = ReferenceData(
        primary_energy_factors=(
            _factor("2", date(2000, 1, 1), date(2026, 6, 30)),
            _factor("3", date(2026, 7, 1)),
        )
    )
    assert ref.primary_factor("electricity", reference_date(2025)).factor == D("2")
    assert ref.primary_factor("electricity", reference_date(2026)).factor == D("3")


def test_electricity_factor_is_2_3_until_2025_and_1_9_from_2026_with_its_source():
    last_day = REF.primary_factor(Carrier.ELECTRICITY, date(2025, 12, 31))  # valid_to is inclusive
    first_day = REF.primary_factor(Carrier.ELECTRICITY, date(2026, 1, 1))
    assert last_day.factor == D("2.3")
    assert first_day.factor == D("1.9")
    assert first_day.valid_from == date(2026, 1, 1)
    assert "arrêté du 13 août 2025" in first_day.source
    assert first_day.describe() == {
        "table": "primary_energy_factors",
        "key": "electricity",
        "value": "1.9",
        "valid_from": "2026-01-01",
        "valid_to": None,
        "source": first_day.source,
    }


def test_lookup_with_no_row_in_force_raises_a_clear_error():
    ref = ReferenceData(primary_energy_factors=(_factor("2.3", date(2010, 1, 1), date(2025, 12, 31)),))
    with pytest.raises(MissingReferenceError, match=r"primary_energy_factors \[electricity\].*2026-01-01"):
        ref.primary_factor(Carrier.ELECTRICITY, date(2026, 1, 1))
    with pytest.raises(MissingReferenceError, match="2009-12-31"):
        ref.primary_factor(Carrier.ELECTRICITY, date(2009, 12, 31))
    with pytest.raises(MissingReferenceError, match=r"\[natural_gas\]"):
        ref.primary_factor(Carrier.NATURAL_GAS, date(2020, 1, 1))
    with pytest.raises(MissingReferenceError, match="tertiaire_targets"):
        ReferenceData().tertiaire_targets_on(date(2025, 1, 1))
    with pytest.raises(MissingReferenceError, match="tertiaire_rules"):
        ReferenceData().tertiaire_rule(date(2025, 1, 1))


def test_overlapping_rows_for_one_key_are_refused():
    with pytest.raises(OverlappingReferenceError, match="electricity"):
        ReferenceData(
            primary_energy_factors=(
                _factor("2.3", date(2010, 1, 1), date(2026, 1, 1)),  # one day too long
                _factor("1.9", date(2026, 1, 1)),
            )
        )
    with pytest.raises(OverlappingReferenceError):
        ReferenceData(
            primary_energy_factors=(_factor("2.3", date(2010, 1, 1)), _factor("1.9", date(2026, 1, 1)))
        )
    # Different carriers, or back-to-back periods, do not overlap.
    ReferenceData(
        primary_energy_factors=(
            _factor("2.3", date(2010, 1, 1), date(2025, 12, 31)),
            _factor("1.9", date(2026, 1, 1)),
            _factor("1", date(2010, 1, 1), carrier=Carrier.WOOD),
        )
    )


def test_rows_reject_impossible_values():
    with pytest.raises(ValueError, match="valid_to"):
        _factor("2.3", date(2026, 1, 1), date(2025, 1, 1))

    def scale(*bounds):
        return DpeScale(
            code="tertiary_office",
            label="x",
            metric="primary_energy",
            upper_bounds=tuple(D(b) for b in bounds),
            upper_inclusive=True,
            valid_from=date(2000, 1, 1),
            source="test",
        )

    with pytest.raises(ValueError, match="6 upper bounds"):
        scale(1, 2)
    with pytest.raises(ValueError, match="increase"):
        scale(50, 110, 100, 350, 540, 750)
    assert scale(50, 110, 210, 350, 540, 750).classify(D(751)) == "G"
    with pytest.raises(ValueError, match="fraction"):
        TertiaireTarget(year=2030, reduction=D("40"), valid_from=date(2000, 1, 1), source="test")
    with pytest.raises(ValueError):
        EmissionFactor(carrier="coal", kg_co2e_per_kwh=D("0.3"), valid_from=date(2000, 1, 1), source="test")


def test_dpe_scale_bounds_inclusive_or_exclusive():
    office = REF.dpe_scale(ScaleCode.TERTIARY_OFFICE, ScaleMetric.PRIMARY_ENERGY, date(2025, 1, 1))
    # Tertiary: "A <= 50, B 51–110, C 111–210": the bound belongs to the class below it (values are
    # rounded to the unit first: 50.49 → 50 → A, 50.5 → 51 → B).
    assert [office.classify(D(v)) for v in ("50", "50.49", "50.5", "110", "110.5", "750", "751")] == list(
        "AABBCFG"
    )
    housing = REF.dpe_scale(ScaleCode.RESIDENTIAL, ScaleMetric.PRIMARY_ENERGY, date(2025, 1, 1))
    # Residential 2021: "A < 70, B < 110": the bound belongs to the next class (69.49 → 69 → A, 69.5 → 70 → B).
    assert [housing.classify(D(v)) for v in ("69", "69.49", "69.5", "70", "109", "110", "419", "420")] == list(
        "AABBBCFG"
    )


def test_seed_rows_match_the_domain_rules():
    on = date(2025, 6, 1)
    assert {c: REF.tertiaire_weight(c, on).weight for c in Carrier} == {
        Carrier.DISTRICT_HEATING: D("0.77"),
        Carrier.DISTRICT_COOLING: D("0.25"),
        **{c: D(1) for c in Carrier if c not in (Carrier.DISTRICT_HEATING, Carrier.DISTRICT_COOLING)},
    }
    assert [(t.year, t.reduction) for t in REF.tertiaire_targets_on(on)] == [
        (2030, D("0.40")),
        (2040, D("0.50")),
        (2050, D("0.60")),
    ]
    assert REF.emission_factor(Carrier.NATURAL_GAS, on).kg_co2e_per_kwh == D("0.227")
    assert REF.emission_factor(Carrier.DISTRICT_HEATING, on).kg_co2e_per_kwh == D("0.385")
    assert REF.emission_factor(Carrier.DISTRICT_COOLING, on).kg_co2e_per_kwh == D("0.385")  # unlisted network
    # Every emission factor is marked secondary in its source, as in domain-rules.md.
    assert all("(secondary)" in row.source for row in reference_seed.EMISSION_FACTORS)
    continuous = REF.dpe_scale(ScaleCode.TERTIARY_CONTINUOUS, ScaleMetric.PRIMARY_ENERGY, on)
    assert continuous.upper_bounds == tuple(D(v) for v in (100, 210, 370, 580, 830, 1130))
    assert "(secondary)" in continuous.source
    for code in ScaleCode:
        assert REF.dpe_scales_on(code, on)[0].metric == ScaleMetric.PRIMARY_ENERGY


def test_reference_window_depends_on_the_date_of_computation():
    # The window was 2010–2019 before 2024 and is 2010–2022 since.
    before = REF.tertiaire_rule(date(2023, 12, 31))
    after = REF.tertiaire_rule(date(2024, 1, 1))
    assert (before.reference_first_year, before.reference_last_year) == (2010, 2019)
    assert (after.reference_first_year, after.reference_last_year) == (2010, 2022)
    assert after.min_area_m2 == D(1000)


def test_energy_core_imports_neither_flask_nor_a_database():
    # Only the standard library, the energy core itself and the pure core of the application (the year ranges,
    # the carriers, Paris time):
    # the routes and models import these, not the reverse.
    stdlib = {"__future__", "collections", "dataclasses", "datetime", "decimal", "enum", "typing"}
    core = ("building_report", "completeness", "decimals", "dpe_classes", "dpe_current", "input_messages", "projection",
            "reference", "reference_seed", "tertiaire", "year_indicators")
    folder = Path(reference_seed.__file__).parent
    for name in core:
        for node in ast.walk(ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                assert module.split(".")[0] in stdlib or module in {
                    f"facilities.energy.{other}" for other in core
                } | {"facilities.years", "facilities.carriers", "facilities.timeutil"}, f"{name}.py imports {module}"
