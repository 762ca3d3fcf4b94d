"""The renewal area's one table: which works operation renews which item of equipment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilities.extensions import db
from facilities.safety.models import Equipment
from facilities.timeutil import utcnow
from facilities.works.models import Operation


class RenewalLink(db.Model):
    """An item of equipment renewed by a works operation. One live operation per item: the link goes with the
    operation (deleting it makes the item a need again) and with the item."""

    __tablename__ = "renewal_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id", ondelete="CASCADE"), index=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("equipment.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    operation: Mapped[Operation] = relationship()
    equipment: Mapped[Equipment] = relationship()

    def __repr__(self) -> str:
        return f"<RenewalLink operation {self.operation_id} equipment {self.equipment_id}>"


# The forecast reads these columns of every item (50,000 in a large portfolio): an index holding them all lets
# the database read the index alone, not the register's wide rows (names, notes). Category first: SQLite
# otherwise groups through the category index and reads every row (one building's forecast uses the building's
# own index).
RENEWAL_COLUMNS_INDEX = Index(
    "ix_equipment_renewal", Equipment.category, Equipment.installed_on, Equipment.expected_life_years,
    Equipment.condition, Equipment.condition_on, Equipment.replacement_cost_cents, Equipment.illustrative,
    Equipment.building_id)

# The latest change of the register, read at each forecast to know whether its cached sums still hold.
UPDATED_AT_INDEX = Index("ix_equipment_updated_at", Equipment.updated_at)
