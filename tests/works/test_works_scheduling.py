"""Hand-computed cases for facilities.works.scheduling (arithmetic in the comments).

Amounts are integer cents; ``E`` = 100 cents = 1 €, ``K`` = 1 000 €.
"""

import ast
import random
import subprocess
import sys
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from facilities.formatting import format_money
from facilities.works.scheduling.checks import check_programme
from facilities.works.scheduling.errors import SchedulingError
from facilities.works.scheduling.explanations import ReasonCode
from facilities.works.scheduling.months import add_months, month_index, month_span, months_by_year
from facilities.works.scheduling.plans import OperationPlan, Phase, PhaseCode, ProgrammePlan
from facilities.works.scheduling.proposal import propose_schedule
from facilities.works.scheduling.scenarios import compare_scenarios
from facilities.works.scheduling.spreading import derive_cp, operation_cp, shift

E = 100
K = 1_000 * E


def op(op_id, ap, start, months, priority=1, fixed=False, phases=None, cp=None, label=None):
    return OperationPlan(op_id, label or f"op {op_id}", ap, start, months, priority, fixed, phases, cp)


def spread_phases(ap, phases):
    """The CP of an operation spanning exactly its phases' months."""
    days = [d for p in phases for d in (p.start, p.end)]
    first, last = month_index(min(days)), month_index(max(days))
    return derive_cp(op("x", ap, date(first // 12, first % 12 + 1, 1), last - first + 1, phases=phases))


def spread_evenly(ap, start, months):
    return derive_cp(op("x", ap, start, months))


def scheduled(proposal, op_id):
    return {o.id: o for o in proposal.operations}[op_id]


# ------------------------------------------------------------------ months


def test_month_span_counts_partial_months():
    # 15 March → 2 May touches March, April, May.
    assert month_span(date(2023, 3, 15), date(2023, 5, 2)) == 3
    assert month_span(date(2023, 12, 31), date(2024, 1, 1)) == 2
    assert months_by_year(date(2023, 11, 1), date(2025, 2, 28)) == {2023: 2, 2024: 12, 2025: 2}
    with pytest.raises(SchedulingError, match="before start"):
        month_span(date(2023, 5, 1), date(2023, 4, 30))


def test_add_months_clamps_day():
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2023, 11, 15), 3) == date(2024, 2, 15)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)


def test_phase_codes_and_labels():
    assert [c.value for c in PhaseCode] == ["DIAG", "ESQ", "APS", "APD", "PRO", "ACT", "VISA", "DET", "AOR"]
    assert PhaseCode.AOR.label.startswith("Assistance aux opérations de réception")
    assert Phase("det", date(2024, 1, 1), date(2024, 1, 31), 1).code is PhaseCode.DET
    assert Phase("DET", date(2024, 1, 1), date(2024, 1, 31), 1).code is PhaseCode.DET


# ------------------------------------------------------------------ spreading


def test_spread_phase_across_year_boundary_exact_cents():
    # AP = 100 001 cents. APS Nov 2023–Feb 2024 (4 months) 30 %; DET Mar–May 2024 (3 months) 70 %.
    # APS = 30 000.3 c, i.e. 7 500.075 c/month: 2023 (Nov, Dec) = 15 000.15; 2024 (Jan, Feb) = 15 000.15.
    # DET = 70 000.7 c, all in 2024.  Exact: 2023 = 15 000.15, 2024 = 85 000.85.
    # Floors 15 000 + 85 000 = 100 000; 1 cent left → largest remainder (0.85) → 2024.
    phases = [
        Phase(PhaseCode.APS, date(2023, 11, 1), date(2024, 2, 29), 3000),
        Phase(PhaseCode.DET, date(2024, 3, 1), date(2024, 5, 31), 7000),
    ]
    cp = spread_phases(100_001, phases)
    assert cp == {2023: 15_000, 2024: 85_001}
    assert sum(cp.values()) == 100_001
    # Phase order in the input does not matter (deterministic).
    assert spread_phases(100_001, list(reversed(phases))) == cp


def test_largest_remainder_is_not_naive_rounding():
    # 10 cents evenly over Dec 2023–Jan 2025 (14 months): exact 2023 = 10/14 = 0.714, 2024 = 120/14 = 8.571,
    # 2025 = 0.714. Floors 0 + 8 + 0 = 8; 2 cents left → the two largest remainders 0.714 (2023, 2025).
    # (Rounding each year half-up would give 1 + 9 + 1 = 11 ≠ 10.)
    assert spread_evenly(10, date(2023, 12, 1), 14) == {2023: 1, 2024: 8, 2025: 1}


