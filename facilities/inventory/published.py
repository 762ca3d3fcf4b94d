"""Figures a source document publishes about a building, compared with what the inventory records (pure: no
database). A count must be equal; an area or a cost is published rounded, so it must be equal to the unit (m², €).
A building whose inventory has no floor yet contradicts no count: it is not recorded yet, not contradicted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from facilities import formatting
from facilities.inventory.summary import COUNT_FIGURES, InventorySummary

UNIT = Decimal(1)


class Published(Protocol):
    """What a comparison reads of a published figure (the model, or a plain record in tests)."""

    id: int | None
    figure: str
    value: Decimal
    source: str
    published_on: date | None


@dataclass(frozen=True)
class FigureComparison:
    """One published figure beside the inventory's: `recorded` is None when the inventory does not know it."""

    figure: str
    published: Decimal
    recorded: Decimal | None
    source: str
    published_on: date | None = None
    record_id: int | None = None

    @property
    def contradicted(self) -> bool:
        if self.recorded is None:
            return False
        if self.figure in COUNT_FIGURES:
            return self.recorded != self.published
        return abs(self.recorded - self.published) >= UNIT


def recorded_figures(summary: InventorySummary, gross_floor_area_m2: Decimal | None,
                     cost_cents: int | None) -> dict[str, Decimal | None]:
    """What the inventory records of each figure that may be published (None: not recorded)."""
    counted = summary.floors > 0
    figures: dict[str, Decimal | None] = {name: Decimal(int(getattr(summary, name))) if counted else None
                                          for name in COUNT_FIGURES}
    figures["usable_area_m2"] = summary.net_area_m2 if summary.spaces else None
    figures["gross_floor_area_m2"] = Decimal(gross_floor_area_m2) if gross_floor_area_m2 is not None else None
    figures["cost_eur"] = Decimal(cost_cents) / 100 if cost_cents is not None else None
    return figures


def compare(published: Iterable[Published], recorded: Mapping[str, Decimal | None]) -> list[FigureComparison]:
    """Each published figure beside the inventory's value, in the order of the catalogue's figures."""
    order = {name: index for index, name in enumerate((*COUNT_FIGURES, "gross_floor_area_m2", "usable_area_m2",
                                                       "cost_eur"))}
    return [FigureComparison(item.figure, Decimal(item.value), recorded.get(item.figure), item.source,
                             item.published_on, item.id)
            for item in sorted(published, key=lambda item: order.get(item.figure, len(order)))]


def contradictions(comparisons: Iterable[FigureComparison]) -> list[FigureComparison]:
    """The published figures the inventory contradicts."""
    return [comparison for comparison in comparisons if comparison.contradicted]


def format_figure(figure: str, value: Decimal | None, locale: str = "fr") -> str:
    """A figure's value as people read it: 1 730 m², 11 320 000 €, 7."""
    if value is None:
        return "—"
    if figure in ("gross_floor_area_m2", "usable_area_m2"):
        return formatting.format_area(value, locale)
    if figure == "cost_eur":
        return formatting.format_money(int((Decimal(value) * 100).to_integral_value()), locale)
    return formatting.format_number(value, locale, 0)
