"""Capital renewal, the pure rules: renewal year from life or condition (the owner's policy), the forecast's
aggregation by year and category, the input rules. No request, no database."""

from __future__ import annotations

from datetime import date

import pytest

from facilities.renewal import rules
from facilities.renewal.rules import ConditionPolicy, Item
from facilities.validation import ValidationError

TODAY = date(2026, 11, 30)
POLICY = ConditionPolicy({5: 0, 4: 2}, "owner's policy")


def item(id=1, category="lift", installed=date(2010, 3, 1), life=20, cost=100_000_00, condition=None,
         assessed=None, operation_id=None, building_id=1, illustrative=False) -> Item:
    return Item(id, building_id, category, installed, life, cost, condition, assessed, operation_id, illustrative)


def test_renewal_year_is_installation_plus_expected_life():
    assert rules.renewal_of(item(), POLICY, TODAY) == rules.Renewal(2030, "life")


@pytest.mark.parametrize(("condition", "assessed", "expected"), [
    (5, date(2026, 5, 1), rules.Renewal(2026, "condition")),  # to replace: the year it was assessed
    (4, date(2025, 5, 1), rules.Renewal(2027, "condition")),  # poor: within two years of the assessment
    (4, None, rules.Renewal(2028, "condition")),  # undated: assessed today
    (3, date(2026, 5, 1), rules.Renewal(2030, "life")),  # fair: the policy says nothing, life decides
    (1, date(2026, 5, 1), rules.Renewal(2030, "life")),  # as new
])
def test_a_condition_the_policy_names_brings_the_year_forward(condition, assessed, expected):
    assert rules.renewal_of(item(condition=condition, assessed=assessed), POLICY, TODAY) == expected


def test_the_condition_never_delays_what_the_life_says():
    assert rules.renewal_of(item(installed=date(2000, 1, 1), condition=4, assessed=date(2026, 1, 1)), POLICY,
                            TODAY) == rules.Renewal(2020, "life")


def test_no_year_without_life_or_condition():
    assert rules.renewal_of(item(installed=None), POLICY, TODAY) is None
    assert rules.renewal_of(item(life=None), POLICY, TODAY) is None
    assert rules.renewal_of(item(installed=None, condition=5, assessed=date(2026, 2, 1)), POLICY,
                            TODAY) == rules.Renewal(2026, "condition")


def test_the_policy_is_read_from_its_setting_and_refuses_nonsense():
    assert rules.parse_policy("1:0, 2:2", range(1, 6)).within_years == {1: 0, 2: 2}
    assert rules.parse_policy("", range(1, 6)).within_years == {}
    for bad in ("1", "x:1", "9:1", "1:-1", "1:99"):
        with pytest.raises(ValueError):
            rules.parse_policy(bad, range(1, 6))


def test_forecast_by_year_and_category_in_cents():
    items = [
        item(1, "lift", date(2010, 1, 1), 20, 150_000_00),  # 2030
        item(2, "lift", date(2011, 1, 1), 19, 50_000_50),  # 2030
        item(3, "heating", date(2000, 1, 1), 20, 90_000_00),  # 2020: backlog, counted in 2026
        item(4, "heating", date(2020, 1, 1), 20, 80_000_00),  # 2040: after the window
        item(5, "electrical", None, None, 10_000_00),  # no year
        item(6, "electrical", date(2015, 1, 1), 15, None, operation_id=9),  # 2030, no cost, already planned
        item(7, "fire_alarm", date(2020, 1, 1), 30, 20_000_00, condition=5, assessed=date(2026, 4, 1),
             illustrative=True),  # condition: 2026
    ]
    fc = rules.forecast(items, 2026, 10, POLICY, TODAY)
    assert fc.years == list(range(2026, 2036))
    assert fc.cell(2030, "lift").items == 2 and fc.cell(2030, "lift").cost_cents == 200_000_50
    assert isinstance(fc.cell(2030, "lift").cost_cents, int)
    assert fc.cell(2026, "heating").cost_cents == 90_000_00 and fc.backlog == 1
    assert fc.cell(2026, "fire_alarm").items == 1 and fc.illustrative == 1
    electrical = fc.cell(2030, "electrical")
    assert (electrical.items, electrical.cost_cents, electrical.planned, electrical.without_cost) == (1, 0, 1, 1)
    assert (fc.later, fc.unknown) == (1, 1)
    assert fc.by_year[2030].cost_cents == 200_000_50 and fc.by_year[2031].items == 0
    assert fc.total.items == 5 and fc.total.cost_cents == 310_000_50
    assert fc.categories == ["electrical", "fire_alarm", "heating", "lift"]
    assert sum(cell.cost_cents for cell in fc.by_category.values()) == fc.total.cost_cents


def test_an_operation_starts_in_the_renewal_year_or_this_year_when_overdue():
    assert rules.operation_year(rules.Renewal(2031, "life"), TODAY) == 2031
    assert rules.operation_year(rules.Renewal(2019, "life"), TODAY) == 2026


def test_forecast_options_have_bounds(app):
    with app.test_request_context():
        assert rules.clean_forecast({}, TODAY) == {"from": 2026, "years": 10, "building_id": None}
        for bad in ({"from": "1500"}, {"from": "3000"}, {"years": "0"}, {"years": "31"}, {"from": "20x6"}):
            with pytest.raises(ValidationError):
                rules.clean_forecast(bad, TODAY)
        assert rules.clean_forecast({"from": str(rules.FIRST_YEARS.last), "years": "30"}, TODAY)["years"] == 30
        assert rules.FIRST_YEARS.last + rules.MAX_YEARS - 1 == 2100


def test_chosen_items_are_read_strictly(app):
    with app.test_request_context():
        assert rules.clean_create({"envelope_id": "3", "equipment_ids": ["4", "5"]}) == {
            "envelope_id": 3, "equipment_ids": [4, 5]}
        for ids in ([], None, "4", [4, 4], [0], [True], list(range(1, rules.MAX_ITEMS_PER_ACTION + 2))):
            with pytest.raises(ValidationError) as refused:
                rules.clean_create({"envelope_id": 1, "equipment_ids": ids})
            assert set(refused.value.errors) == {"equipment_ids"}
        with pytest.raises(ValidationError) as refused:
            rules.clean_create({"equipment_ids": ["4"]}, typed=True)
        assert set(refused.value.errors) == {"envelope_id", "equipment_ids"}