def test_rounding_ties_go_to_the_earlier_year():
    # 3 cents over Nov 2023–Feb 2024: 1.5 and 1.5 → floors 1 + 1, 1 cent left, tie → 2023.
    assert spread_evenly(3, date(2023, 11, 1), 4) == {2023: 2, 2024: 1}
    # 1 cent over Dec 2023–Jan 2024: 0.5 / 0.5 → 2023; a zero year is omitted.
    assert spread_evenly(1, date(2023, 12, 1), 2) == {2023: 1}


def test_phase_partial_months_count_whole():
    # DET 15 Dec 2023 → 10 Jan 2024 counts December and January: 1 000 € split 500/500.
    cp = spread_phases(1_000 * E, [Phase("DET", date(2023, 12, 15), date(2024, 1, 10), 10_000)])
    assert cp == {2023: 500 * E, 2024: 500 * E}


def test_overlapping_phases_and_zero_share():
    # ACT Jan–Mar 2024 40 % (40 000/3 per month), DET Mar–Apr 2024 60 %, AOR 0 %; all 2024 → 100 000.
    phases = [
        Phase("ACT", date(2024, 1, 1), date(2024, 3, 31), 4000),
        Phase("DET", date(2024, 3, 1), date(2024, 4, 30), 6000),
        Phase("AOR", date(2024, 5, 1), date(2024, 5, 31), 0),
    ]
    assert spread_phases(100_000, phases) == {2024: 100_000}


def test_shares_must_sum_to_100_percent():
    with pytest.raises(
        SchedulingError, match=r"must sum to 100 % \(10 000 basis points\), got 95 % \(9500 bp\)"
    ):
        spread_phases(1000, [Phase("DET", date(2024, 1, 1), date(2024, 2, 1), 9500)])
    with pytest.raises(SchedulingError, match="ends .* before it starts"):
        spread_phases(1000, [Phase("DET", date(2024, 3, 1), date(2024, 2, 1), 10_000)])


def test_derive_cp_without_phases_spreads_evenly_over_duration():
    # 1 200 000 € over Jul 2023–Jun 2024: 100 000 €/month → 600 000 € per year.
    o = op("a", 1_200 * K, date(2023, 7, 1), 12)
    assert derive_cp(o) == {2023: 600 * K, 2024: 600 * K}


def test_operation_cp_prefers_explicit_echeancier():
    o = op("a", 1_000 * K, date(2023, 1, 1), 24, cp={2023: 300 * K, 2024: 700 * K})
    assert operation_cp(o) == {2023: 300 * K, 2024: 700 * K}
    assert derive_cp(o) == {2023: 500 * K, 2024: 500 * K}


def test_spread_sum_equals_ap_random_cases():
    rng = random.Random(7)
    for _ in range(300):
        ap = rng.randint(0, 10**10)
        n_phases = rng.randint(1, 5)
        cuts = sorted(rng.sample(range(1, 10_000), n_phases - 1))
        shares = [b - a for a, b in zip([0, *cuts], [*cuts, 10_000], strict=True)]
        phases = []
        for code, share in zip(PhaseCode, shares, strict=False):
            start = date(rng.randint(2023, 2026), rng.randint(1, 12), rng.randint(1, 28))
            end = add_months(start, rng.randint(0, 30))
            phases.append(Phase(code, start, end, share))
        cp = spread_phases(ap, phases)
        assert sum(cp.values()) == ap
        # every year within one cent of its exact amount
        exact: dict[int, Fraction] = {}
        for p in phases:
            per_month = Fraction(ap * p.share_bp, 10_000 * p.months)
            for i in range(p.months):
                y = add_months(date(p.start.year, p.start.month, 1), i).year
                exact[y] = exact.get(y, Fraction(0)) + per_month
        for y, v in exact.items():
            assert abs(cp.get(y, 0) - v) < 1


# ------------------------------------------------------------------ shift


def test_shift_moves_start_and_phases_and_keeps_total():
    phases = (
        Phase("APS", date(2023, 11, 1), date(2024, 2, 29), 3000),
        Phase("DET", date(2024, 3, 1), date(2024, 5, 31), 7000),
    )
    o = op("a", 100_001, date(2023, 11, 1), 7, phases=phases)
    s = shift(o, 3)
    assert s.start == date(2024, 2, 1) and s.duration_months == 7 and s.end == date(2024, 8, 31)
    assert s.phases[0].start == date(2024, 2, 1) and s.phases[0].end == date(2024, 5, 29)
    assert s.phases[1].start == date(2024, 6, 1) and s.phases[1].end == date(2024, 8, 31)
    assert operation_cp(s) == {2024: 100_001}
    assert o.start == date(2023, 11, 1)  # the original is untouched


