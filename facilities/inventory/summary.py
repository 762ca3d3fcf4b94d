"""Inventory key figures computed from floors and spaces (pure: no database, never stored)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from facilities.inventory.catalogue import SpaceType

# The figures the département publishes in its "en quelques chiffres" boxes, in that order.
KEY_FIGURES = (
    "floors",
    "public_floors",
    "interview_offices",
    "medical_cabinets",
    "digital_spaces",
    "public_pcs",
    "mediation_spaces",
    "workstations",
)

# The published figures that count things (whole numbers), and those measured (areas, cost: compared to the unit).
COUNT_FIGURES = (*KEY_FIGURES, "spaces")
MEASURED_FIGURES = ("gross_floor_area_m2", "usable_area_m2", "cost_eur")


@dataclass(frozen=True)
class FloorFacts:
    id: int
    level: int
    is_public: bool
    area_m2: Decimal | None


@dataclass(frozen=True)
class SpaceGroup:
    """Spaces of one floor sharing type, specialty and public access, already summed by the database."""

    floor_id: int
    space_type: str
    specialty: str | None
    is_public: bool
    count: int
    area_m2: Decimal
    workstations: int
    pcs: int


@dataclass
class InventorySummary:
    floors: int = 0
    public_floors: int = 0
    public_floor_areas_m2: list[Decimal] = field(default_factory=list)
    interview_offices: int = 0
    medical_cabinets: int = 0
    medical_cabinets_by_specialty: Counter = field(default_factory=Counter)
    digital_spaces: int = 0
    pcs: int = 0
    public_pcs: int = 0
    mediation_spaces: int = 0
    workstations: int = 0
    spaces: int = 0
    net_area_m2: Decimal = Decimal(0)
    net_area_by_type_m2: dict[str, Decimal] = field(default_factory=dict)

    def key_figures(self) -> dict[str, int]:
        """The published key figures as integers, in their usual order."""
        return {name: int(getattr(self, name)) for name in KEY_FIGURES}

    def add_group(self, group: SpaceGroup) -> None:
        self.spaces += group.count
        self.net_area_m2 += group.area_m2
        self.net_area_by_type_m2[group.space_type] = (
            self.net_area_by_type_m2.get(group.space_type, Decimal(0)) + group.area_m2
        )
        self.workstations += group.workstations
        self.pcs += group.pcs
        if group.is_public:
            self.public_pcs += group.pcs
        if group.space_type == SpaceType.INTERVIEW_OFFICE:
            self.interview_offices += group.count
        elif group.space_type == SpaceType.MEDICAL_CABINET:
            self.medical_cabinets += group.count
            self.medical_cabinets_by_specialty[group.specialty or ""] += group.count
        elif group.space_type == SpaceType.DIGITAL_SPACE:
            self.digital_spaces += group.count
        elif group.space_type == SpaceType.MEDIATION_SPACE:
            self.mediation_spaces += group.count

    def add_floor(self, floor: FloorFacts) -> None:
        self.floors += 1
        if floor.is_public:
            self.public_floors += 1
            if floor.area_m2 is not None:
                self.public_floor_areas_m2.append(floor.area_m2)


def summarize(floors: Iterable[FloorFacts], groups: Iterable[SpaceGroup]) -> tuple[InventorySummary, dict[int, InventorySummary]]:
    """Summaries for a whole building and for each of its floors."""
    floors = list(floors)
    total = InventorySummary()
    per_floor: dict[int, InventorySummary] = defaultdict(InventorySummary)
    for floor in floors:
        total.add_floor(floor)
        per_floor[floor.id].add_floor(floor)
    for group in groups:
        total.add_group(group)
        per_floor[group.floor_id].add_group(group)
    total.public_floor_areas_m2.sort()
    return total, dict(per_floor)
