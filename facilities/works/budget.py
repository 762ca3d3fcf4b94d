"""The budget rules of an AP and its CP (CGCT L3312-4, R3312-3), as pure functions on amounts in cents.

- the AP is the ceiling of commitments: the commitments of all years together never exceed it;
- the CP of a year are the ceiling of that year's payments;
- an AP is never revised below what is already committed (nor paid);
- on a voted operation the CP of all years add up to the AP: amounts change by a revision (the AP and its
  échéancier together), never by editing the CP alone.

One function, `ledger_errors`, judges an operation's figures after any change (a form, the API, an import, a
carry-over): each message names the amounts, in the request's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _

from facilities.formatting import format_money


def _locale() -> str:
    from flask_babel import get_locale

    try:
        return str(get_locale() or "fr")
    except RuntimeError:  # outside a request (pure tests): French, the default language
        return "fr"


def _eur(cents: int) -> str:
    return format_money(cents, _locale())


@dataclass(frozen=True)
class Ledger:
    """An operation's AP in force, its échéancier and its actuals (cents by year)."""

    ap_cents: int
    cp_by_year: Mapping[int, int]
    committed_by_year: Mapping[int, int] = field(default_factory=dict)
    paid_by_year: Mapping[int, int] = field(default_factory=dict)
    voted: bool = False

    @property
    def committed_cents(self) -> int:
        return sum(self.committed_by_year.values())

    @property
    def paid_cents(self) -> int:
        return sum(self.paid_by_year.values())

    @property
    def cp_total_cents(self) -> int:
        return sum(self.cp_by_year.values())


# The fields each kind of fault is reported under (the names the forms, the API and the imports use).
COMMITTED, PAID, AP, CP = "committed_eur", "paid_eur", "amount_eur", "cp"


def ledger_errors(ledger: Ledger, *, checking_ap: bool = False) -> dict[str, str]:
    """The budget rules this ledger breaks, one message per field, naming the amounts.

    `checking_ap`: the AP itself is what changed (a revision), so an AP below the commitments is reported as
    a revision refused rather than as commitments over the AP.
    """
    errors: dict[str, str] = {}
    committed, paid, ap = ledger.committed_cents, ledger.paid_cents, ledger.ap_cents
    if checking_ap and (ap < committed or ap < paid):
        errors[AP] = _("The AP cannot be revised to %(ap)s: %(committed)s are already committed and %(paid)s "
                       "paid (an AP is never revised below what is committed).", ap=_eur(ap),
                       committed=_eur(committed), paid=_eur(paid))
    elif committed > ap:
        errors[COMMITTED] = _("Commitments would total %(committed)s, above the AP in force (%(ap)s) by "
                              "%(over)s: the AP is the ceiling of commitments.", committed=_eur(committed),
                              ap=_eur(ap), over=_eur(committed - ap))
    over_cp = [(year, cents, ledger.cp_by_year.get(year, 0)) for year, cents in sorted(ledger.paid_by_year.items())
               if cents > ledger.cp_by_year.get(year, 0)]
    if over_cp:
        errors[PAID] = "; ".join(
            _("payments of %(year)s (%(paid)s) would exceed that year's CP (%(cp)s) by %(over)s", year=year,
              paid=_eur(cents), cp=_eur(cp), over=_eur(cents - cp))
            for year, cents, cp in over_cp)
        errors[PAID] = _("%(detail)s: the CP of a year are the ceiling of its payments.", detail=errors[PAID])
    if paid > committed and PAID not in errors:
        errors[PAID] = _("Payments would total %(paid)s, above the commitments (%(committed)s): only what is "
                         "committed can be paid.", paid=_eur(paid), committed=_eur(committed))
    if ledger.voted and ledger.cp_total_cents != ap:
        errors[CP] = _("On a voted operation the CP must add up to the AP: the échéancier totals %(cp)s against "
                       "an AP of %(ap)s (difference %(diff)s). Change them together by a revision (the AP with "
                       "its échéancier, dated, with its vote).", cp=_eur(ledger.cp_total_cents), ap=_eur(ap),
                       diff=_eur(ledger.cp_total_cents - ap))
    return errors


# ---------------------------------------------------------------- caducité (an AP lapsing without commitment)

LAPSING = "lapsing"  # within the warning window before its lapse date
LAPSED = "lapsed"


def add_years(day, years: int):
    """The same day `years` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Lapse:
    """When an AP with no commitment lapses: `years` after its latest vote (a vote renews it)."""

    last_vote: object  # date
    lapses_on: object  # date
    state: str | None  # None (committed, or far from its date), LAPSING or LAPSED


def lapse_of(last_vote, committed_cents: int, lapse_years: int, today, warn_days: int = 365) -> Lapse | None:
    """The caducité of an AP voted (or last renewed) on `last_vote`: None once anything is committed."""
    if committed_cents > 0 or last_vote is None:
        return None
    lapses_on = add_years(last_vote, lapse_years)
    if today >= lapses_on:
        state = LAPSED
    elif (lapses_on - today).days <= warn_days:
        state = LAPSING
    else:
        state = None
    return Lapse(last_vote, lapses_on, state)