def test_shift_explicit_echeancier():
    o = op("a", 1_000 * K, date(2023, 1, 1), 24, cp={2023: 300 * K, 2024: 700 * K})
    assert operation_cp(shift(o, 12)) == {2024: 300 * K, 2025: 700 * K}
    # Moved 6 months: 2023's 300 000 € was 25 000 €/month over Jan–Dec 2023, 2024's 700 000 € 58 333.33 €/month.
    # New span Jul 2023–Jun 2025: 2023 = 6 × 25 000 = 150 000; 2024 = 6 × 25 000 + 6 × 58 333.33 = 500 000;
    # 2025 = 6 × 58 333.33 = 350 000.
    assert operation_cp(shift(o, 6)) == {2023: 150 * K, 2024: 500 * K, 2025: 350 * K}


# ------------------------------------------------------------------ check_programme


def test_check_programme_overflow_and_unbalanced_ap():
    caps = {2023: 1_000 * K, 2024: 500 * K}
    ops = [
        # 1 200 000 € Jul 2023–Jun 2024 → 600 000 € in 2023 and in 2024.
        op("A", 1_200 * K, date(2023, 7, 1), 12),
        # explicit échéancier sums to 800 000 € for an AP of 1 000 000 € → unbalanced by −200 000 €.
        op("B", 1_000 * K, date(2023, 1, 1), 24, cp={2023: 700 * K, 2024: 100 * K}),
        # 120 000 € in 2025, a year with no cap (= no money).
        op("C", 120 * K, date(2025, 1, 1), 12),
    ]
    chk = check_programme(caps, ops)
    # 2023: 600 000 + 700 000 = 1 300 000 asked, cap 1 000 000 → overflow 300 000
    # 2024: 600 000 + 100 000 = 700 000 asked, cap 500 000 → overflow 200 000
    # 2025: 120 000 asked, cap 0 → overflow 120 000
    assert [(y.year, y.asked_cents, y.cap_cents, y.overflow_cents) for y in chk.years] == [
        (2023, 1_300 * K, 1_000 * K, 300 * K),
        (2024, 700 * K, 500 * K, 200 * K),
        (2025, 120 * K, 0, 120 * K),
    ]
    assert chk.overflow_by_year == {2023: 300 * K, 2024: 200 * K, 2025: 120 * K}
    assert chk.total_overflow_cents == 620 * K
    a, b, c = chk.operations
    assert a.balanced and a.difference_cents == 0 and a.cp_total_cents == 1_200 * K
    assert not b.balanced and b.difference_cents == -200 * K and b.cp_total_cents == 800 * K
    assert chk.unbalanced == ("B",)
    assert not chk.ok


def test_check_programme_ok_when_within_caps_and_balanced():
    chk = check_programme({2023: 600 * K, 2024: 600 * K}, [op("A", 1_200 * K, date(2023, 7, 1), 12)])
    assert chk.ok and chk.overflow_by_year == {} and chk.unbalanced == ()


def test_check_programme_flags_cp_year_outside_span_and_bad_shares():
    o1 = op("X", 100 * K, date(2023, 1, 1), 12, cp={2023: 50 * K, 2031: 50 * K})
    o2 = op(
        "Y", 100 * K, date(2023, 1, 1), 12, phases=(Phase("DET", date(2023, 1, 1), date(2023, 6, 30), 9000),)
    )
    chk = check_programme({2023: 10**9}, [o1, o2])
    x, y = chk.operations
    assert x.issues == ("cp_by_year[2031]: CP year 2031 is outside the operation's span (2023 to 2023)",)
    assert "must sum to 100 %" in y.issues[0] and not y.balanced
    assert not chk.ok


# ------------------------------------------------------------------ propose_schedule


