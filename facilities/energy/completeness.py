"""Which years of a building's consumption are complete enough to be judged (issue 14 point 6).

A year is "incomplete" when it has not ended yet (the current year, or a later one) or when a carrier the
building used the year before has no record for it (the gas bill not entered yet): its total would be too low.
An incomplete year is shown as such, with why; it is never judged against the Décret tertiaire trajectory nor
given a DPE class as its headline. A carrier recorded with 0 kWh counts as recorded (the building stopped using
it); a year whose previous year has no record at all is judged on its own.

Pure Python: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from facilities.energy.year_indicators import YearConsumption


@dataclass(frozen=True)
class YearCompleteness:
    year: int
    not_ended: bool  # the year is today's year or later
    missing_carriers: tuple[str, ...]  # carriers used the year before (kWh > 0) without a record this year

    @property
    def complete(self) -> bool:
        return not self.not_ended and not self.missing_carriers


def year_completeness(consumptions: Iterable[YearConsumption], today: date) -> dict[int, YearCompleteness]:
    """{year: its completeness} for each year of `consumptions`, judged on `today` (Paris time)."""
    recorded = {c.year: {str(carrier) for carrier in c.by_carrier} for c in consumptions}
    used = {c.year: {str(carrier) for carrier, kwh in c.by_carrier.items() if kwh > 0} for c in consumptions}
    return {year: YearCompleteness(year, year >= today.year,
                                   tuple(sorted(used.get(year - 1, set()) - recorded[year])))
            for year in recorded}
