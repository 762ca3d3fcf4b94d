"""Calendar-month arithmetic: absolute month numbers, moves by whole months, months touched by a span."""

from __future__ import annotations

import calendar
from datetime import date

from .errors import SchedulingError


def month_index(d: date) -> int:
    """Absolute month number (year × 12 + month − 1); the day is ignored."""
    return d.year * 12 + d.month - 1


def month_date(index: int) -> date:
    """First day of the month with absolute number ``index``."""
    return date(index // 12, index % 12 + 1, 1)


def month_end_date(index: int) -> date:
    """Last day of the month with absolute number ``index``."""
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