def test_cap_forces_exactly_one_shift():
    # Caps 2023: 1 000 000 €, 2024: 2 000 000 €.
    # A (priority 1) 600 000 € Jan–Dec 2023 → fits; 2023 remaining 400 000 €.
    # B (priority 2) 1 200 000 € Jul 2023–Jun 2024 = 100 000 €/month: at shift 0 it asks 600 000 € in 2023
    #   (overflow 200 000 €). With shift s, 2023 holds 6 − s months: (6 − s) × 100 000 ≤ 400 000 ⇒ s ≥ 2.
    #   s = 2 → Sep 2023–Aug 2024: 2023 = 400 000 €, 2024 = 800 000 € ≤ 2 000 000 €.
    caps = {2023: 1_000 * K, 2024: 2_000 * K}
    ops = [op("B", 1_200 * K, date(2023, 7, 1), 12, priority=2), op("A", 600 * K, date(2023, 1, 1), 12)]
    p = propose_schedule(caps, ops)
    a, b = scheduled(p, "A"), scheduled(p, "B")
    assert (a.shifted_months, a.start, a.reason) == (0, date(2023, 1, 1), "not moved")
    assert b.shifted_months == 2
    assert b.start == date(2023, 9, 1) and b.end == date(2024, 8, 31)
    assert b.cp_by_year == {2023: 400 * K, 2024: 800 * K}
    assert b.overflow_at_original == {2023: 200 * K}
    assert b.reason == "moved 2 months later: 2023 cap exceeded by 200\u202f000\u00a0€"
    # The app translates the code and its parameters; the English text above is the API's.
    assert (a.reason_code, a.reason_params) == (ReasonCode.NOT_MOVED, {"overflow": {}})
    assert (b.reason_code, b.reason_params) == (ReasonCode.MOVED, {"months": 2, "overflow": {2023: 200 * K}})
    assert p.cp_by_year == {2023: 1_000 * K, 2024: 800 * K}
    assert p.feasible and p.shortfall_by_year == {} and p.unplaced == ()
    assert p.shifted_count == 1
    assert [o.id for o in p.operations] == ["B", "A"]  # input order kept
    d = p.to_dict()
    assert d["operations"][0]["start"] == "2023-09-01" and d["operations"][0]["cp"] == {
        "2023": 400 * K,
        "2024": 800 * K,
    }
    assert d["feasible"] is True and "shortfall_by_year" not in d
    assert [(o["reason_code"], o["reason"]) for o in d["operations"]] == [("moved", b.reason), ("not_moved", "not moved")]


def test_fixed_operation_blocks_and_movable_moves_around_it():
    # Caps 1 000 000 € in 2023, 2024, 2025. F (fixed, lowest priority 5) takes all of 2024.
    # M (priority 1 but movable) 600 000 € Jul 2023–Jun 2024 (50 000 €/month): any position touching 2024
    # fails (2024 remaining 0); the first position entirely in 2025 is Jan 2025 → shift 18 months.
    # At its original start M would have asked 300 000 € in 2024 → "2024 cap exceeded by 300 000 €".
    caps = {2023: 1_000 * K, 2024: 1_000 * K, 2025: 1_000 * K}
    ops = [
        op("M", 600 * K, date(2023, 7, 1), 12, priority=1),
        op("F", 1_000 * K, date(2024, 1, 1), 12, 5, fixed=True),
    ]
    p = propose_schedule(caps, ops)
    f, m = scheduled(p, "F"), scheduled(p, "M")
    assert (f.shifted_months, f.start, f.reason) == (0, date(2024, 1, 1), "fixed: not moved")
    assert f.reason_code == ReasonCode.FIXED and m.reason_params["months"] == 18
    assert m.shifted_months == 18 and m.start == date(2025, 1, 1)
    assert m.cp_by_year == {2025: 600 * K}
    assert m.reason == "moved 18 months later: 2024 cap exceeded by 300\u202f000\u00a0€"
    assert p.cp_by_year == {2023: 0, 2024: 1_000 * K, 2025: 600 * K}
    assert p.feasible


def test_fixed_operation_never_moves_even_if_it_overflows():
    # F (fixed) 1 500 000 € over 2023 against a 1 000 000 € cap: stays; shortfall 2023 = 500 000 €.
    p = propose_schedule(
        {2023: 1_000 * K, 2024: 1_000 * K}, [op("F", 1_500 * K, date(2023, 1, 1), 12, fixed=True)]
    )
    f = scheduled(p, "F")
    assert f.shifted_months == 0 and f.start == date(2023, 1, 1) and f.placed
    assert f.reason == "fixed: not moved although 2023 cap exceeded by 500\u202f000\u00a0€"
    assert (f.reason_code, f.reason_params) == (ReasonCode.FIXED_OVER, {"overflow": {2023: 500 * K}})
    assert not p.feasible and p.shortfall_by_year == {2023: 500 * K} and p.unplaced == ()


