"""Two programmes side by side (an envelope and its scenario): per year caps, CP asked and overflow; per
operation start, end, shift, priority and AP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .checks import check_programme
from .plans import ProgrammePlan


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


def compare_scenarios(a: ProgrammePlan, b: ProgrammePlan) -> ScenarioComparison:
    """Side by side: per year caps, CP asked and overflow; per operation start/end/shift/priority/AP.

    Years: union of both checks' years. Operations: in ``a``'s order, then those only in ``b``.
    """
    ca = check_programme(a.caps_by_year, a.operations)
    cb = check_programme(b.caps_by_year, b.operations)
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
