"""Floor plans: the outline of a floor and of each space (GeoJSON polygons in the building's local metres, with
their drawn area), and a building's georeference (where its local origin lies, how its axes turn)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, ForeignKey, Index, Numeric, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilities.extensions import db
from facilities.inventory.models import Building, Floor, Space
from facilities.timeutil import utcnow

AREA = Numeric(12, 2)


class OutlineColumns:
    """A polygon of the plan (GeoJSON, local metres), its drawn area, and the building it belongs to (the trail)."""

    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    geometry: Mapped[dict] = mapped_column(JSON)
    drawn_area_m2: Mapped[Decimal] = mapped_column(AREA)


class FloorOutline(OutlineColumns, db.Model):
    __tablename__ = "floor_outlines"
    __audited__ = True
    __audit_entity_label__ = _l("floor outline")

    id: Mapped[int] = mapped_column(primary_key=True)
    floor_id: Mapped[int] = mapped_column(ForeignKey("floors.id", ondelete="CASCADE"), unique=True)
    # A drawing made up to show the plans (the demo), not surveyed: the page, the exports and the PDF say so.
    illustrative: Mapped[bool] = mapped_column(default=False, server_default=false())

    floor: Mapped[Floor] = relationship()

    def __repr__(self) -> str:
        return f"<FloorOutline floor {self.floor_id}>"

    @staticmethod
    def __audit_label__(values) -> str:
        """An outline in the audit trail: the floor it draws."""
        return f"#{values.get('floor_id')}"  # stored once, read in both languages: no word


class SpaceOutline(OutlineColumns, db.Model):
    __tablename__ = "space_outlines"
    __audited__ = True
    __audit_entity_label__ = _l("space outline")
    __table_args__ = (Index("ix_space_outlines_floor_id", "floor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), unique=True)
    floor_id: Mapped[int] = mapped_column(ForeignKey("floors.id", ondelete="CASCADE"))

    space: Mapped[Space] = relationship()

    def __repr__(self) -> str:
        return f"<SpaceOutline space {self.space_id}>"

    @staticmethod
    def __audit_label__(values) -> str:
        """An outline in the audit trail: the space it draws."""
        return f"#{values.get('space_id')}"  # stored once, read in both languages: no word


class BuildingGeoreference(db.Model):
    __tablename__ = "building_georeferences"
    __audited__ = True
    __audit_entity_label__ = _l("georeference")

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), unique=True)
    latitude: Mapped[float]
    longitude: Mapped[float]
    rotation_deg: Mapped[float] = mapped_column(default=0.0)
    source: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    building: Mapped[Building] = relationship()

    def __repr__(self) -> str:
        return f"<BuildingGeoreference building {self.building_id}>"

    @staticmethod
    def __audit_label__(values) -> str:
        """A georeference in the audit trail."""
        return f"{values.get('latitude')}, {values.get('longitude')}"


class TypeMapping(db.Model):
    """A text of an imported space (its long name, name or classification) that gives its type: the mapping
    users edit, read before the shipped defaults (facilities/plans/types.py)."""

    __tablename__ = "plan_type_mappings"
    __audited__ = True
    __audit_entity_label__ = _l("space type mapping")
    __audit_building__ = None

    id: Mapped[int] = mapped_column(primary_key=True)
    pattern: Mapped[str] = mapped_column(String(120), unique=True)
    space_type: Mapped[str] = mapped_column(String(32))

    def __repr__(self) -> str:
        return f"<TypeMapping {self.pattern!r} -> {self.space_type}>"