def test_infeasible_programme_reports_shortfall_by_year():
    # Caps 2023: 1 000 000 €, 2024: 1 000 000 € (horizon end 2024 = last capped year).
    # A (prio 1) 1 200 000 € Jan–Dec 2024: cannot move (ends at the horizon) and asks 1.2 M > 1 M
    #   → unplaced, kept at its start; 2024 remaining = 1 000 000 − 1 200 000 = −200 000.
    # B (prio 2) 600 000 € Jan–Jun 2023 → fits; 2023 remaining 400 000.
    # C (prio 3) 600 000 € Jan–Jun 2023: all-2023 positions ask 600 000 > 400 000; any position touching
    #   2024 meets a negative remainder → unplaced, kept; 2023 remaining 400 000 − 600 000 = −200 000.
    # Shortfall = final overflow: 2023: 1 200 000 − 1 000 000 = 200 000; 2024: 200 000.
    caps = {2023: 1_000 * K, 2024: 1_000 * K}
    ops = [
        op("A", 1_200 * K, date(2024, 1, 1), 12, priority=1),
        op("B", 600 * K, date(2023, 1, 1), 6, priority=2),
        op("C", 600 * K, date(2023, 1, 1), 6, priority=3),
    ]
    p = propose_schedule(caps, ops)
    assert not p.feasible
    assert p.unplaced == ("A", "C")
    assert p.shortfall_by_year == {2023: 200 * K, 2024: 200 * K}
    assert p.cp_by_year == {2023: 1_200 * K, 2024: 1_200 * K}
    c = scheduled(p, "C")
    assert not c.placed and c.shifted_months == 0 and c.start == date(2023, 1, 1)
    assert c.reason == (
        "could not be placed by December 2024: kept at its original start; 2023 cap exceeded by 200\u202f000\u00a0€"
    )
    assert (c.reason_code, c.reason_params) == (ReasonCode.UNPLACED, {"year": 2024, "overflow": {2023: 200 * K}})
    assert scheduled(p, "A").overflow_at_original == {2024: 200 * K}
    assert scheduled(p, "B").placed and scheduled(p, "B").shifted_months == 0
    d = p.to_dict()
    assert d["shortfall_by_year"] == {"2023": 200 * K, "2024": 200 * K} and d["unplaced"] == ["A", "C"]
    # Raising each cap by its shortfall makes the programme fit.
    raised = {y: caps[y] + p.shortfall_by_year.get(y, 0) for y in caps}
    assert propose_schedule(raised, ops).feasible


def test_later_horizon_makes_it_feasible():
    # A alone (100 000 €/month over 2024), caps 2024: 1 000 000 €, 2025: 1 500 000 € (horizon 2025).
    # Shift 1: Feb 2024–Jan 2025 → 2024 = 11 × 100 000 = 1 100 000 > 1 000 000 → no.
    # Shift 2: Mar 2024–Feb 2025 → 2024 = 1 000 000, 2025 = 200 000 → fits.
    caps = {2024: 1_000 * K, 2025: 1_500 * K}
    p = propose_schedule(caps, [op("A", 1_200 * K, date(2024, 1, 1), 12)])
    assert p.feasible and p.horizon_end_year == 2025
    assert scheduled(p, "A").shifted_months == 2 and scheduled(p, "A").cp_by_year == {
        2024: 1_000 * K,
        2025: 200 * K,
    }
    # horizon_months bounds the shift: 1 month is not enough.
    p2 = propose_schedule(caps, [op("A", 1_200 * K, date(2024, 1, 1), 12)], horizon_months=1)
    assert not p2.feasible and p2.unplaced == ("A",) and p2.shortfall_by_year == {2024: 200 * K}
    # horizon_end_year 2024: the operation cannot move at all.
    p3 = propose_schedule(caps, [op("A", 1_200 * K, date(2024, 1, 1), 12)], horizon_end_year=2024)
    assert p3.unplaced == ("A",) and "by December 2024" in scheduled(p3, "A").reason


def test_priority_one_is_highest():
    # Both 1 000 000 € over 2023 against a 1 000 000 € cap. "low" (prio 2) starts earlier and is listed
    # first, but "high" (prio 1) keeps 2023; "low" moves 12 months (to Jan 2024), then fits.
    caps = {2023: 1_000 * K, 2024: 1_000 * K}
    ops = [
        op("low", 1_000 * K, date(2023, 1, 1), 12, priority=2),
        op("high", 1_000 * K, date(2023, 1, 1), 12, priority=1),
    ]
    p = propose_schedule(caps, ops)
    assert scheduled(p, "high").shifted_months == 0
    assert scheduled(p, "low").shifted_months == 12 and scheduled(p, "low").start == date(2024, 1, 1)


