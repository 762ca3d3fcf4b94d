"""Per-year indicators: worked examples computed by hand in the comments."""

from datetime import date
from decimal import Decimal as D

import pytest

from facilities.energy.reference import Carrier, ReferenceData, ScaleCode, ScaleMetric
from facilities.energy.reference_seed import (
    DPE_SCALES,
    PRIMARY_ENERGY_FACTORS,
    TERTIAIRE_WEIGHTS,
    seed_reference_data,
)
from facilities.energy.year_indicators import YearConsumption, compute_year

REF = seed_reference_data()
OFFICE = ScaleCode.TERTIARY_OFFICE
HOUSING = ScaleCode.RESIDENTIAL


def year(y, area, dju=None, dju_mean=None, **kwh):
    return YearConsumption(y, {c: D(v) for c, v in kwh.items()}, D(area), dju, dju_mean)


def test_electricity_primary_factor_changes_between_2025_and_2026():
    # Office of 1,000 m², 50,000 kWh of electricity each year.
    # final   = 50,000 / 1,000 = 50 kWh/m² both years
    # 2025: primary = 50,000 × 2.3 / 1,000 = 115 kWh/m² → C (110 < 115 <= 210)
    # 2026: primary = 50,000 × 1.9 / 1,000 =  95 kWh/m² → B (50 < 95 <= 110)
    # GHG both years: 50,000 × 0.079 / 1,000 = 3.95 kg/m² → climate class A (<= 5)
    y2025 = compute_year(year(2025, 1000, electricity=50_000), OFFICE, REF)
    y2026 = compute_year(year(2026, 1000, electricity=50_000), OFFICE, REF)
    assert y2025.final_kwh_m2 == y2026.final_kwh_m2 == D(50)
    assert y2025.primary_kwh_m2 == D(115)
    assert y2026.primary_kwh_m2 == D(95)
    assert (y2025.dpe_class, y2026.dpe_class) == ("C", "B")
    assert y2025.ghg_kg_m2 == y2026.ghg_kg_m2 == D("3.95")
    assert y2026.dpe_classes == {ScaleMetric.PRIMARY_ENERGY: "B", ScaleMetric.GHG: "A"}
    # Each year names the factor it used.
    factors = {r.valid_from: r.factor for r in y2026.references if r.table == "primary_energy_factors"}
    assert factors == {date(2026, 1, 1): D("1.9")}
    assert any(getattr(r, "factor", None) == D("2.3") for r in y2025.references)


def test_district_heating_and_cooling_weights_in_the_tertiaire_consumption():
    # 2,000 m² in 2025: district heating 100,000 kWh, district cooling 40,000 kWh, electricity 60,000 kWh.
    # final     = 200,000 / 2,000 = 100 kWh/m²
    # tertiaire = 100,000 × 0.77 + 40,000 × 0.25 + 60,000 × 1 = 77,000 + 10,000 + 60,000 = 147,000 kWh
    #           = 147,000 / 2,000 = 73.5 kWh/m²
    # primary   = 100,000 × 1 + 40,000 × 1 + 60,000 × 2.3 = 278,000 kWh = 139 kWh/m² → C
    result = compute_year(
        year(2025, 2000, district_heating=100_000, district_cooling=40_000, electricity=60_000), OFFICE, REF
    )
    assert result.final_kwh_m2 == D(100)
    assert result.tertiaire_kwh == D(147_000)
    assert result.tertiaire_kwh_m2 == D("73.5")
    assert result.primary_kwh_m2 == D(139)
    assert result.dpe_class == "C"
    # District cooling has its generic emission factor (an unlisted network: coal's 0.385), so GHG is known:
    # 100,000 × 0.385 + 40,000 × 0.385 + 60,000 × 0.079 = 38,500 + 15,400 + 4,740 = 58,640 kg
    # = 29.32 kg/m² → 29 → climate class C (16–30).
    assert result.ghg_kg_m2 == D("29.32")
    assert result.dpe_classes[ScaleMetric.GHG] == "C"
    assert not result.missing


def test_ghg_with_district_heating_default_factor():
    # 2,000 m² in 2025: district heating 100,000 kWh, electricity 60,000 kWh.
    # GHG = 100,000 × 0.385 + 60,000 × 0.079 = 38,500 + 4,740 = 43,240 kg = 21.62 kg/m² → climate C (15 < x <= 30)
    # tertiaire = 100,000 × 0.77 + 60,000 = 137,000 kWh = 68.5 kWh/m²
    result = compute_year(year(2025, 2000, district_heating=100_000, electricity=60_000), OFFICE, REF)
    assert result.ghg_kg == D(43_240)
    assert result.ghg_kg_m2 == D("21.62")
    assert result.dpe_classes[ScaleMetric.GHG] == "C"
    assert result.tertiaire_kwh_m2 == D("68.5")
    assert result.missing == ()


