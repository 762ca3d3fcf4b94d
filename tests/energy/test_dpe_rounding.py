"""DPE classing rounds a figure to the unit, half up, before comparing it with a scale's bounds
(domain-rules.md §2; issue 15 point 6): every bound of every seeded scale at −0.6, −0.4, +0.4 and +0.6.

Tertiary scales (upper bound inclusive, "B 51–110"): b − 0.6 → b − 1 and b − 0.4 → b stay in the class of
the bound, b + 0.4 → b too, b + 0.6 → b + 1 goes to the next class.
Residential DPE 2021 (upper bound exclusive, "A < 70"): b − 0.6 → b − 1 stays in the class below the
bound, b − 0.4 → b, b + 0.4 → b and b + 0.6 → b + 1 are in the next class.
"""

from datetime import date
from decimal import Decimal as D

import pytest

from facilities.energy.reference import ScaleCode, ScaleMetric
from facilities.energy.reference_seed import seed_reference_data
from facilities.energy.year_indicators import YearConsumption, compute_year

REF = seed_reference_data()
ON = date(2025, 6, 1)
E, GHG = ScaleMetric.PRIMARY_ENERGY, ScaleMetric.GHG

# (scale code, metric, bound, class at bound − 0.6, − 0.4, + 0.4, + 0.6), written out by hand.
CASES = [
    # Offices / administration / teaching, kWhEP/m²: A <= 50, B 51–110, C 111–210, D 211–350, E 351–540, F 541–750
    (ScaleCode.TERTIARY_OFFICE, E, "50", "AAAB"),
    (ScaleCode.TERTIARY_OFFICE, E, "110", "BBBC"),
    (ScaleCode.TERTIARY_OFFICE, E, "210", "CCCD"),
    (ScaleCode.TERTIARY_OFFICE, E, "350", "DDDE"),
    (ScaleCode.TERTIARY_OFFICE, E, "540", "EEEF"),
    (ScaleCode.TERTIARY_OFFICE, E, "750", "FFFG"),
    # Same buildings, kg CO2e/m²: A <= 5, B 6–15, C 16–30, D 31–60, E 61–100, F 101–145
    (ScaleCode.TERTIARY_OFFICE, GHG, "5", "AAAB"),
    (ScaleCode.TERTIARY_OFFICE, GHG, "15", "BBBC"),
    (ScaleCode.TERTIARY_OFFICE, GHG, "30", "CCCD"),
    (ScaleCode.TERTIARY_OFFICE, GHG, "60", "DDDE"),
    (ScaleCode.TERTIARY_OFFICE, GHG, "100", "EEEF"),
    (ScaleCode.TERTIARY_OFFICE, GHG, "145", "FFFG"),
    # Continuous occupation: <= 100/210/370/580/830/1130
    (ScaleCode.TERTIARY_CONTINUOUS, E, "100", "AAAB"),
    (ScaleCode.TERTIARY_CONTINUOUS, E, "210", "BBBC"),
    (ScaleCode.TERTIARY_CONTINUOUS, E, "370", "CCCD"),
    (ScaleCode.TERTIARY_CONTINUOUS, E, "580", "DDDE"),
    (ScaleCode.TERTIARY_CONTINUOUS, E, "830", "EEEF"),
    (ScaleCode.TERTIARY_CONTINUOUS, E, "1130", "FFFG"),
    # Other tertiary buildings: <= 30/90/170/270/380/510
    (ScaleCode.TERTIARY_OTHER, E, "30", "AAAB"),
    (ScaleCode.TERTIARY_OTHER, E, "90", "BBBC"),
    (ScaleCode.TERTIARY_OTHER, E, "170", "CCCD"),
    (ScaleCode.TERTIARY_OTHER, E, "270", "DDDE"),
    (ScaleCode.TERTIARY_OTHER, E, "380", "EEEF"),
    (ScaleCode.TERTIARY_OTHER, E, "510", "FFFG"),
    # Residential DPE 2021, kWhEP/m²: A < 70, B < 110, C < 180, D < 250, E < 330, F < 420, G >= 420
    (ScaleCode.RESIDENTIAL, E, "70", "ABBB"),
    (ScaleCode.RESIDENTIAL, E, "110", "BCCC"),
    (ScaleCode.RESIDENTIAL, E, "180", "CDDD"),
    (ScaleCode.RESIDENTIAL, E, "250", "DEEE"),
    (ScaleCode.RESIDENTIAL, E, "330", "EFFF"),
    (ScaleCode.RESIDENTIAL, E, "420", "FGGG"),
    # Residential DPE 2021, kg CO2e/m²: A < 6, B < 11, C < 30, D < 50, E < 70, F < 100, G >= 100
    (ScaleCode.RESIDENTIAL, GHG, "6", "ABBB"),
    (ScaleCode.RESIDENTIAL, GHG, "11", "BCCC"),
    (ScaleCode.RESIDENTIAL, GHG, "30", "CDDD"),
    (ScaleCode.RESIDENTIAL, GHG, "50", "DEEE"),
    (ScaleCode.RESIDENTIAL, GHG, "70", "EFFF"),
    (ScaleCode.RESIDENTIAL, GHG, "100", "FGGG"),
]
OFFSETS = (D("-0.6"), D("-0.4"), D("0.4"), D("0.6"))


def test_the_cases_cover_every_bound_of_every_seeded_scale():
    covered = {(code, metric, D(bound)) for code, metric, bound, _ in CASES}
    seeded = {(s.code, s.metric, b) for s in REF.dpe_scales for b in s.upper_bounds}
    assert covered == seeded


@pytest.mark.parametrize(("code", "metric", "bound", "letters"), CASES)
def test_class_at_each_bound_plus_or_minus_0_4_and_0_6(code, metric, bound, letters):
    scale = REF.dpe_scale(code, metric, ON)
    got = "".join(scale.classify(D(bound) + offset) for offset in OFFSETS)
    assert got == letters


def test_the_issue_cases_through_the_yearly_indicators():
    # 1,000 m² of offices heated with gas (primary factor 1): kWh / 1,000 = kWhEP/m².
    def office(kwh):
        return compute_year(YearConsumption(2025, {"natural_gas": D(kwh)}, D(1000)), "tertiary_office", REF)

    assert office(110_400).primary_kwh_m2 == D("110.4") and office(110_400).dpe_class == "B"  # 110 → B
    assert office(110_600).dpe_class == "C"  # 110.6 → 111 → C
    assert office(50_400).dpe_class == "A"  # 50.4 → 50 → A
    assert office(110_500).dpe_class == "C"  # half up: 110.5 → 111 → C


def test_residential_label_is_the_worse_class_after_rounding_each_figure():
    # 100 m² flat heated with gas (primary 1, 0.227 kg CO2e/kWh).
    # 4,670 kWh: energy 46.7 → 47 → A; GHG 4,670 × 0.227 / 100 = 10.6009 → 11 → C (B is < 11): label C.
    # 4,580 kWh: energy 45.8 → 46 → A; GHG 4,580 × 0.227 / 100 = 10.3966 → 10 → B: label B.
    def flat(kwh):
        return compute_year(YearConsumption(2025, {"natural_gas": D(kwh)}, D(100)), "residential", REF)

    worse = flat(4_670)
    assert worse.ghg_kg_m2 == D("10.6009")
    assert worse.dpe_classes == {E: "A", GHG: "C"} and worse.dpe_class == "C"
    better = flat(4_580)
    assert better.ghg_kg_m2 == D("10.3966")
    assert better.dpe_classes == {E: "A", GHG: "B"} and better.dpe_class == "B"