def test_tie_in_priority_broken_by_original_start_then_id():
    caps = {2023: 1_000 * K, 2024: 1_000 * K, 2025: 1_000 * K}
    # Same priority and start: id 1 before id 2, whatever the input order. Each takes a whole year.
    ops = [op(2, 1_000 * K, date(2023, 1, 1), 12), op(1, 1_000 * K, date(2023, 1, 1), 12)]
    p = propose_schedule(caps, ops)
    assert scheduled(p, 1).shifted_months == 0 and scheduled(p, 2).shifted_months == 12
    p_rev = propose_schedule(caps, list(reversed(ops)))
    assert scheduled(p_rev, 1).shifted_months == 0 and scheduled(p_rev, 2).shifted_months == 12
    assert p_rev.cp_by_year == p.cp_by_year
    # Same priority, different starts: the earlier start ("b", Jan 2023) goes first although "a" < "b".
    # b: 1 000 000 € Jan–Oct 2023 (100 000 €/month) fills 2023. a: Mar–Dec 2023 must move fully into 2024:
    # shift 10 → Jan–Oct 2024. (Tie-break by id would have kept "a" and moved "b" by 12.)
    ops2 = [
        op("a", 1_000 * K, date(2023, 3, 1), 10, priority=2),
        op("b", 1_000 * K, date(2023, 1, 1), 10, priority=2),
    ]
    p2 = propose_schedule(caps, ops2)
    assert scheduled(p2, "b").shifted_months == 0
    assert scheduled(p2, "a").shifted_months == 10 and scheduled(p2, "a").start == date(2024, 1, 1)


def test_result_is_deterministic_under_input_permutation():
    rng = random.Random(3)
    ops = [
        op(
            i,
            rng.randint(1, 500) * K,
            date(2023, rng.randint(1, 12), 1),
            rng.randint(3, 30),
            rng.randint(1, 3),
            fixed=rng.random() < 0.2,
        )
        for i in range(40)
    ]
    caps = {y: 3_000 * K for y in range(2023, 2031)}
    ref = {o.id: o.to_dict() for o in propose_schedule(caps, ops).operations}
    for _ in range(5):
        shuffled = ops[:]
        rng.shuffle(shuffled)
        got = {o.id: o.to_dict() for o in propose_schedule(caps, shuffled).operations}
        assert got == ref


def test_schedule_invariants_on_random_programmes():
    rng = random.Random(11)
    for trial in range(30):
        ops = []
        for i in range(25):
            start = date(2023, rng.randint(1, 12), 1)
            n = rng.randint(2, 30)
            phases = None
            if rng.random() < 0.5:
                mid = rng.randint(0, n - 1)
                phases = (
                    Phase("PRO", start, add_months(start, mid), 2500),
                    Phase("DET", add_months(start, mid), add_months(start, n - 1), 7500),
                )
            ops.append(op(i, rng.randint(0, 10**8), start, n, rng.randint(1, 4), rng.random() < 0.15, phases))
        caps = {y: rng.randint(1, 4) * 10**8 for y in range(2023, 2030)}
        p = propose_schedule(caps, ops)
        totals: dict[int, int] = {}
        for o, s in zip(ops, p.operations, strict=True):
            assert s.id == o.id and s.shifted_months >= 0
            if o.fixed:
                assert s.shifted_months == 0
            assert s.plan.duration_months == o.duration_months
            assert sum(s.cp_by_year.values()) == o.ap_cents
            assert s.cp_by_year == operation_cp(
                shift(o, s.shifted_months)
            )  # the scheduler's fast path agrees
            for y, c in s.cp_by_year.items():
                totals[y] = totals.get(y, 0) + c
        assert {y: c for y, c in p.cp_by_year.items() if c} == totals
        over = {y: c - p.caps_by_year[y] for y, c in p.cp_by_year.items() if c > p.caps_by_year[y]}
        assert p.shortfall_by_year == over
        assert p.feasible == (not over and not p.unplaced)
        # Greedy rule: in processing order (fixed, then priority / start / id), each placed movable operation
        # sits at the smallest shift that fits the capacity left by those placed before it.
        used = {y: 0 for y in p.cp_by_year}
        by_id = {s.id: s for s in p.operations}
        order = [o for o in ops if o.fixed] + sorted(
            (o for o in ops if not o.fixed), key=lambda o: (o.priority, o.start, o.id)
        )
        for o in order:
            s = by_id[o.id]
            if not o.fixed:

                def fits(cp, used=used, caps=caps):
                    return all(c <= caps.get(y, 0) - used.get(y, 0) for y, c in cp.items() if c)

                for earlier in range(s.shifted_months):
                    assert not fits(operation_cp(shift(o, earlier))), (trial, o.id, earlier)
                assert fits(s.cp_by_year) == s.placed
            for y, c in s.cp_by_year.items():
                used[y] = used.get(y, 0) + c


def test_schedule_input_errors():
    with pytest.raises(SchedulingError, match="used twice"):
        propose_schedule({}, [op("a", 1, date(2023, 1, 1), 1), op("a", 1, date(2023, 1, 1), 1)])
    with pytest.raises(SchedulingError, match="must not be negative"):
        propose_schedule({2023: -1}, [])
    with pytest.raises(SchedulingError, match="duration_months"):
        propose_schedule({2023: 1}, [op("a", 1, date(2023, 1, 1), 0)])


