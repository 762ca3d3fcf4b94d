"""Why the proposal put an operation where it is: reason codes and their English text (the API's).

The app translates the same codes with their parameters (:mod:`facilities.works.reasons`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from facilities.formatting import format_money


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
    overflow = overflow_text(params.get("overflow") or {}, locale)
    if code is ReasonCode.FIXED:
        return "fixed: not moved"
    if code is ReasonCode.FIXED_OVER:
        return f"fixed: not moved although {overflow}"
    if code is ReasonCode.NOT_MOVED:
        return "not moved"
    if code is ReasonCode.MOVED:
        return f"moved {months_text(params['months'])} later: {overflow}"
    return f"could not be placed by December {params['year']}: kept at its original start; {overflow}"


def overflow_text(overflow: Mapping[int, int], locale: str = "fr") -> str:
    return ", ".join(f"{y} cap exceeded by {format_money(c, locale)}" for y, c in sorted(overflow.items()))


def months_text(n: int) -> str:
    return f"{n} month" if n == 1 else f"{n} months"
