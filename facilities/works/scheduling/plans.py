"""What the scheduler works on: loi MOP phases, an operation's plan and an envelope's programme.

Frozen dataclasses, money in integer cents, shares in integer basis points (10 000 bp = 100 %).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .errors import SchedulingError
from .months import month_end_date, month_index, month_span

BP_TOTAL = 10_000  # basis points in 100 %


class PhaseCode(StrEnum):
    """Loi MOP phases (Code de la commande publique R2431-1 ff.)."""

    DIAG = "DIAG"
    ESQ = "ESQ"
    APS = "APS"
    APD = "APD"
    PRO = "PRO"
    ACT = "ACT"
    VISA = "VISA"
    DET = "DET"
    AOR = "AOR"

    @property
    def label(self) -> str:
        return PHASE_LABELS[self]


PHASE_LABELS: dict[PhaseCode, str] = {
    PhaseCode.DIAG: "Diagnostic (renovation)",
    PhaseCode.ESQ: "Esquisse (sketch, new build)",
    PhaseCode.APS: "Avant-projet sommaire (preliminary design)",
    PhaseCode.APD: "Avant-projet définitif (final design)",
    PhaseCode.PRO: "Projet (detailed design)",
    PhaseCode.ACT: "Assistance aux contrats de travaux (tender and award)",
    PhaseCode.VISA: "Visa des études d'exécution (review of execution drawings)",
    PhaseCode.DET: "Direction de l'exécution des travaux (works)",
    PhaseCode.AOR: "Assistance aux opérations de réception (acceptance)",
}


def format_bp(bp: int) -> str:
    """Basis points as a percentage: 9500 → "95 %"."""
    return f"{Decimal(bp) / 100:f}".rstrip("0").rstrip(".") + " %"


def check_cents(cents: Any, what: str) -> None:
    """Raise :class:`SchedulingError` unless ``cents`` is a non-negative integer."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise SchedulingError(f"{what} must be integer cents")
    if cents < 0:
        raise SchedulingError(f"{what} must not be negative")


@dataclass(frozen=True, slots=True)
class Phase:
    """A public-works phase with planned dates and its share of the cost in basis points."""

    code: PhaseCode
    start: date
    end: date
    share_bp: int

    def __post_init__(self) -> None:
        if not isinstance(self.code, PhaseCode):
            object.__setattr__(self, "code", PhaseCode(str(self.code).upper()))

    @property
    def share(self) -> Decimal:
        return Decimal(self.share_bp) / BP_TOTAL

    @property
    def months(self) -> int:
        return month_span(self.start, self.end)

    @property
    def label(self) -> str:
        return self.code.label


@dataclass(frozen=True)
class OperationPlan:
    """An operation as the scheduler sees it.

    ``start`` is the first day of the first month; the operation covers ``duration_months`` calendar
    months. ``priority``: 1 = highest. ``fixed``: committed, never moved. ``phases``: optional; the
    échéancier is derived from them. ``cp_by_year``: optional explicit (voted) échéancier in cents;
    when given it is the operation's CP (and, when moved, it is re-spread month by month: each year's
    amount evenly over the operation's months in that year).
    """

    id: int | str
    label: str
    ap_cents: int
    start: date
    duration_months: int
    priority: int = 1
    fixed: bool = False
    phases: tuple[Phase, ...] | None = None
    cp_by_year: Mapping[int, int] | None = None

    def __post_init__(self) -> None:
        if self.phases is not None and not isinstance(self.phases, tuple):
            object.__setattr__(self, "phases", tuple(self.phases))
        if self.cp_by_year is not None:
            object.__setattr__(self, "cp_by_year", dict(self.cp_by_year))

    __hash__ = None  # type: ignore[assignment]  # holds a dict

    @property
    def start_month(self) -> int:
        return month_index(self.start)

    @property
    def end_month(self) -> int:
        """Absolute number of the last month (inclusive)."""
        return month_index(self.start) + self.duration_months - 1

    @property
    def end(self) -> date:
        """Last day of the last month."""
        return month_end_date(self.end_month)

    @property
    def years(self) -> range:
        return range(self.start.year, self.end_month // 12 + 1)


@dataclass(frozen=True)
class ProgrammePlan:
    """Operations of one envelope and the envelope's CP caps per year (cents; missing year = 0)."""

    caps_by_year: Mapping[int, int]
    operations: tuple[OperationPlan, ...]
    label: str = ""
    envelope_id: int | str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "caps_by_year", dict(self.caps_by_year))
        object.__setattr__(self, "operations", tuple(self.operations))

    __hash__ = None  # type: ignore[assignment]
