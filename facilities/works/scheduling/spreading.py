"""CP by year (the échéancier): an AP spread over its months, summed by year, exact to the cent.

Each phase's cost (share × AP) is spread evenly over its months (a phase covering part of a month counts
the whole month); an explicit échéancier spreads each year's amount evenly over the operation's months in
that year. The exact (rational) monthly amounts are summed by year and rounded by the *largest-remainder*
method: every year gets the floor of its exact amount, then the cents still missing go one each to the
years with the largest fractional remainders, ties to the earlier year. Hence the CP sum equals the AP
exactly, each year is within one cent of its exact amount, and the result is deterministic. Years with a
zero amount are omitted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .errors import SchedulingError
from .months import add_months, month_date, month_index, months_by_year
from .plans import BP_TOTAL, OperationPlan, Phase, check_cents, format_bp


@dataclass(frozen=True, slots=True)
class Profile:
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


def check_shares(phases: Sequence[Phase]) -> None:
    """Raise unless every share is 0..10 000 bp, no phase ends before it starts and the shares sum to 100 %."""
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
            f"phase shares must sum to 100 % (10 000 basis points), got {format_bp(total)} ({total} bp)"
        )


def phases_profile(ap_cents: int, phases: Sequence[Phase], first_month: int, n_months: int) -> Profile:
    check_shares(phases)
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
    return Profile(first_month, tuple(weights), BP_TOTAL * lcm, ap_cents)


def explicit_profile(op: OperationPlan) -> Profile:
    first = op.start_month
    n = op.duration_months
    span = months_by_year(month_date(first), month_date(first + n - 1))
    lcm = 1
    for y, amount in op.cp_by_year.items():
        check_cents(amount, f"CP {y}")
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
    return Profile(first, tuple(weights), lcm, sum(op.cp_by_year.values()))


def derived_profile(op: OperationPlan) -> Profile:
    check_cents(op.ap_cents, f"operation {op.id!r}: AP")
    if (
        isinstance(op.duration_months, bool)
        or not isinstance(op.duration_months, int)
        or op.duration_months <= 0
    ):
        raise SchedulingError(f"operation {op.id!r}: duration must be a positive whole number of months")
    if op.phases:
        return phases_profile(op.ap_cents, op.phases, op.start_month, op.duration_months)
    return Profile(op.start_month, (op.ap_cents,) * op.duration_months, op.duration_months, op.ap_cents)


def profile(op: OperationPlan) -> Profile:
    """The monthly profile of the operation's CP: its explicit échéancier if given, else derived."""
    if op.cp_by_year is not None:
        return explicit_profile(op)
    return derived_profile(op)


def round_years(prefix: Sequence[int], denom: int, total: int, first_month: int) -> list[tuple[int, int]]:
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


def derive_cp(op: OperationPlan) -> dict[int, int]:
    """Échéancier derived from the phases (or evenly over the duration), ignoring ``op.cp_by_year``."""
    prof = derived_profile(op)
    return dict(round_years(prof.prefix(), prof.denom, prof.total, prof.first_month))


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
        prof = explicit_profile(plan)
        cp = dict(round_years(prof.prefix(), prof.denom, prof.total, prof.first_month + months))
    return replace(plan, start=month_date(plan.start_month + months), phases=phases, cp_by_year=cp)
