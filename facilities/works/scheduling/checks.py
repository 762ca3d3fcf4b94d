"""Checks of plans: one operation's structure, and a programme's yearly caps and AP/CP balance."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .errors import SchedulingError
from .months import month_date, month_index
from .plans import BP_TOTAL, OperationPlan, check_cents, format_bp
from .spreading import operation_cp


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
                    f"phase shares must sum to 100 % (10 000 basis points), got {format_bp(total)} ({total} bp)"
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


def require_valid(ops: Sequence[OperationPlan]) -> None:
    """Raise :class:`SchedulingError` on a repeated id or the first operation with structural errors."""
    seen: set = set()
    for op in ops:
        if op.id in seen:
            raise SchedulingError(f"operation id {op.id!r} is used twice")
        seen.add(op.id)
        errs = validate_plan(op)
        if errs:
            raise SchedulingError(f"operation {op.id!r}: " + "; ".join(f"{k}: {v}" for k, v in errs.items()))


def require_caps(caps: Mapping[int, int]) -> None:
    """Raise :class:`SchedulingError` unless caps map integer years to non-negative integer cents."""
    for y, c in caps.items():
        if isinstance(y, bool) or not isinstance(y, int):
            raise SchedulingError(f"cap year {y!r} must be an integer")
        check_cents(c, f"cap {y}")


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
    require_caps(caps_by_year)
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