@pytest.mark.parametrize(
    ("kwh", "expected_kwh_m2", "expected_class"),
    [
        (50_000, D(50), "A"),  # 50,000 / 1,000 = 50 → A (<= 50)
        (50_400, D("50.4"), "A"),  # 50.4 rounds to 50 → A (the scale is in whole units)
        (50_600, D("50.6"), "B"),  # 50.6 rounds to 51 → B
        (110_000, D(110), "B"),  # 110 → B (<= 110)
        (110_400, D("110.4"), "B"),  # 110.4 rounds to 110 → B
        (110_500, D("110.5"), "C"),  # 110.5 rounds half up to 111 → C
        (110_600, D("110.6"), "C"),  # 110.6 rounds to 111 → C
        (750_000, D(750), "F"),
        (750_400, D("750.4"), "F"),
        (750_600, D("750.6"), "G"),
    ],
)
def test_office_scale_boundaries(kwh, expected_kwh_m2, expected_class):
    # Natural gas, primary factor 1, 1,000 m²: primary kWh/m² = kWh / 1,000.
    result = compute_year(year(2025, 1000, natural_gas=kwh), OFFICE, REF)
    assert result.primary_kwh_m2 == expected_kwh_m2
    assert result.dpe_class == expected_class


def test_continuous_occupation_scale_differs_from_the_office_scale():
    # An IME with residents, 1,500 m², 150,000 kWh of gas: 100 kWh/m² primary.
    # Continuous-occupation scale: A <= 100 → A; the office scale would say B (50 < 100 <= 110).
    # 150,750 kWh → 100.5 kWh/m², rounded half up to 101 → B on the continuous scale.
    assert (
        compute_year(year(2025, 1500, natural_gas=150_000), ScaleCode.TERTIARY_CONTINUOUS, REF).dpe_class
        == "A"
    )
    assert compute_year(year(2025, 1500, natural_gas=150_000), OFFICE, REF).dpe_class == "B"
    assert (
        compute_year(year(2025, 1500, natural_gas=150_750), ScaleCode.TERTIARY_CONTINUOUS, REF).dpe_class
        == "B"
    )
    # Other tertiary buildings: A <= 30. 30,000 kWh / 1,000 m² = 30 → A; 30,400 → 30.4 → 30 → A; 30,600 → 31 → B.
    assert compute_year(year(2025, 1000, natural_gas=30_000), ScaleCode.TERTIARY_OTHER, REF).dpe_class == "A"
    assert compute_year(year(2025, 1000, natural_gas=30_400), ScaleCode.TERTIARY_OTHER, REF).dpe_class == "A"
    assert compute_year(year(2025, 1000, natural_gas=30_600), ScaleCode.TERTIARY_OTHER, REF).dpe_class == "B"


def test_residential_bounds_are_exclusive():
    # 100 m² heated with wood (primary factor 1, 0.030 kg CO2e/kWh).
    # 7,000 kWh → 70 kWh/m²: A is "< 70", so 70 → B; GHG 70 × 0.030 = 2.1 kg/m² → A (< 6); label B.
    # 6,940 kWh → 69.4 kWh/m² → 69 → A; GHG 2.082 → 2 → A; label A.
    # 6,960 kWh → 69.6 kWh/m² → 70 → B (the value is rounded to the unit before classing).
    at_bound = compute_year(year(2025, 100, wood=7_000), HOUSING, REF)
    below = compute_year(year(2025, 100, wood=6_940), HOUSING, REF)
    assert compute_year(year(2025, 100, wood=6_960), HOUSING, REF).dpe_class == "B"
    assert at_bound.primary_kwh_m2 == D(70) and at_bound.ghg_kg_m2 == D("2.1")
    assert at_bound.dpe_classes == {ScaleMetric.PRIMARY_ENERGY: "B", ScaleMetric.GHG: "A"}
    assert at_bound.dpe_class == "B"
    assert below.dpe_class == "A"


def test_residential_double_threshold_takes_the_worse_class():
    # 100 m², 10,000 kWh of gas: energy 100 kWh/m² → B (70 <= 100 < 110);
    # GHG 10,000 × 0.227 / 100 = 22.7 kg/m² → C (11 <= 22.7 < 30). Label: the worse, C.
    gas = compute_year(year(2025, 100, natural_gas=10_000), HOUSING, REF)
    assert gas.ghg_kg_m2 == D("22.7")
    assert gas.dpe_classes == {ScaleMetric.PRIMARY_ENERGY: "B", ScaleMetric.GHG: "C"}
    assert gas.dpe_class == "C"
    # The other way round, 6,000 kWh of electricity in 2025: energy 6,000 × 2.3 / 100 = 138 → C;
    # GHG 6,000 × 0.079 / 100 = 4.74 → A. Label C, from the energy class this time.
    electric = compute_year(year(2025, 100, electricity=6_000), HOUSING, REF)
    assert electric.primary_kwh_m2 == D(138) and electric.ghg_kg_m2 == D("4.74")
    assert electric.dpe_classes == {ScaleMetric.PRIMARY_ENERGY: "C", ScaleMetric.GHG: "A"}
    assert electric.dpe_class == "C"
    # The tertiary climate class is reported but not in the office letter:
    # 10,000 kWh of gas on 100 m² → GHG 22.7 → climate C, energy 100 → B, letter B.
    office = compute_year(year(2025, 100, natural_gas=10_000), OFFICE, REF)
    assert office.dpe_classes == {ScaleMetric.PRIMARY_ENERGY: "B", ScaleMetric.GHG: "C"}
    assert office.dpe_class == "B"


