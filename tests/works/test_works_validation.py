"""Operation input: the shared rule engine reads each field (works.rules), the scheduling core checks the structure
(phases inside the operation, shares summing to 100 %, CP years inside its span). One test per rule."""

from datetime import date

import pytest
from flask_babel import force_locale

from facilities.validation import ValidationError
from facilities.works.scheduling.checks import validate_plan
from facilities.works.scheduling.plans import OperationPlan, Phase


@pytest.fixture
def envelope_id(db):
    from facilities.works import rules, services

    envelope = services.create_envelope(rules.clean_envelope({"label": "E", "caps": {}}))
    db.session.commit()
    return envelope.id


@pytest.fixture
def errors(envelope_id):
    """errors(**changes) → {field: message} for an operation otherwise valid ({} when it is accepted)."""
    from facilities.works import rules

    def check(**changes):
        raw = {
            "label": "IME Villeneuve-la-Garenne", "envelope_id": envelope_id, "nature": "renovation",
            "ap_eur": "1000", "start": "2023-01-01", "duration_months": 24, "priority": 1, "fixed": False,
            "phases": [
                {"code": "APS", "start": "2023-01-01", "end": "2023-06-30", "share_bp": 2000},
                {"code": "DET", "start": "2023-07-01", "end": "2024-12-31", "share_bp": 8000},
            ],
            **changes,
        }
        try:
            with force_locale("en"):
                rules.clean_operation(raw)
        except ValidationError as error:
            return error.errors
        return {}

    return check


def phases(**changes_by_index):
    items = [{"code": "APS", "start": "2023-01-01", "end": "2023-06-30", "share_bp": 2000},
             {"code": "DET", "start": "2023-07-01", "end": "2024-12-31", "share_bp": 8000}]
    for index, changes in changes_by_index.items():
        items[int(index[1:])].update(changes)
    return items


def test_valid_operation_has_no_errors(errors):
    assert errors() == {}


@pytest.mark.parametrize(("value", "message"), [
    ("abc", "AP must be an amount in euros"),
    ("-5", "AP must be at least 0 €"),
    ("12.345", "AP must not have more than two decimals (whole cents)"),
    (12.5, "AP must be an amount in euros written as text"),
    (None, "AP is required"),
])
def test_ap_is_read_by_the_money_rule(errors, value, message):
    assert errors(ap_eur=value)["ap_eur"].startswith(message)


def test_phase_ending_before_it_starts(errors):
    assert errors(phases=phases(p0={"start": "2023-06-30", "end": "2023-01-01"})) == {
        "phases[0].end": "phase APS ends (2023-01-01) before it starts (2023-06-30)"}


def test_phase_outside_the_operation(errors):
    assert errors(phases=phases(p1={"end": "2025-02-28"})) == {
        "phases[1].end": "phase DET (2023-07 to 2025-02) lies outside the operation (2023-01 to 2024-12)"}
    assert "phases[1].start" in errors(phases=phases(p1={"start": "2022-12-01"}))


def test_shares_not_summing_to_100_percent(errors):
    assert errors(phases=phases(p1={"share_bp": 7500})) == {
        "phases": "phase shares must sum to 100 % (10 000 basis points), got 95 % (9500 bp)"}


def test_bad_share_and_code(errors):
    found = errors(phases=phases(p0={"share_bp": "twenty"}, p1={"code": "XYZ"}))
    assert found["phases[0].share_bp"] == "Share (basis points) must be a whole number"
    assert found["phases[1].code"] == "Phase must be one of: DIAG, ESQ, APS, APD, PRO, ACT, VISA, DET, AOR"
    assert errors(phases=phases(p0={"share_bp": 10_001}))["phases[0].share_bp"] == (
        "Share (basis points) must be at most 10\u202f000")
    assert errors(phases=phases(p0={"code": "aps"})) == {}  # a code in lower case is the code


def test_cp_year_outside_operation_span(errors):
    assert errors(phases=None, cp={"2023": "500", "2026": "500"}) == {
        "cp.2026": "CP year 2026 is outside the operation's span (2023 to 2024)"}


def test_cp_year_given_twice_out_of_range_and_negative_cp(errors):
    found = errors(phases=None, cp=[{"year": 2023, "amount_eur": "500"}, {"year": 2023, "amount_eur": "500"},
                                    {"year": 2024, "amount_eur": "-1"}, {"year": 1989, "amount_eur": "1"},
                                    {"year": "20x", "amount_eur": "1"}])
    assert found == {"cp[1]": "cp[1]: year 2023 is given twice", "cp[2]": "cp[2] must be at least 0 €",
                     "cp[3]": "cp[3] must be at least 1990", "cp[4]": "cp[4] must be a whole number"}


def test_sum_of_cp_different_from_ap_is_not_an_input_error(errors):
    # The invariant is flagged by check_programme (the plan cannot be voted), not refused at input.
    assert errors(phases=None, cp={"2023": "1", "2024": "2"}) == {}


@pytest.mark.parametrize(("value", "message"), [(0, "Duration (months) must be at least 1"),
                                                 ("x", "Duration (months) must be a whole number"),
                                                 (1.5, "Duration (months) must be a whole number"),
                                                 (None, "Duration (months) is required")])
def test_duration_must_be_positive(errors, value, message):
    assert errors(duration_months=value, phases=None) == {"duration_months": message}


@pytest.mark.parametrize("value", [0, -1])
def test_priority_must_be_positive(errors, value):
    assert errors(priority=value)["priority"] == "Priority must be at least 1"


def test_start_must_be_a_first_of_month_date(errors):
    assert errors(start="2023-13-01")["start"] == "Start must be a date (YYYY-MM-DD)"
    assert errors(start="2023-01-15", phases=None)["start"] == "Start must be the first day of a month"


def test_label_and_fixed(errors):
    assert errors(label=" ", fixed="maybe") == {"label": "Label is required", "fixed": "Fixed dates must be yes or no"}


def test_validate_plan_on_built_dataclass():
    o = OperationPlan("x", "x", -1, date(2023, 1, 2), 0, priority=0,
                      phases=(Phase("DET", date(2023, 1, 1), date(2023, 2, 1), 10_000),))
    assert validate_plan(o) == {
        "ap_cents": "must not be negative",
        "start": "must be the first day of a month",
        "duration_months": "must be a positive whole number of months",
        "priority": "must be a positive integer (1 = highest)",
    }
