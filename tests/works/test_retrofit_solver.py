"""The retrofit optimiser (facilities.works.retrofit_solver) on small cases solved by hand.

The case of the issue: three buildings of 1,000 m², five candidates, two years of works (2028, 2029; target
2030), weights 1 (gas and electricity):

| building | now (kWh/m²) | target | must save (kWh) |
| B1 | 200 (gas 200,000) | 150 | 50,000 |
| B2 | 100 (electricity 100,000) | 80 | 20,000 |
| B3 | 150 (gas 150,000) | 100 | 50,000 |

| candidate | building | cost | saves | earliest | years |
| C1 | B1 | 100,000 € | gas 60,000 | 2028 | 1 |
| C2 | B1 | 60,000 € | gas 30,000 | 2028 | 1 |
| C3 | B1 | 50,000 € | gas 25,000 | 2028 | 1 |
| C4 | B2 | 40,000 € | electricity 25,000 | 2029 | 1 |
| C5 | B3 | 120,000 € | gas 50,000 | 2028 | 2 (60,000 € a year) |

B2 needs C4 (2029 only), B3 needs C5 (60,000 € in 2028 and in 2029); B1 needs C1 (100,000 €) or C2 + C3
(110,000 €; C2 or C3 alone saves too little).

Caps 150,000 € in 2028 and 150,000 € in 2029: C1 in 2028 makes 2028 cost 160,000 €, and in 2029 makes it
200,000 €: C1 never fits. C2 and C3 together in 2028: 170,000 €; C3 in 2028 and C2 in 2029: 2029 at
160,000 €. Only C2 in 2028 (2028: 60,000 + 60,000 = 120,000 €) and C3 in 2029 (2029: 50,000 + 60,000 +
40,000 = 150,000 €) fit: the optimum is {C2, C3, C4, C5} at 270,000 €, every building at target (B1 at
145, B2 at 75, B3 at 100 kWh/m²).

With 140,000 € in 2029 the three cannot all reach: 2029 already takes C4 and C5's 100,000 €, leaving
40,000 € for B1 in 2029 and 90,000 € in 2028, and no way of B1's fits. Two buildings at most; the cheapest
pair is B1 + B2 with C1 + C4 (140,000 €; B1 + B3: 230,000 €; B2 + B3: 160,000 €). B3 is left out by the
caps, its gap 150 − 100 = 50 kWh/m². Reaching all three needs 10,000 € more: in 2028 (C1 in 2028: 160,000 €)
or in 2029 (C2 + C3: 150,000 € in 2029); the works' cost breaks the tie: C1 is cheaper, so 10,000 € in 2028.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from facilities.works.retrofit_solver import (
    ALREADY,
    BUDGET,
    CANDIDATES,
    REACHED,
    BuildingNeed,
    Candidate,
    Problem,
    ProblemError,
    optimise,
    spread_cents,
)

WEIGHTS = {"natural_gas": Decimal(1), "electricity": Decimal(1), "district_heating": Decimal("0.77")}


def buildings():
    return [BuildingNeed(1, Decimal(1000), {"natural_gas": Decimal(200_000)}, Decimal(150)),
            BuildingNeed(2, Decimal(1000), {"electricity": Decimal(100_000)}, Decimal(80)),
            BuildingNeed(3, Decimal(1000), {"natural_gas": Decimal(150_000)}, Decimal(100))]


def candidates():
    return [Candidate(1, 1, 10_000_000, {"natural_gas": Decimal(60_000)}, 2028, 1, "C1"),
            Candidate(2, 1, 6_000_000, {"natural_gas": Decimal(30_000)}, 2028, 1, "C2"),
            Candidate(3, 1, 5_000_000, {"natural_gas": Decimal(25_000)}, 2028, 1, "C3"),
            Candidate(4, 2, 4_000_000, {"electricity": Decimal(25_000)}, 2029, 1, "C4"),
            Candidate(5, 3, 12_000_000, {"natural_gas": Decimal(50_000)}, 2028, 2, "C5")]


def problem(cap_2029: int = 15_000_000, **changes) -> Problem:
    values = {"first_year": 2028, "target_year": 2030, "available_cents": {2028: 15_000_000, 2029: cap_2029},
              "buildings": buildings(), "candidates": candidates(), "weights": WEIGHTS}
    values.update(changes)
    return Problem(**values)


def test_hand_case_optimal_set_schedule_and_cost():
    plan = optimise(problem())
    assert {(op.label, op.start_year) for op in plan.chosen} == {("C2", 2028), ("C3", 2029), ("C4", 2029),
                                                                  ("C5", 2028)}
    assert plan.total_cost_cents == 27_000_000  # 270,000 €
    assert plan.cost_by_year == {2028: 12_000_000, 2029: 15_000_000}
    assert {b.building_id: (b.projected_kwh_m2, b.status) for b in plan.buildings} == {
        1: (Decimal(145), REACHED), 2: (Decimal(75), REACHED), 3: (Decimal(100), REACHED)}
    assert not plan.unreachable and plan.extra_cap_by_year == {} and plan.extra_cap_status == "none_needed"
    assert [step.status for step in plan.steps] == ["optimal", "optimal"] and plan.gap == 0
    assert not plan.stopped_at_time_limit and plan.solver.startswith("HiGHS")


def test_tight_cap_leaves_a_building_out_and_names_the_extra_cap():
    plan = optimise(problem(cap_2029=14_000_000))
    assert {op.label for op in plan.chosen} == {"C1", "C4"}
    assert plan.total_cost_cents == 14_000_000
    left_out = plan.unreachable
    assert [(b.building_id, b.status, b.gap_kwh_m2) for b in left_out] == [(3, BUDGET, Decimal(50))]
    assert left_out[0].best_possible_kwh_m2 == Decimal(100)  # C5 would bring it exactly to its target
    assert plan.extra_cap_by_year == {2028: 1_000_000}  # 10,000 € more in 2028
    assert plan.extra_cap_status == "found"
    # The extra cap is enough: the same problem with it planned reaches every building.
    fixed = optimise(problem(cap_2029=14_000_000, available_cents={2028: 16_000_000, 2029: 14_000_000}))
    assert not fixed.unreachable


def test_buildings_at_target_or_beyond_their_candidates():
    need = [BuildingNeed(1, Decimal(500), {"electricity": Decimal(40_000)}, Decimal(90)),  # 80: already there
            BuildingNeed(2, Decimal(2000), {"district_heating": Decimal(400_000)}, Decimal(100))]
    # Building 2: 400,000 × 0.77 / 2,000 = 154 kWh/m²; its one candidate saves 100,000 kWh of district heating,
    # 77,000 weighted: 115.5 kWh/m² at best, 15.5 above the target whatever the money.
    plan = optimise(problem(buildings=need, candidates=[
        Candidate(9, 2, 1_000_000, {"district_heating": Decimal(100_000)}, 2028, 1, "network")]))
    outcome = {b.building_id: b for b in plan.buildings}
    assert outcome[1].status == ALREADY and outcome[1].gap_kwh_m2 == 0
    assert outcome[2].status == CANDIDATES
    assert outcome[2].before_kwh_m2 == Decimal(154) and outcome[2].best_possible_kwh_m2 == Decimal("115.5")
    assert outcome[2].gap_kwh_m2 == Decimal(54)  # nothing is bought for it: 154 − 100
    assert plan.chosen == () and plan.extra_cap_by_year == {}


def test_savings_never_take_a_carrier_below_zero():
    need = [BuildingNeed(1, Decimal(1000), {"electricity": Decimal(50_000), "natural_gas": Decimal(100_000)},
                         Decimal(65))]
    plan = optimise(problem(buildings=need, candidates=[
        Candidate(1, 1, 1_000_000, {"electricity": Decimal(90_000)}, 2028, 1, "too much electricity"),
        Candidate(2, 1, 2_000_000, {"natural_gas": Decimal(60_000)}, 2028, 1, "gas")]))
    # 150 kWh/m² to 65: 85,000 kWh to save. The electricity candidate expects 90,000 but the building uses only
    # 50,000: the gas candidate is needed as well (150 − 50 − 60 = 40).
    assert {op.label for op in plan.chosen} == {"too much electricity", "gas"}
    assert plan.buildings[0].projected_kwh_m2 == Decimal(40)


def test_works_end_before_the_target_year():
    late = [Candidate(1, 1, 1_000_000, {"natural_gas": Decimal(60_000)}, 2029, 2, "ends in 2030")]
    plan = optimise(problem(buildings=buildings()[:1], candidates=late))
    assert plan.chosen == () and plan.buildings[0].status == CANDIDATES


def test_cost_spread_in_whole_cents():
    assert spread_cents(10_000_001, 3) == [3_333_334, 3_333_334, 3_333_333]
    assert sum(spread_cents(12_345, 7)) == 12_345


@pytest.mark.parametrize(("candidate", "message"), [
    (Candidate(1, 1, 0, {"natural_gas": Decimal(1)}, 2028, 1), "candidate 1 has no cost"),
    (Candidate(1, 1, 100, {}, 2028, 1), "candidate 1 saves no energy"),
    (Candidate(1, 1, 100, {"natural_gas": Decimal(0)}, 2028, 1), "candidate 1 saves no energy"),
    (Candidate(1, 1, 100, {"natural_gas": Decimal(-5)}, 2028, 1), "candidate 1 saves no energy"),
    (Candidate(1, 1, 100, {"natural_gas": Decimal(5)}, 2028, 0), "candidate 1 lasts less than a year"),
    (Candidate(1, 7, 100, {"natural_gas": Decimal(5)}, 2028, 1), "building 7 is not in the problem"),
    (Candidate(1, 1, 100, {"coal": Decimal(5)}, 2028, 1), "no Décret tertiaire weight for coal"),
])
def test_bad_input_is_refused_by_name(candidate, message):
    with pytest.raises(ProblemError, match=message):
        optimise(problem(candidates=[candidate]))


def test_no_year_left_is_refused():
    with pytest.raises(ProblemError, match="no year is left"):
        optimise(problem(first_year=2030))
