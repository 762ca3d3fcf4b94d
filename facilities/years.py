"""The ranges of years the application accepts, one per meaning, each with its reason (pure Python).

Forms, API, importers, the command line and the pure cores (energy indicators, works scheduling) read their
bounds from here; the rule engine takes `Years.first` and `Years.last_year` as a rule's minimum and maximum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# The last year any plan may reach: the Décret tertiaire's horizon is 2050 and programmes run 5 to 10 years;
# a year beyond it is a typing mistake (and would only grow the scheduler's month arithmetic).
HORIZON = 2100


@dataclass(frozen=True)
class Years:
    """Years from `first` to `last`, or, when `ahead` is given, to the current year plus `ahead`."""

    first: int
    last: int | None = None
    ahead: int | None = None
    reason: str = ""

    def last_year(self, today: date | None = None) -> int:
        if self.last is not None:
            return self.last
        return (today or date.today()).year + (self.ahead or 0)

    def contains(self, year: int, today: date | None = None) -> bool:
        return self.first <= year <= self.last_year(today)


# A building's year of construction or acquisition: the portfolio may hold buildings of the Renaissance
# (former abbeys, hôtels particuliers) and buildings planned for a coming programme.
BUILDING = Years(1500, HORIZON, reason="oldest plausible public building to the planning horizon")

# A year of the works programme: AP/CP caps, échéancier (CP) years, commitments and payments, operation dates
# and the scheduler's years. Multi-year AP/CP budgeting dates from the 1990s; earlier years are mistakes.
PROGRAMME = Years(1990, HORIZON, reason="multi-year AP/CP budgeting (1990s) to the planning horizon")

# A year of recorded energy consumption (and its DJU, area, the Décret tertiaire reference year): invoices
# older than 2000 are not kept, and a year may be entered at most one year ahead (an estimate for next year).
CONSUMPTION = Years(2000, ahead=1, reason="oldest invoices kept to next year's estimate")

# A year named by an energy regulation row (target years 2030-2050, the reference window 2010-2022).
REGULATION = Years(CONSUMPTION.first, HORIZON, reason="first consumption year to the planning horizon")
