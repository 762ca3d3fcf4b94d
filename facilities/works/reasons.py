"""Why the scheduler put an operation where it did, in the user's language.

The pure scheduler (:mod:`facilities.works.scheduling.proposal`) gives a :class:`ReasonCode` and its parameters; this is
the one place that turns them into text: the proposal page and anything else the user reads use
:func:`reason_text`. The API keeps the code and the scheduler's English ``reason``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from facilities.formatting import format_money
from facilities.works.scheduling.explanations import ReasonCode
from facilities.works.scheduling.proposal import ScheduledOperation

REASON_MESSAGES = {
    ReasonCode.FIXED: _l("fixed: not moved"),
    ReasonCode.FIXED_OVER: _l("fixed: not moved although %(overflow)s"),
    ReasonCode.NOT_MOVED: _l("not moved"),
    ReasonCode.MOVED: _l("moved %(months)s month(s) later: %(overflow)s"),
    ReasonCode.UNPLACED: _l("could not be placed by December %(year)s: kept at its original start; %(overflow)s"),
}
assert set(REASON_MESSAGES) == set(ReasonCode)


def _overflow(overflow: Mapping[int, int], locale: str) -> str:
    return ", ".join(_("%(year)s cap exceeded by %(amount)s", year=year, amount=format_money(cents, locale))
                     for year, cents in sorted(overflow.items()))


def reason_text(code: ReasonCode | str, params: Mapping[str, Any]) -> str:
    """The reason in the request's language, amounts formatted for it."""
    locale = str(get_locale() or "fr")
    values = {"months": params.get("months"), "year": params.get("year"),
              "overflow": _overflow(params.get("overflow") or {}, locale)}
    return str(REASON_MESSAGES[ReasonCode(code)]) % values


def scheduled_reason(scheduled: ScheduledOperation) -> str:
    """The reason of one operation of a proposal, in the request's language."""
    return reason_text(scheduled.reason_code, scheduled.reason_params)