def test_phase_based_operation_is_scheduled_by_phase_profile():
    # AP 1 000 000 €: studies (APS) Oct–Dec 2023 10 %, works (DET) Jan–Mar 2024 90 %.
    # Caps 2023: 50 000 €, 2024: 1 000 000 €. At shift 0, 2023 asks 100 000 € > 50 000 €.
    # Shift 1: APS Nov 2023–Jan 2024 (2 months in 2023 = 2/3 × 100 000 = 66 666.67 €) > 50 000 → no.
    # Shift 2: APS Dec 2023–Feb 2024 → 2023 = 33 333.33 € ≤ 50 000; 2024 = 966 666.67 € ≤ 1 000 000 → yes.
    phases = (
        Phase("APS", date(2023, 10, 1), date(2023, 12, 31), 1000),
        Phase("DET", date(2024, 1, 1), date(2024, 3, 31), 9000),
    )
    p = propose_schedule(
        {2023: 50 * K, 2024: 1_000 * K}, [op("P", 1_000 * K, date(2023, 10, 1), 6, phases=phases)]
    )
    s = scheduled(p, "P")
    assert s.shifted_months == 2
    assert s.cp_by_year == {2023: 3_333_333, 2024: 96_666_667}
    assert s.plan.phases[1].start == date(2024, 3, 1) and s.plan.phases[1].end == date(2024, 5, 31)


# ------------------------------------------------------------------ scenarios


def _base():
    return ProgrammePlan(
        {2023: 1_000 * K, 2024: 2_000 * K},
        (op("A", 600 * K, date(2023, 1, 1), 12), op("B", 1_200 * K, date(2023, 7, 1), 12, priority=2)),
        label="base",
    )


def test_compare_scenarios_side_by_side():
    base = _base()
    # Base as planned: 2023 asks 600 000 + 600 000 = 1 200 000 € (overflow 200 000 €), 2024 asks 600 000 €.
    # Scenario: B moved 2 months → 2023: 600 000 + 400 000 = 1 000 000 €, 2024: 800 000 €; no overflow.
    scen = ProgrammePlan(base.caps_by_year, (base.operations[0], shift(base.operations[1], 2)), "B +2")
    cmp = compare_scenarios(base, scen)
    assert (cmp.label_a, cmp.label_b, cmp.ok_a, cmp.ok_b) == ("base", "B +2", False, True)
    y23, y24 = cmp.years
    assert (y23.year, y23.cap_a, y23.cp_a, y23.cp_b, y23.overflow_a, y23.overflow_b, y23.cp_delta) == (
        2023,
        1_000 * K,
        1_200 * K,
        1_000 * K,
        200 * K,
        0,
        -200 * K,
    )
    assert (y24.cp_a, y24.cp_b, y24.overflow_a, y24.overflow_b) == (600 * K, 800 * K, 0, 0)
    a, b = cmp.operations
    assert a.shift_months == 0 and not a.changed
    assert b.shift_months == 2 and b.end_a == date(2024, 6, 30) and b.end_b == date(2024, 8, 31) and b.changed
    # Operations only in one scenario.
    extra = ProgrammePlan(base.caps_by_year, (*base.operations[1:], op("N", 1 * K, date(2024, 1, 1), 1)))
    cmp3 = compare_scenarios(base, extra)
    assert [(o.id, o.start_a, o.start_b) for o in cmp3.operations if None in (o.start_a, o.start_b)] == [
        ("A", date(2023, 1, 1), None),
        ("N", None, date(2024, 1, 1)),
    ]


def test_compare_scenarios_caps_change():
    base = _base()
    cmp = compare_scenarios(base, ProgrammePlan({**base.caps_by_year, 2023: 1_200 * K}, base.operations))
    assert (cmp.years[0].cap_a, cmp.years[0].cap_b) == (1_000 * K, 1_200 * K)
    assert cmp.years[0].overflow_b == 0 and cmp.ok_b


# ------------------------------------------------------------------ 2023 programme (source facts)