def test_climate_adjustment_only_with_both_degree_days_and_labelled_estimate():
    # 1,000 m², 100,000 kWh of gas; DJU 2,000 in a mild year against a mean of 2,400; heating share 0.5:
    # adjusted = 100,000 × 0.5 + 100,000 × 0.5 × 2,400 / 2,000 = 50,000 + 60,000 = 110,000 kWh = 110 kWh/m²
    adjusted = compute_year(year(2025, 1000, D(2000), D(2400), natural_gas=100_000), OFFICE, REF)
    assert adjusted.climate_adjusted_tertiaire_kwh_m2 == D(110)
    assert adjusted.is_estimate is True
    assert adjusted.tertiaire_kwh_m2 == D(100)  # the raw figure is kept
    # Heating share 0.6: 40,000 + 60,000 × 1.2 = 112,000 kWh = 112 kWh/m²
    share = compute_year(
        year(2025, 1000, D(2000), D(2400), natural_gas=100_000), OFFICE, REF, heating_share=D("0.6")
    )
    assert share.climate_adjusted_tertiaire_kwh_m2 == D(112)
    # Only one of the two degree-day figures: no adjustment, not an estimate.
    for dju, mean in ((D(2000), None), (None, D(2400)), (None, None)):
        plain = compute_year(year(2025, 1000, dju, mean, natural_gas=100_000), OFFICE, REF)
        assert plain.climate_adjusted_tertiaire_kwh_m2 is None
        assert plain.is_estimate is False
    with pytest.raises(ValueError, match="heating_share"):
        compute_year(year(2025, 1000, natural_gas=1), OFFICE, REF, heating_share=D("1.5"))


def test_missing_reference_rows_empty_the_indicators_that_need_them():
    # No emission factors at all: GHG is unknown, so the residential label (which needs it) is too;
    # final, primary and Décret tertiaire figures are still computed.
    ref = ReferenceData(
        primary_energy_factors=PRIMARY_ENERGY_FACTORS,
        dpe_scales=DPE_SCALES,
        tertiaire_weights=TERTIAIRE_WEIGHTS,
    )
    result = compute_year(year(2025, 100, natural_gas=10_000), HOUSING, ref)
    assert result.primary_kwh_m2 == D(100)
    assert result.tertiaire_kwh_m2 == D(100)
    assert result.ghg_kg_m2 is None
    assert result.dpe_classes == {ScaleMetric.PRIMARY_ENERGY: "B", ScaleMetric.GHG: None}
    assert result.dpe_class is None
    assert result.missing == ("No emission_factors [natural_gas] row in force on 2025-12-31",)
    # A year before every row: nothing but final energy.
    early = compute_year(year(1999, 100, natural_gas=10_000), OFFICE, REF)
    assert early.final_kwh_m2 == D(100)
    assert early.primary_kwh_m2 is None and early.dpe_class is None and early.tertiaire_kwh_m2 is None


def test_a_carrier_with_zero_kwh_needs_no_reference_row():
    # District cooling at 0 kWh: no emission factor is needed (0 × anything = 0), so GHG is computed:
    # 10,000 kWh of gas on 100 m² → 10,000 × 0.227 / 100 = 22.7 kg/m².
    result = compute_year(year(2025, 100, natural_gas=10_000, district_cooling=0), OFFICE, REF)
    assert result.ghg_kg_m2 == D("22.7")
    assert result.missing == ()


def test_results_are_decimal_with_full_precision():
    # 1,000 kWh of gas on 3 m²: 333.333… kWh/m², kept to 28 significant digits, never a float.
    result = compute_year(year(2025, 3, natural_gas=1000), OFFICE, REF)
    assert result.final_kwh_m2 == D("333.3333333333333333333333333")
    for name in ("final_kwh_m2", "primary_kwh_m2", "ghg_kg_m2", "tertiaire_kwh_m2"):
        assert isinstance(getattr(result, name), D)


def test_year_consumption_rejects_impossible_inputs():
    with pytest.raises(ValueError, match="negative"):
        year(2025, 100, natural_gas=-1)
    with pytest.raises(ValueError, match="area_m2"):
        year(2025, 0, natural_gas=1)
    with pytest.raises(ValueError, match="coal"):
        YearConsumption(2025, {"coal": D(1)}, D(100))
    with pytest.raises(ValueError, match="dju"):
        year(2025, 100, D(0), D(2400), natural_gas=1)
    # Floats are read through their decimal repr: 0.1 stays 0.1.
    assert YearConsumption(2025, {Carrier.WOOD: 0.1}, 100.5).by_carrier == {Carrier.WOOD: D("0.1")}
