"""Multi-year works scheduling: AP/CP échéanciers, programme checks and capacity-fitting schedules.

Pure functions over frozen dataclasses; no Flask, no SQLAlchemy, no float. See
``/work/shared/reference/domain-rules.md`` §3 (AP/CP) and §4 (public-works phases).

Conventions (all documented choices, tested in ``tests/works``):

* **Money** is integer cents (``int``). ``format_eur`` lives in :mod:`facilities.works.money`.
* **Months** are calendar months. A phase covering part of a month counts that whole month
  (a phase from 15 March to 2 May covers March, April and May: 3 months).
* **Spreading** (:func:`spread_phases`): each phase's cost (share × AP) is spread evenly over its
  months; the exact (rational) amounts are summed by year and rounded to the cent by the
  *largest-remainder* method: every year gets the floor of its exact amount, then the cents still
  missing go one each to the years with the largest fractional remainders, ties to the earlier year.
  Hence the CP sum equals the AP exactly, each year is within one cent of its exact amount, and the
  result is deterministic. Years with a zero amount are omitted from the dict.
* **Shares** are integer basis points (``share_bp``; 10 000 bp = 100 %) and must sum to 10 000.
* **Priority**: a positive integer, **1 = highest** priority (placed first, keeps the earlier start).
* **Tie-break**: movable operations are placed in the order (priority, original start, id); ids are
  compared as integers when both are ints, otherwise integers come before strings.
* **A year without a cap has no money** (cap 0).
* **Shortfall** (:func:`propose_schedule`): an operation that fits at no shift within the horizon
  stays at its original start and still takes its CP (so lower-priority operations plan around it);
  ``shortfall_by_year[y]`` is then the overflow of the proposed schedule in year ``y``
  (CP of the proposal − cap, when positive). Raising each year's cap by its shortfall makes the
  proposed schedule fit; it is a sufficient amount for this schedule, not a proven minimum.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from .money import format_eur, parse_cents

__all__ = [
    "BP_TOTAL",
    "OperationCheck",
    "OperationComparison",
    "OperationPlan",
    "Phase",
    "PhaseCode",
    "ProgrammeCheck",
    "ProgrammePlan",
    "ReasonCode",
    "ScenarioComparison",
    "ScheduleProposal",
    "ScheduledOperation",
    "SchedulingError",
    "ValidationError",
    "YearCheck",
    "YearComparison",
    "add_months",
    "apply_changes",
    "caps_from_input",
    "check_programme",
    "compare_scenarios",
    "copy_programme",
    "derive_cp",
    "month_date",
    "month_index",
    "month_span",
    "months_by_year",
    "operation_cp",
    "operation_from_input",
    "propose_schedule",
    "reason_english",
    "shift",
    "spread_evenly",
    "spread_phases",
    "validate_caps_input",
    "validate_operation_input",
    "validate_plan",
]

BP_TOTAL = 10_000  # basis points in 100 %


class SchedulingError(ValueError):
    """Invalid data given to a scheduling function (English message)."""


class ValidationError(ValueError):
    """User input errors, as a mapping field → English message (for the API / forms)."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


# --------------------------------------------------------------------------------------------
# Phases
# --------------------------------------------------------------------------------------------


class PhaseCode(StrEnum):
    """Loi MOP phases (Code de la commande publique R2431-1 ff.)."""

    DIAG = "DIAG"
    ESQ = "ESQ"
    APS = "APS"
    APD = "APD"
    PRO = "PRO"
    ACT = "ACT"
    VISA = "VISA"
    DET = "DET"
    AOR = "AOR"

    @property
    def label(self) -> str:
        return PHASE_LABELS[self]


PHASE_LABELS: dict[PhaseCode, str] = {
    PhaseCode.DIAG: "Diagnostic (renovation)",
    PhaseCode.ESQ: "Esquisse (sketch, new build)",
    PhaseCode.APS: "Avant-projet sommaire (preliminary design)",
    PhaseCode.APD: "Avant-projet définitif (final design)",
    PhaseCode.PRO: "Projet (detailed design)",
    PhaseCode.ACT: "Assistance aux contrats de travaux (tender and award)",
    PhaseCode.VISA: "Visa des études d'exécution (review of execution drawings)",
    PhaseCode.DET: "Direction de l'exécution des travaux (works)",
    PhaseCode.AOR: "Assistance aux opérations de réception (acceptance)",
}


# --------------------------------------------------------------------------------------------
# Month arithmetic
# --------------------------------------------------------------------------------------------


def month_index(d: date) -> int:
    """Absolute month number (year × 12 + month − 1); the day is ignored."""
    return d.year * 12 + d.month - 1