def test_2023_programme_envelope_of_12_5_million():
    # Source: press release of 6 June 2023: 12.5 M€ voted for works in medico-social buildings in 2023.
    # The split between operations is NOT in the source: amounts below are illustrative test data.
    cap_2023 = 12_500_000 * E
    assert format_money(cap_2023) == "12\u202f500\u202f000\u00a0€"
    assert format_money(cap_2023, "en") == "€12,500,000"
    ops = [
        op(
            "ime-villeneuve",
            6_000 * K,
            date(2023, 1, 1),
            12,
            1,
            fixed=True,
            label="IME Villeneuve-la-Garenne works",
        ),
        op(
            "avenir-nanterre", 1_200 * K, date(2023, 1, 1), 12, 2, label="Maison de l'Avenir Nanterre studies"
        ),
        op("ase-rueil", 800 * K, date(2023, 1, 1), 12, 2, label="ASE foyer Rueil-Malmaison studies"),
        op(
            "poles-sociaux",
            6_000 * K,
            date(2023, 1, 1),
            12,
            3,
            label="Social hubs Issy, Antony, Clichy, Bagneux",
        ),
    ]
    # Asked in 2023: 6 + 1.2 + 0.8 + 6 = 14 M€ against 12.5 M€ → overflow 1.5 M€.
    chk = check_programme({2023: cap_2023, 2024: cap_2023}, ops)
    assert chk.overflow_by_year == {2023: 1_500_000 * E}
    # Proposal: 2023 remaining after the first three = 12.5 − 8 = 4.5 M€; the social hubs (500 000 €/month)
    # fit with 9 months in 2023 (4.5 M€) → shift 3 months: Apr 2023–Mar 2024, 2024 = 1.5 M€.
    p = propose_schedule({2023: cap_2023, 2024: cap_2023}, ops)
    hubs = scheduled(p, "poles-sociaux")
    assert hubs.shifted_months == 3 and hubs.cp_by_year == {2023: 4_500_000 * E, 2024: 1_500_000 * E}
    assert hubs.reason == "moved 3 months later: 2023 cap exceeded by 1\u202f500\u202f000\u00a0€"
    assert p.feasible and p.cp_by_year == {2023: cap_2023, 2024: 1_500_000 * E}


# ------------------------------------------------------------------ no web framework


def test_works_modules_do_not_import_flask_or_sqlalchemy():
    pkg = Path(__file__).resolve().parents[2] / "facilities" / "works"
    paths = [pkg / "__init__.py", *sorted((pkg / "scheduling").glob("*.py"))]
    assert len(paths) > 4
    for path in paths:
        name = path.name
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # The package's init_app imports the web layer when the app is wired, never when the package loads.
        nodes = tree.body if path == pkg / "__init__.py" else ast.walk(tree)
        for node in nodes:
            if isinstance(node, ast.Import):
                roots = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]} if node.level == 0 else set()
            else:
                continue
            if isinstance(node, ast.ImportFrom) and node.module == "facilities.formatting":
                continue  # the one money display (Babel only), checked below to load no web framework
            assert not roots & {"flask", "sqlalchemy", "flask_sqlalchemy", "facilities"}, (name, roots)


def test_scheduling_core_loads_without_flask_or_sqlalchemy():
    code = (
        "import sys, pkgutil, importlib, facilities.works.scheduling as s; "
        "[importlib.import_module(m.name) for m in pkgutil.iter_modules(s.__path__, s.__name__ + '.')]; "
        "bad = {'flask', 'sqlalchemy', 'flask_sqlalchemy', 'flask_babel'} & set(sys.modules); "
        "print(sorted(bad)); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_cent_over_the_cap_matters():
    # Cap 2023: 1 000 000,00 €. A movable operation of 100 000 001 cents over 2023 does not fit by one cent.
    # Shift 1 (Feb 2023–Jan 2024): exact 2023 = 11/12 × 100 000 001 = 91 666 667.58 c, 2024 = 8 333 333.42 c;
    # floors 91 666 667 + 8 333 333, the cent left goes to 2023 (.58 > .42) → fits the caps.
    # An operation of exactly 1 000 000,00 € fits without moving.
    caps = {2023: 1_000 * K, 2024: 2_000 * K}
    p = propose_schedule(caps, [op("A", 1_000 * K + 1, date(2023, 1, 1), 12)])
    assert scheduled(p, "A").shifted_months == 1
    assert scheduled(p, "A").cp_by_year == {2023: 91_666_668, 2024: 8_333_333}
    assert scheduled(p, "A").reason == "moved 1 month later: 2023 cap exceeded by 0,01\u00a0€"
    assert (
        scheduled(propose_schedule(caps, [op("A", 1_000 * K, date(2023, 1, 1), 12)]), "A").shifted_months == 0
    )
    # A fixed one a cent over: shortfall of exactly one cent.
    p = propose_schedule(caps, [op("F", 1_000 * K + 1, date(2023, 1, 1), 12, fixed=True)])
    assert not p.feasible and p.shortfall_by_year == {2023: 1}
    assert check_programme(caps, [op("F", 1_000 * K + 1, date(2023, 1, 1), 12)]).overflow_by_year == {2023: 1}
