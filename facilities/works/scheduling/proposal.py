"""A schedule that fits an envelope's yearly CP caps: greedy, deterministic, exact to the cent.

* **Priority**: a positive integer, **1 = highest** priority (placed first, keeps the earlier start).
* **Tie-break**: movable operations are placed in the order (priority, original start, id); ids are
  compared as integers when both are ints, otherwise integers come before strings.
* **A year without a cap has no money** (cap 0).
* **Shortfall**: an operation that fits at no shift within the horizon stays at its original start and
  still takes its CP (so lower-priority operations plan around it); ``shortfall_by_year[y]`` is then the
  overflow of the proposed schedule in year ``y`` (CP of the proposal − cap, when positive). Raising each
  year's cap by its shortfall makes the proposed schedule fit; it is a sufficient amount for this schedule,
  not a proven minimum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .checks import require_caps, require_valid
from .errors import SchedulingError
from .explanations import ReasonCode, reason_english
from .plans import OperationPlan
from .spreading import Profile, profile, round_years, shift


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


class _Placer:
    """One operation's monthly profile and its CP-by-year patterns for shifts 0..11 (computed lazily)."""

    __slots__ = ("prefix", "denom", "total", "first", "patterns")

    def __init__(self, prof: Profile):
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
            pat = self.patterns[k] = round_years(self.prefix, self.denom, self.total, self.first + k)
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
    require_caps(caps_by_year)
    ops = tuple(operations)
    require_valid(ops)
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

    placers = {op.id: _Placer(profile(op)) for op in ops}
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