def month_date(index: int) -> date:
    """First day of the month with absolute number ``index``."""
    return date(index // 12, index % 12 + 1, 1)


def _month_end_date(index: int) -> date:
    y, m = index // 12, index % 12 + 1
    return date(y, m, calendar.monthrange(y, m)[1])


def add_months(d: date, months: int) -> date:
    """``d`` moved by whole months; the day is clamped to the end of the target month."""
    idx = month_index(d) + months
    y, m = idx // 12, idx % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def month_span(start: date, end: date) -> int:
    """Number of calendar months touched by ``[start, end]`` (partial months count).

    ``month_span(date(2023, 3, 15), date(2023, 5, 2)) == 3``. Raises if ``end < start``.
    """
    if end < start:
        raise SchedulingError(f"end {end.isoformat()} is before start {start.isoformat()}")
    return month_index(end) - month_index(start) + 1


def months_by_year(start: date, end: date) -> dict[int, int]:
    """Calendar months of ``[start, end]`` counted per year."""
    first, last = month_index(start), month_index(start) + month_span(start, end) - 1
    out: dict[int, int] = {}
    for y in range(first // 12, last // 12 + 1):
        out[y] = min(last, y * 12 + 11) - max(first, y * 12) + 1
    return out


# --------------------------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Phase:
    """A public-works phase with planned dates and its share of the cost in basis points."""

    code: PhaseCode
    start: date
    end: date
    share_bp: int

    def __post_init__(self) -> None:
        if not isinstance(self.code, PhaseCode):
            object.__setattr__(self, "code", PhaseCode(str(self.code).upper()))

    @classmethod
    def of_share(cls, code: PhaseCode | str, start: date, end: date, share: Decimal | str) -> Phase:
        """Build from a fraction (``Decimal("0.25")`` = 25 %); must be a whole number of basis points."""
        bp = Decimal(share) * BP_TOTAL
        if bp != bp.to_integral_value():
            raise SchedulingError(f"share {share} is not a whole number of basis points")
        return cls(PhaseCode(code), start, end, int(bp))

    @property
    def share(self) -> Decimal:
        return Decimal(self.share_bp) / BP_TOTAL

    @property
    def months(self) -> int:
        return month_span(self.start, self.end)

    @property
    def label(self) -> str:
        return self.code.label


@dataclass(frozen=True)
class OperationPlan:
    """An operation as the scheduler sees it.

    ``start`` is the first day of the first month; the operation covers ``duration_months`` calendar
    months. ``priority``: 1 = highest. ``fixed``: committed, never moved. ``phases``: optional; the
    échéancier is derived from them. ``cp_by_year``: optional explicit (voted) échéancier in cents;
    when given it is the operation's CP (and, when moved, it is re-spread month by month: each year's
    amount evenly over the operation's months in that year).
    """

    id: int | str
    label: str
    ap_cents: int
    start: date
    duration_months: int
    priority: int = 1
    fixed: bool = False
    phases: tuple[Phase, ...] | None = None
    cp_by_year: Mapping[int, int] | None = None

    def __post_init__(self) -> None:
        if self.phases is not None and not isinstance(self.phases, tuple):
            object.__setattr__(self, "phases", tuple(self.phases))
        if self.cp_by_year is not None:
            object.__setattr__(self, "cp_by_year", dict(self.cp_by_year))

    __hash__ = None  # type: ignore[assignment]  # holds a dict

    @property
    def start_month(self) -> int:
        return month_index(self.start)

    @property
    def end_month(self) -> int:
        """Absolute number of the last month (inclusive)."""
        return month_index(self.start) + self.duration_months - 1

    @property
    def end(self) -> date:
        """Last day of the last month."""
        return _month_end_date(self.end_month)

    @property
    def years(self) -> range:
        return range(self.start.year, self.end_month // 12 + 1)


@dataclass(frozen=True)
class ProgrammePlan:
    """Operations of one envelope and the envelope's CP caps per year (cents; missing year = 0)."""

    caps_by_year: Mapping[int, int]
    operations: tuple[OperationPlan, ...]
    label: str = ""
    envelope_id: int | str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "caps_by_year", dict(self.caps_by_year))
        object.__setattr__(self, "operations", tuple(self.operations))

    __hash__ = None  # type: ignore[assignment]

    def operation(self, op_id: int | str) -> OperationPlan:
        for op in self.operations:
            if op.id == op_id:
                return op
        raise SchedulingError(f"unknown operation {op_id!r}")

    def check(self) -> ProgrammeCheck:
        return check_programme(self.caps_by_year, self.operations)

    def propose(self, **kwargs: Any) -> ScheduleProposal:
        return propose_schedule(self.caps_by_year, self.operations, **kwargs)


# --------------------------------------------------------------------------------------------
# Monthly profiles and exact spreading
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Profile:
    """Exact monthly amounts ``weights[i] / denom`` cents for the i-th month from ``first_month``."""

    first_month: int
    weights: tuple[int, ...]
    denom: int
    total: int  # cents; sum(weights) == total * denom

    def prefix(self) -> list[int]:
        acc = [0]
        s = 0
        for w in self.weights:
            s += w
            acc.append(s)
        return acc


def _check_shares(phases: Sequence[Phase]) -> None:
    for p in phases:
        if isinstance(p.share_bp, bool) or not isinstance(p.share_bp, int) or not 0 <= p.share_bp <= BP_TOTAL:
            raise SchedulingError(
                f"phase {p.code}: share must be a whole number of basis points in 0..10 000"
            )
        if p.end < p.start:
            raise SchedulingError(f"phase {p.code} ends ({p.end}) before it starts ({p.start})")
    total = sum(p.share_bp for p in phases)
    if total != BP_TOTAL:
        raise SchedulingError(
            f"phase shares must sum to 100 % (10 000 basis points), got {_fmt_bp(total)} ({total} bp)"
        )


def _fmt_bp(bp: int) -> str:
    return f"{Decimal(bp) / 100:f}".rstrip("0").rstrip(".") + " %"


def _check_amount(cents: Any, what: str) -> None:
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise SchedulingError(f"{what} must be integer cents")
    if cents < 0:
        raise SchedulingError(f"{what} must not be negative")


def _phases_profile(ap_cents: int, phases: Sequence[Phase], first_month: int, n_months: int) -> _Profile:
    _check_shares(phases)
    lcm = 1
    for p in phases:
        lcm = math.lcm(lcm, p.months)
    weights = [0] * n_months
    for p in phases:
        if p.share_bp == 0:
            continue
        per_month = ap_cents * p.share_bp * (lcm // p.months)
        off = month_index(p.start) - first_month
        for i in range(off, off + p.months):
            if not 0 <= i < n_months:
                raise SchedulingError(f"phase {p.code} lies outside the operation")
            weights[i] += per_month
    return _Profile(first_month, tuple(weights), BP_TOTAL * lcm, ap_cents)


def _explicit_profile(op: OperationPlan) -> _Profile:
    first = op.start_month
    n = op.duration_months
    span = months_by_year(month_date(first), month_date(first + n - 1))
    lcm = 1
    for y, amount in op.cp_by_year.items():
        _check_amount(amount, f"CP {y}")
        if y not in span:
            raise SchedulingError(
                f"operation {op.id!r}: CP year {y} is outside the operation's span "
                f"({op.years.start} to {op.years.stop - 1})"
            )
        if amount:
            lcm = math.lcm(lcm, span[y])
    weights = [0] * n
    for i in range(n):
        y = (first + i) // 12
        amount = op.cp_by_year.get(y, 0)
        if amount:
            weights[i] = amount * (lcm // span[y])
    return _Profile(first, tuple(weights), lcm, sum(op.cp_by_year.values()))


def _derived_profile(op: OperationPlan) -> _Profile:
    _check_amount(op.ap_cents, f"operation {op.id!r}: AP")
    if (
        isinstance(op.duration_months, bool)
        or not isinstance(op.duration_months, int)
        or op.duration_months <= 0
    ):
        raise SchedulingError(f"operation {op.id!r}: duration must be a positive whole number of months")
    if op.phases:
        return _phases_profile(op.ap_cents, op.phases, op.start_month, op.duration_months)
    return _Profile(op.start_month, (op.ap_cents,) * op.duration_months, op.duration_months, op.ap_cents)


def _profile(op: OperationPlan) -> _Profile:
    if op.cp_by_year is not None:
        return _explicit_profile(op)
    return _derived_profile(op)


def _round_years(prefix: Sequence[int], denom: int, total: int, first_month: int) -> list[tuple[int, int]]:
    """Largest-remainder rounding of the exact per-year sums when the profile starts at ``first_month``.

    Returns ``[(year, cents), ...]`` in year order, zero years omitted.
    """
    n = len(prefix) - 1
    year = first_month // 12
    cut = min(n, 12 - first_month % 12)
    lo = 0
    floors: list[list[int]] = []  # [year, floor]
    rems: list[tuple[int, int]] = []  # (-remainder, position) → largest first, then earlier year
    assigned = 0
    while lo < n:
        q, r = divmod(prefix[cut] - prefix[lo], denom)
        if r:
            rems.append((-r, len(floors)))
        floors.append([year, q])
        assigned += q
        lo, cut, year = cut, min(n, cut + 12), year + 1
    left = total - assigned
    if left:
        rems.sort()
        for _, pos in rems[:left]:
            floors[pos][1] += 1
    return [(y, c) for y, c in floors if c]


def spread_phases(ap_cents: int, phases: Sequence[Phase]) -> dict[int, int]:
    """CP by year derived from phases: each phase's share of ``ap_cents`` evenly over its months.

    Exact to the cent (sum == ``ap_cents``), largest-remainder rounding per year, ties to the earlier
    year. Raises :class:`SchedulingError` if shares do not sum to 10 000 bp or a phase ends before it
    starts.
    """
    _check_amount(ap_cents, "AP")
    phases = tuple(phases)
    if not phases:
        raise SchedulingError("at least one phase is needed")
    _check_shares(phases)
    first = min(month_index(p.start) for p in phases)
    last = max(month_index(p.end) for p in phases)
    prof = _phases_profile(ap_cents, phases, first, last - first + 1)
    return dict(_round_years(prof.prefix(), prof.denom, prof.total, first))


def spread_evenly(ap_cents: int, start: date, duration_months: int) -> dict[int, int]:
    """CP by year for ``ap_cents`` spread evenly over ``duration_months`` months from ``start``."""
    op = OperationPlan("_", "", ap_cents, start, duration_months)
    prof = _derived_profile(op)
    return dict(_round_years(prof.prefix(), prof.denom, prof.total, prof.first_month))


def derive_cp(op: OperationPlan) -> dict[int, int]:
    """Échéancier derived from the phases (or evenly over the duration), ignoring ``op.cp_by_year``."""
    prof = _derived_profile(op)
    return dict(_round_years(prof.prefix(), prof.denom, prof.total, prof.first_month))


def operation_cp(op: OperationPlan) -> dict[int, int]:
    """The operation's CP by year: its explicit échéancier if given, else :func:`derive_cp`."""
    if op.cp_by_year is not None:
        return {y: c for y, c in sorted(op.cp_by_year.items()) if c}
    return derive_cp(op)


def shift(plan: OperationPlan, months: int) -> OperationPlan:
    """The operation moved by whole ``months`` (negative = earlier): start and phases move, duration
    and total are kept. An explicit échéancier is re-spread over the new months (a move by a multiple
    of 12 months just relabels the years)."""
    if isinstance(months, bool) or not isinstance(months, int):
        raise SchedulingError("shift must be a whole number of months")
    if months == 0:
        return plan
    phases = None
    if plan.phases is not None:
        phases = tuple(
            replace(p, start=add_months(p.start, months), end=add_months(p.end, months)) for p in plan.phases
        )
    cp = None
    if plan.cp_by_year is not None:
        prof = _explicit_profile(plan)
        cp = dict(_round_years(prof.prefix(), prof.denom, prof.total, prof.first_month + months))
    return replace(plan, start=month_date(plan.start_month + months), phases=phases, cp_by_year=cp)


# --------------------------------------------------------------------------------------------
# Plan validation (built dataclasses)
# --------------------------------------------------------------------------------------------


def _ym(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def validate_plan(op: OperationPlan) -> dict[str, str]:
    """Structural errors of a built :class:`OperationPlan`, as field → English message."""
    errors: dict[str, str] = {}
    if isinstance(op.ap_cents, bool) or not isinstance(op.ap_cents, int):
        errors["ap_cents"] = "must be a whole number of cents"
    elif op.ap_cents < 0:
        errors["ap_cents"] = "must not be negative"
    if not isinstance(op.start, date):
        errors["start"] = "must be a date (YYYY-MM-DD)"
    elif op.start.day != 1:
        errors["start"] = "must be the first day of a month"
    if (
        isinstance(op.duration_months, bool)
        or not isinstance(op.duration_months, int)
        or op.duration_months <= 0
    ):
        errors["duration_months"] = "must be a positive whole number of months"
    if isinstance(op.priority, bool) or not isinstance(op.priority, int) or op.priority < 1:
        errors["priority"] = "must be a positive integer (1 = highest)"
    if not isinstance(op.fixed, bool):
        errors["fixed"] = "must be true or false"
    if errors.keys() & {"start", "duration_months"}:
        return errors
    first, last = op.start_month, op.end_month
    if op.phases is not None:
        if not op.phases:
            errors["phases"] = "give at least one phase, or none at all"
        for i, p in enumerate(op.phases):
            if (
                isinstance(p.share_bp, bool)
                or not isinstance(p.share_bp, int)
                or not 0 <= p.share_bp <= BP_TOTAL
            ):
                errors[f"phases[{i}].share_bp"] = (
                    "must be a whole number of basis points between 0 and 10 000"
                )
            if p.end < p.start:
                errors[f"phases[{i}].end"] = (
                    f"phase {p.code} ends ({p.end.isoformat()}) before it starts ({p.start.isoformat()})"
                )
                continue
            if month_index(p.start) < first or month_index(p.end) > last:
                key = f"phases[{i}].start" if month_index(p.start) < first else f"phases[{i}].end"
                errors[key] = (
                    f"phase {p.code} ({_ym(p.start)} to {_ym(p.end)}) lies outside the operation "
                    f"({_ym(op.start)} to {_ym(month_date(last))})"
                )
        if op.phases and not any(k.endswith("share_bp") for k in errors):
            total = sum(p.share_bp for p in op.phases)
            if total != BP_TOTAL:
                errors["phases"] = (
                    f"phase shares must sum to 100 % (10 000 basis points), got {_fmt_bp(total)} ({total} bp)"
                )
    if op.cp_by_year is not None:
        for y, amount in sorted(op.cp_by_year.items()):
            if not first // 12 <= y <= last // 12:
                errors[f"cp_by_year[{y}]"] = (
                    f"CP year {y} is outside the operation's span ({first // 12} to {last // 12})"
                )
            elif isinstance(amount, bool) or not isinstance(amount, int):
                errors[f"cp_by_year[{y}]"] = "must be a whole number of cents"
            elif amount < 0:
                errors[f"cp_by_year[{y}]"] = "must not be negative"
    return errors


def _require_valid(ops: Sequence[OperationPlan]) -> None:
    seen: set = set()
    for op in ops:
        if op.id in seen:
            raise SchedulingError(f"operation id {op.id!r} is used twice")
        seen.add(op.id)
        errs = validate_plan(op)
        if errs:
            raise SchedulingError(f"operation {op.id!r}: " + "; ".join(f"{k}: {v}" for k, v in errs.items()))


def _require_caps(caps: Mapping[int, int]) -> None:
    for y, c in caps.items():
        if isinstance(y, bool) or not isinstance(y, int):
            raise SchedulingError(f"cap year {y!r} must be an integer")
        _check_amount(c, f"cap {y}")


# --------------------------------------------------------------------------------------------
# Programme check
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class YearCheck:
    year: int
    asked_cents: int
    cap_cents: int
    overflow_cents: int  # max(0, asked − cap)


@dataclass(frozen=True)
class OperationCheck:
    id: int | str
    label: str
    ap_cents: int
    cp_total_cents: int
    difference_cents: int  # sum of CP − AP
    balanced: bool  # sum of CP == AP (the AP/CP invariant); False → cannot be voted
    cp_by_year: dict[int, int]
    issues: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProgrammeCheck:
    years: tuple[YearCheck, ...]
    operations: tuple[OperationCheck, ...]

    @property
    def overflow_by_year(self) -> dict[int, int]:
        return {y.year: y.overflow_cents for y in self.years if y.overflow_cents}

    @property
    def total_overflow_cents(self) -> int:
        return sum(y.overflow_cents for y in self.years)

    @property
    def unbalanced(self) -> tuple[int | str, ...]:
        return tuple(o.id for o in self.operations if not o.balanced or o.issues)

    @property
    def ok(self) -> bool:
        return not self.total_overflow_cents and not self.unbalanced

    def year(self, year: int) -> YearCheck:
        for y in self.years:
            if y.year == year:
                return y
        return YearCheck(year, 0, 0, 0)


def check_programme(caps_by_year: Mapping[int, int], operations: Iterable[OperationPlan]) -> ProgrammeCheck:
    """Per year: CP asked vs cap and overflow; per operation: AP vs the sum of its CP.

    Years reported: every year with a cap or with CP asked, in order. An operation whose échéancier
    cannot be computed (e.g. shares not summing to 100 %) gets an issue and counts no CP.
    """
    _require_caps(caps_by_year)
    asked: dict[int, int] = {}
    op_checks = []
    for op in operations:
        issues: list[str] = []
        errs = validate_plan(op)
        issues.extend(f"{k}: {v}" for k, v in errs.items())
        try:
            cp = operation_cp(op)
        except SchedulingError as exc:
            cp = {}
            if not errs:
                issues.append(str(exc))
        for y, c in cp.items():
            asked[y] = asked.get(y, 0) + c
        total = sum(cp.values())
        ap = op.ap_cents if isinstance(op.ap_cents, int) else 0
        op_checks.append(
            OperationCheck(op.id, op.label, ap, total, total - ap, total == ap, cp, tuple(issues))
        )
    years = sorted(set(asked) | set(caps_by_year))
    year_checks = tuple(
        YearCheck(
            y, asked.get(y, 0), caps_by_year.get(y, 0), max(0, asked.get(y, 0) - caps_by_year.get(y, 0))
        )
        for y in years
    )
    return ProgrammeCheck(year_checks, tuple(op_checks))


# --------------------------------------------------------------------------------------------
# Schedule proposal
# --------------------------------------------------------------------------------------------


class ReasonCode(StrEnum):
    """Why an operation is where the proposal puts it. The app translates the code with its parameters
    (``ScheduledOperation.reason_params``); :func:`reason_english` gives the English text of the API."""

    FIXED = "fixed"  # fixed: not moved
    FIXED_OVER = "fixed_over"  # fixed: not moved although the caps are exceeded ({overflow})
    NOT_MOVED = "not_moved"  # movable, fits where it is
    MOVED = "moved"  # moved {months} later; {overflow} had it stayed
    UNPLACED = "unplaced"  # fits nowhere by December {year}: kept at its original start; {overflow}


def reason_english(code: ReasonCode | str, params: Mapping[str, Any], locale: str = "fr") -> str:
    """The English text of a reason, amounts formatted for ``locale``: "moved 3 months later: 2023 cap
    exceeded by 1 500 000 €". ``params``: ``months`` (MOVED), ``year`` (UNPLACED), ``overflow`` (year → cents)."""
    code = ReasonCode(code)
    overflow = _overflow_text(params.get("overflow") or {}, locale)
    if code is ReasonCode.FIXED:
        return "fixed: not moved"
    if code is ReasonCode.FIXED_OVER:
        return f"fixed: not moved although {overflow}"
    if code is ReasonCode.NOT_MOVED:
        return "not moved"
    if code is ReasonCode.MOVED:
        return f"moved {_months_text(params['months'])} later: {overflow}"
    return f"could not be placed by December {params['year']}: kept at its original start; {overflow}"


@dataclass(frozen=True)
class ScheduledOperation:
    id: int | str
    label: str
    fixed: bool
    priority: int
    original_start: date
    start: date
    end: date
    shifted_months: int
    cp_by_year: dict[int, int]
    placed: bool  # False: fits at no shift within the horizon (kept at its original start)
    reason_code: ReasonCode  # why it is there; the app translates it with reason_params
    reason_params: dict[str, Any]  # months (MOVED), year (UNPLACED), overflow (year → cents; all codes)
    overflow_at_original: dict[int, int]  # year → overflow had it stayed at its original start
    plan: OperationPlan  # the (possibly shifted) operation

    @property
    def reason(self) -> str:
        """English, e.g. "moved 3 months later: 2023 cap exceeded by 1 200 000 €" (the API's ``reason``)."""
        return reason_english(self.reason_code, self.reason_params)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "fixed": self.fixed,
            "priority": self.priority,
            "original_start": self.original_start.isoformat(),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "shifted_months": self.shifted_months,
            "cp": {str(y): c for y, c in self.cp_by_year.items()},
            "placed": self.placed,
            "reason": self.reason,
            "reason_code": str(self.reason_code),
            "overflow_at_original": {str(y): c for y, c in self.overflow_at_original.items()},
        }


@dataclass(frozen=True)
class ScheduleProposal:
    operations: tuple[ScheduledOperation, ...]  # in input order
    cp_by_year: dict[int, int]  # every year from the first to the last considered (0 included)
    caps_by_year: dict[int, int]  # same years; 0 where there is no cap
    feasible: bool
    shortfall_by_year: dict[int, int]  # years with overflow only; {} when feasible
    unplaced: tuple[int | str, ...]
    horizon_end_year: int

    @property
    def shifted_count(self) -> int:
        return sum(1 for o in self.operations if o.shifted_months)

    def operation(self, op_id: int | str) -> ScheduledOperation:
        for o in self.operations:
            if o.id == op_id:
                return o
        raise KeyError(op_id)

    def as_programme(self, label: str = "proposed") -> ProgrammePlan:
        return ProgrammePlan(
            {y: c for y, c in self.caps_by_year.items() if c}, tuple(o.plan for o in self.operations), label
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (years as strings) for ``POST /api/v1/envelopes/<id>/schedule``."""
        out = {
            "operations": [o.to_dict() for o in self.operations],
            "cp_by_year": {str(y): c for y, c in self.cp_by_year.items()},
            "caps_by_year": {str(y): c for y, c in self.caps_by_year.items()},
            "feasible": self.feasible,
            "horizon_end_year": self.horizon_end_year,
        }
        if not self.feasible:
            out["shortfall_by_year"] = {str(y): c for y, c in self.shortfall_by_year.items()}
            out["unplaced"] = list(self.unplaced)
        return out


def _id_key(op_id: int | str) -> tuple:
    return (0, op_id, "") if isinstance(op_id, int) and not isinstance(op_id, bool) else (1, 0, str(op_id))


def _overflow_text(overflow: Mapping[int, int], locale: str = "fr") -> str:
    return ", ".join(f"{y} cap exceeded by {format_eur(c, locale)}" for y, c in sorted(overflow.items()))


def _months_text(n: int) -> str:
    return f"{n} month" if n == 1 else f"{n} months"


class _Placer:
    """One operation's monthly profile and its CP-by-year patterns for shifts 0..11 (computed lazily)."""

    __slots__ = ("prefix", "denom", "total", "first", "patterns")

    def __init__(self, prof: _Profile):
        self.prefix = prof.prefix()
        self.denom = prof.denom
        self.total = prof.total
        self.first = prof.first_month
        self.patterns: dict[int, list[tuple[int, int]]] = {}

    def pattern(self, s: int) -> tuple[list[tuple[int, int]], int]:
        """CP (year, cents) at shift ``s``: rounding depends only on ``s mod 12``; years move by ``s // 12``."""
        k, j = s % 12, s // 12
        pat = self.patterns.get(k)
        if pat is None:
            pat = self.patterns[k] = _round_years(self.prefix, self.denom, self.total, self.first + k)
        return pat, j


def propose_schedule(
    caps_by_year: Mapping[int, int],
    operations: Iterable[OperationPlan],
    *,
    horizon_end_year: int | None = None,
    horizon_months: int | None = None,
) -> ScheduleProposal:
    """Greedy, deterministic schedule of one envelope's operations within its yearly CP caps.

    1. Fixed operations are placed at their dates and never move (even if they overflow).
    2. Movable operations, in order (priority, original start, id) with priority 1 first, are each
       placed at the smallest shift ``s >= 0`` months whose CP fits the remaining capacity of every
       year. Duration, phases and total are kept (the operation is :func:`shift`-ed).
    3. Shifts are bounded by the horizon: the operation must end by December of ``horizon_end_year``
       (default: the last capped year, or the last year of the operations if there are no caps) and,
       if given, ``s <= horizon_months``.
    4. An operation fitting at no allowed shift is *unplaced*: it stays at its original start, still
       takes its CP (so later operations plan around it) and the proposal is not feasible;
       ``shortfall_by_year`` is the final overflow per year (cp_by_year − cap, when positive).
    """
    _require_caps(caps_by_year)
    ops = tuple(operations)
    _require_valid(ops)
    if horizon_months is not None and (
        isinstance(horizon_months, bool) or not isinstance(horizon_months, int) or horizon_months < 0
    ):
        raise SchedulingError("horizon_months must be a non-negative whole number of months")
    if horizon_end_year is None:
        if caps_by_year:
            horizon_end_year = max(caps_by_year)
        elif ops:
            horizon_end_year = max(op.end_month // 12 for op in ops)
        else:
            horizon_end_year = date.today().year
    years_seen = [horizon_end_year, *caps_by_year]
    for op in ops:
        years_seen.append(op.start.year)
        years_seen.append(op.end_month // 12)
    year0, year_last = min(years_seen), max(years_seen)
    nyears = year_last - year0 + 1
    remaining = [caps_by_year.get(year0 + i, 0) for i in range(nyears)]
    horizon_end_month = horizon_end_year * 12 + 11

    placers = {op.id: _Placer(_profile(op)) for op in ops}
    results: dict[int | str, ScheduledOperation] = {}

    def build(op, s, cp_pairs, placed, code, overflow, **params):
        plan = shift(op, s)
        return ScheduledOperation(
            op.id,
            op.label,
            op.fixed,
            op.priority,
            op.start,
            plan.start,
            plan.end,
            s,
            dict(cp_pairs),
            placed,
            code,
            {**params, "overflow": dict(overflow)},
            dict(overflow),
            plan,
        )

    # 1. fixed operations
    fixed_ops = [op for op in ops if op.fixed]
    fixed_cp = {}
    for op in fixed_ops:
        pat, _ = placers[op.id].pattern(0)
        fixed_cp[op.id] = pat
        for y, c in pat:
            remaining[y - year0] -= c
    for op in fixed_ops:
        over = {y: -remaining[y - year0] for y, c in fixed_cp[op.id] if c and remaining[y - year0] < 0}
        code = ReasonCode.FIXED_OVER if over else ReasonCode.FIXED
        results[op.id] = build(op, 0, fixed_cp[op.id], True, code, over)

    # 2. movable operations in priority order
    movable = sorted(
        (op for op in ops if not op.fixed), key=lambda o: (o.priority, o.start_month, _id_key(o.id))
    )
    unplaced: list[int | str] = []
    for op in movable:
        pl = placers[op.id]
        max_shift = max(0, horizon_end_month - op.end_month)
        if horizon_months is not None:
            max_shift = min(max_shift, horizon_months)
        chosen = None
        for s in range(max_shift + 1):
            pat, j = pl.pattern(s)
            ok = True
            for y, c in pat:
                idx = y + j - year0
                if idx >= nyears or remaining[idx] < c:
                    ok = False
                    break
            if ok:
                chosen = s
                break
        pat0, _ = pl.pattern(0)
        if chosen == 0:
            over: dict[int, int] = {}
        else:
            over = {y: c - remaining[y - year0] for y, c in pat0 if c > remaining[y - year0]}
        if chosen is None:
            unplaced.append(op.id)
            s, pat, j = 0, pat0, 0
            code, params = ReasonCode.UNPLACED, {"year": horizon_end_year}
        else:
            s = chosen
            pat, j = pl.pattern(s)
            code, params = (ReasonCode.NOT_MOVED, {}) if s == 0 else (ReasonCode.MOVED, {"months": s})
        cp_pairs = [(y + j, c) for y, c in pat]
        for y, c in cp_pairs:
            remaining[y - year0] -= c
        results[op.id] = build(op, s, cp_pairs, chosen is not None, code, over, **params)

    caps_out = {year0 + i: caps_by_year.get(year0 + i, 0) for i in range(nyears)}
    cp_out = {y: caps_out[y] - remaining[y - year0] for y in caps_out}
    shortfall = {y: -remaining[y - year0] for y in caps_out if remaining[y - year0] < 0}
    return ScheduleProposal(
        operations=tuple(results[op.id] for op in ops),
        cp_by_year=cp_out,
        caps_by_year=caps_out,
        feasible=not shortfall and not unplaced,
        shortfall_by_year=shortfall,
        unplaced=tuple(unplaced),
        horizon_end_year=horizon_end_year,
    )


# --------------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------------


def copy_programme(programme: ProgrammePlan, label: str | None = None) -> ProgrammePlan:
    """An independent copy (new dicts; operations are immutable and shared)."""
    return ProgrammePlan(
        dict(programme.caps_by_year),
        tuple(replace(op) for op in programme.operations),
        programme.label if label is None else label,
        programme.envelope_id,
    )


def apply_changes(
    programme: ProgrammePlan,
    *,
    label: str | None = None,
    caps: Mapping[int, int | None] | None = None,
    starts: Mapping[int | str, date] | None = None,
    shifts: Mapping[int | str, int] | None = None,
    priorities: Mapping[int | str, int] | None = None,
    fixed: Mapping[int | str, bool] | None = None,
) -> ProgrammePlan:
    """A new programme with changes applied; the input is not modified.

    ``caps``: year → cents (``None`` removes the cap); ``starts``: id → new start (first of a month;
    phases move with it); ``shifts``: id → months (may be negative), applied after ``starts``;
    ``priorities``: id → priority; ``fixed``: id → bool. Unknown ids raise :class:`SchedulingError`.
    """
    new_caps = dict(programme.caps_by_year)
    for y, c in (caps or {}).items():
        if c is None:
            new_caps.pop(y, None)
        else:
            _check_amount(c, f"cap {y}")
            new_caps[y] = c
    ops = {op.id: op for op in programme.operations}
    for mapping in (starts, shifts, priorities, fixed):
        for op_id in mapping or {}:
            if op_id not in ops:
                raise SchedulingError(f"unknown operation {op_id!r}")
    for op_id, new_start in (starts or {}).items():
        if new_start.day != 1:
            raise SchedulingError(f"operation {op_id!r}: start must be the first day of a month")
        ops[op_id] = shift(ops[op_id], month_index(new_start) - ops[op_id].start_month)
    for op_id, months in (shifts or {}).items():
        ops[op_id] = shift(ops[op_id], months)
    for op_id, prio in (priorities or {}).items():
        if isinstance(prio, bool) or not isinstance(prio, int) or prio < 1:
            raise SchedulingError(f"operation {op_id!r}: priority must be a positive integer (1 = highest)")
        ops[op_id] = replace(ops[op_id], priority=prio)
    for op_id, flag in (fixed or {}).items():
        ops[op_id] = replace(ops[op_id], fixed=bool(flag))
    return ProgrammePlan(
        new_caps,
        tuple(ops[op.id] for op in programme.operations),
        programme.label if label is None else label,
        programme.envelope_id,
    )


@dataclass(frozen=True, slots=True)
class YearComparison:
    year: int
    cap_a: int
    cap_b: int
    cp_a: int
    cp_b: int
    overflow_a: int
    overflow_b: int

    @property
    def cp_delta(self) -> int:
        return self.cp_b - self.cp_a

    @property
    def cap_delta(self) -> int:
        return self.cap_b - self.cap_a


@dataclass(frozen=True, slots=True)
class OperationComparison:
    id: int | str
    label: str
    start_a: date | None
    start_b: date | None
    end_a: date | None
    end_b: date | None
    shift_months: int | None  # start_b − start_a in months; None if only in one scenario
    priority_a: int | None
    priority_b: int | None
    ap_a: int | None
    ap_b: int | None

    @property
    def changed(self) -> bool:
        return (self.start_a, self.end_a, self.priority_a, self.ap_a) != (
            self.start_b,
            self.end_b,
            self.priority_b,
            self.ap_b,
        )


@dataclass(frozen=True)
class ScenarioComparison:
    label_a: str
    label_b: str
    years: tuple[YearComparison, ...]
    operations: tuple[OperationComparison, ...]
    ok_a: bool
    ok_b: bool

    @property
    def only_in_a(self) -> tuple[int | str, ...]:
        return tuple(o.id for o in self.operations if o.start_b is None)

    @property
    def only_in_b(self) -> tuple[int | str, ...]:
        return tuple(o.id for o in self.operations if o.start_a is None)

    @property
    def total_overflow_a(self) -> int:
        return sum(y.overflow_a for y in self.years)

    @property
    def total_overflow_b(self) -> int:
        return sum(y.overflow_b for y in self.years)


def compare_scenarios(
    a: ProgrammePlan | ScheduleProposal, b: ProgrammePlan | ScheduleProposal
) -> ScenarioComparison:
    """Side by side: per year caps, CP asked and overflow; per operation start/end/shift/priority/AP.

    A :class:`ScheduleProposal` is compared as its proposed programme. Years: union of both checks'
    years. Operations: in ``a``'s order, then those only in ``b``.
    """
    if isinstance(a, ScheduleProposal):
        a = a.as_programme()
    if isinstance(b, ScheduleProposal):
        b = b.as_programme()
    ca, cb = a.check(), b.check()
    years = sorted({y.year for y in ca.years} | {y.year for y in cb.years})
    year_rows = []
    for y in years:
        ya, yb = ca.year(y), cb.year(y)
        year_rows.append(
            YearComparison(
                y,
                a.caps_by_year.get(y, 0),
                b.caps_by_year.get(y, 0),
                ya.asked_cents,
                yb.asked_cents,
                ya.overflow_cents,
                yb.overflow_cents,
            )
        )
    ops_b = {op.id: op for op in b.operations}
    ids_a = {op.id for op in a.operations}
    rows = []
    for op in a.operations:
        ob = ops_b.get(op.id)
        rows.append(
            OperationComparison(
                op.id,
                op.label,
                op.start,
                ob.start if ob else None,
                op.end,
                ob.end if ob else None,
                (ob.start_month - op.start_month) if ob else None,
                op.priority,
                ob.priority if ob else None,
                op.ap_cents,
                ob.ap_cents if ob else None,
            )
        )
    for ob in b.operations:
        if ob.id not in ids_a:
            rows.append(
                OperationComparison(
                    ob.id, ob.label, None, ob.start, None, ob.end, None, None, ob.priority, None, ob.ap_cents
                )
            )
    return ScenarioComparison(a.label, b.label, tuple(year_rows), tuple(rows), ca.ok, cb.ok)


# --------------------------------------------------------------------------------------------
# Raw user input → validated plans (field → English message)
# --------------------------------------------------------------------------------------------

_INT_RE = re.compile(r"^-?\d+$")


def _parse_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_RE.match(value.strip()):
        return int(value.strip())
    if isinstance(value, Decimal | float):
        try:
            if value == int(value):
                return int(value)
        except (ValueError, OverflowError, InvalidOperation):
            return None
    return None


def _parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _pairs(value: Any) -> list[tuple[Any, Any]] | None:
    if isinstance(value, Mapping):
        return list(value.items())
    if isinstance(value, list | tuple):
        out = []
        for item in value:
            if isinstance(item, Mapping) and "year" in item:
                out.append((item.get("year"), item.get("amount_cents", item.get("amount"))))
            elif isinstance(item, list | tuple) and len(item) == 2:
                out.append((item[0], item[1]))
            else:
                return None
        return out
    return None


def _parse_year_amounts(value: Any, name: str, what: str, errors: dict[str, str]) -> dict[int, int]:
    """(year, cents) pairs → dict; errors keyed ``name[i].year`` / ``name[i].amount``."""
    pairs = _pairs(value)
    if pairs is None:
        errors[name] = "must be a list of (year, amount in cents) pairs"
        return {}
    out: dict[int, int] = {}
    for i, (y_raw, amount_raw) in enumerate(pairs):
        y = _parse_int(y_raw)
        if y is None or not 1900 <= y <= 2200:
            errors[f"{name}[{i}].year"] = "must be a year (e.g. 2024)"
            y = None
        elif y in out:
            errors[f"{name}[{i}].year"] = f"{what} for year {y} is given twice"
            y = None
        try:
            amount = parse_cents(amount_raw)
        except ValueError as exc:
            errors[f"{name}[{i}].amount"] = str(exc)
            continue
        if y is not None:
            out[y] = amount
    return out


def validate_caps_input(pairs: Any) -> dict[str, str]:
    """Errors in caps given as ``[(year, cents), ...]`` (or ``[{"year":…, "amount":…}]``)."""
    errors: dict[str, str] = {}
    _parse_year_amounts(pairs, "caps", "a cap", errors)
    return errors


def caps_from_input(pairs: Any) -> dict[int, int]:
    """Validated caps dict; raises :class:`ValidationError`."""
    errors: dict[str, str] = {}
    caps = _parse_year_amounts(pairs, "caps", "a cap", errors)
    if errors:
        raise ValidationError(errors)
    return caps


def _operation_from_raw(data: Mapping[str, Any]) -> tuple[OperationPlan | None, dict[str, str]]:
    errors: dict[str, str] = {}
    op_id = data.get("id")
    label = data.get("label", "")
    if not isinstance(label, str) or not label.strip():
        errors["label"] = "must not be empty"
    try:
        ap = parse_cents(data.get("ap_cents"))
    except ValueError as exc:
        errors["ap_cents"] = str(exc)
        ap = 0
    start = _parse_date(data.get("start"))
    if start is None:
        errors["start"] = "must be a date (YYYY-MM-DD)"
    duration = _parse_int(data.get("duration_months"))
    if duration is None or duration <= 0:
        errors["duration_months"] = "must be a positive whole number of months"
    prio_raw = data.get("priority", 1)
    priority = _parse_int(prio_raw)
    if priority is None or priority < 1:
        errors["priority"] = "must be a positive integer (1 = highest)"
    fixed = data.get("fixed", False)
    if not isinstance(fixed, bool):
        errors["fixed"] = "must be true or false"
    phases = None
    raw_phases = data.get("phases")
    if raw_phases is not None:
        if not isinstance(raw_phases, list | tuple):
            errors["phases"] = "must be a list of phases"
        else:
            phases = []
            for i, rp in enumerate(raw_phases):
                if not isinstance(rp, Mapping):
                    errors[f"phases[{i}]"] = "must be an object with code, start, end and share_bp"
                    continue
                try:
                    code = PhaseCode(str(rp.get("code", "")).upper())
                except ValueError:
                    errors[f"phases[{i}].code"] = (
                        f"unknown phase code {rp.get('code')!r} (expected one of {', '.join(PhaseCode)})"
                    )
                    code = None
                ps, pe = _parse_date(rp.get("start")), _parse_date(rp.get("end"))
                if ps is None:
                    errors[f"phases[{i}].start"] = "must be a date (YYYY-MM-DD)"
                if pe is None:
                    errors[f"phases[{i}].end"] = "must be a date (YYYY-MM-DD)"
                bp = _parse_int(rp.get("share_bp"))
                if bp is None or not 0 <= bp <= BP_TOTAL:
                    errors[f"phases[{i}].share_bp"] = (
                        "must be a whole number of basis points between 0 and 10 000"
                    )
                    bp = None
                if code is not None and ps is not None and pe is not None and bp is not None:
                    phases.append(Phase(code, ps, pe, bp))
            if any(k.startswith("phases[") for k in errors):
                phases = None  # per-phase errors reported; the whole-list checks need valid phases
    cp = None
    if data.get("cp_by_year") is not None:
        cp = _parse_year_amounts(data["cp_by_year"], "cp_by_year", "a CP amount", errors)
    if errors.keys() & {"start", "duration_months"} or start is None or duration is None:
        return None, errors
    op = OperationPlan(
        op_id,
        label if isinstance(label, str) else "",
        ap,
        start,
        duration,
        priority if priority is not None and priority >= 1 else 1,
        fixed if isinstance(fixed, bool) else False,
        tuple(phases) if phases is not None else None,
        cp,
    )
    for k, v in validate_plan(op).items():
        errors.setdefault(k, v)
    return op, errors


def validate_operation_input(data: Mapping[str, Any]) -> dict[str, str]:
    """Errors in a raw operation (JSON-like dict), field → English message.

    Keys: ``id``, ``label``, ``ap_cents``, ``start`` (ISO date, first of a month), ``duration_months``,
    ``priority`` (1 = highest), ``fixed``, ``phases`` (list of ``{code, start, end, share_bp}``),
    ``cp_by_year`` (list of (year, cents) pairs, or a mapping). A sum of CP different from the AP is not
    an input error: :func:`check_programme` flags it.
    """
    return _operation_from_raw(data)[1]


def operation_from_input(data: Mapping[str, Any]) -> OperationPlan:
    """Validated :class:`OperationPlan`; raises :class:`ValidationError`."""
    op, errors = _operation_from_raw(data)
    if errors or op is None:
        raise ValidationError(errors)
    return op
