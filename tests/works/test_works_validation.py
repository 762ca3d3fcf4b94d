"""User-input validation: field → English message, one test per rule."""

from datetime import date

import pytest

from facilities.works.scheduling.checks import validate_plan
from facilities.works.scheduling.parsing import validate_operation_input
from facilities.works.scheduling.plans import OperationPlan, Phase


def good(**over):
    data = {
        "id": 1,
        "label": "IME Villeneuve-la-Garenne",
        "ap_cents": 100_000,
        "start": "2023-01-01",
        "duration_months": 24,
        "priority": 1,
        "fixed": False,
        "phases": [
            {"code": "APS", "start": "2023-01-01", "end": "2023-06-30", "share_bp": 2000},
            {"code": "DET", "start": "2023-07-01", "end": "2024-12-31", "share_bp": 8000},
        ],
    }
    data.update(over)
    return data


def test_valid_operation_has_no_errors():
    assert validate_operation_input(good()) == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "must be a number"),
        ("-5", "must not be negative"),
        (-5, "must not be negative"),
        (12.5, "must be a whole number of cents"),
        (None, "must be a number"),
    ],
)
def test_ap_negative_or_non_numeric(value, message):
    assert validate_operation_input(good(ap_cents=value))["ap_cents"] == message


def test_phase_ending_before_it_starts():
    phases = good()["phases"]
    phases[0] = {"code": "APS", "start": "2023-06-30", "end": "2023-01-01", "share_bp": 2000}
    errs = validate_operation_input(good(phases=phases))
    assert errs == {"phases[0].end": "phase APS ends (2023-01-01) before it starts (2023-06-30)"}


def test_phase_outside_the_operation():
    phases = good()["phases"]
    phases[1] = {"code": "DET", "start": "2023-07-01", "end": "2025-02-28", "share_bp": 8000}
    errs = validate_operation_input(good(phases=phases))
    assert errs == {
        "phases[1].end": "phase DET (2023-07 to 2025-02) lies outside the operation (2023-01 to 2024-12)"
    }
    phases[1] = {"code": "DET", "start": "2022-12-01", "end": "2024-12-31", "share_bp": 8000}
    assert "phases[1].start" in validate_operation_input(good(phases=phases))


def test_shares_not_summing_to_100_percent():
    phases = good()["phases"]
    phases[1]["share_bp"] = 7500
    errs = validate_operation_input(good(phases=phases))
    assert errs == {"phases": "phase shares must sum to 100 % (10 000 basis points), got 95 % (9500 bp)"}


def test_bad_share_and_code():
    phases = good()["phases"]
    phases[0]["share_bp"] = "twenty"
    phases[1]["code"] = "XYZ"
    errs = validate_operation_input(good(phases=phases))
    assert errs["phases[0].share_bp"] == "must be a whole number of basis points between 0 and 10 000"
    assert errs["phases[1].code"].startswith("unknown phase code 'XYZ' (expected one of DIAG, ESQ, APS")


def test_cp_year_outside_operation_span():
    errs = validate_operation_input(good(phases=None, cp_by_year=[(2023, 50_000), (2026, 50_000)]))
    assert errs == {"cp_by_year[2026]": "CP year 2026 is outside the operation's span (2023 to 2024)"}


def test_cp_year_given_twice_and_negative_cp():
    errs = validate_operation_input(
        good(phases=None, cp_by_year=[(2023, 50_000), (2023, 50_000), (2024, -1)])
    )
    assert errs["cp_by_year[1].year"] == "a CP amount for year 2023 is given twice"
    assert errs["cp_by_year[2].amount"] == "must not be negative"


def test_sum_of_cp_different_from_ap_is_not_an_input_error():
    # The invariant is flagged by check_programme (the plan cannot be voted), not refused at input.
    assert validate_operation_input(good(phases=None, cp_by_year={2023: 1, 2024: 2})) == {}


@pytest.mark.parametrize("value", [0, -3, "x", 1.5, None])
def test_duration_must_be_positive(value):
    assert validate_operation_input(good(duration_months=value, phases=None)) == {
        "duration_months": "must be a positive whole number of months"
    }


@pytest.mark.parametrize("value", [0, -1, "high", 1.5, True])
def test_priority_must_be_positive_integer(value):
    assert (
        validate_operation_input(good(priority=value))["priority"]
        == "must be a positive integer (1 = highest)"
    )


def test_start_must_be_a_first_of_month_date():
    assert validate_operation_input(good(start="2023-13-01"))["start"] == "must be a date (YYYY-MM-DD)"
    assert (
        validate_operation_input(good(start="2023-01-15", phases=None))["start"]
        == "must be the first day of a month"
    )


def test_label_and_fixed():
    errs = validate_operation_input(good(label=" ", fixed="yes"))
    assert errs == {"label": "must not be empty", "fixed": "must be true or false"}


def test_cp_pairs_with_bad_amounts_and_years():
    errs = validate_operation_input(good(cp_by_year=[(2023, 50_000), (2024, "abc"), ("20x", 1)]))
    assert errs == {"cp_by_year[1].amount": "must be a number", "cp_by_year[2].year": "must be a year (e.g. 2024)"}
    assert validate_operation_input(good(cp_by_year="nope")) == {
        "cp_by_year": "must be a list of (year, amount in cents) pairs"
    }


def test_validate_plan_on_built_dataclass():
    o = OperationPlan(
        "x",
        "x",
        -1,
        date(2023, 1, 2),
        0,
        priority=0,
        phases=(Phase("DET", date(2023, 1, 1), date(2023, 2, 1), 10_000),),
    )
    assert validate_plan(o) == {
        "ap_cents": "must not be negative",
        "start": "must be the first day of a month",
        "duration_months": "must be a positive whole number of months",
        "priority": "must be a positive integer (1 = highest)",
    }
