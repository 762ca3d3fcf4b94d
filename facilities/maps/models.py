"""Models of the maps area: imported administrative boundaries (communes) and the record of their import."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilities.extensions import db
from facilities.timeutil import utcnow


class BoundaryImport(db.Model):
    """One import of a boundary file; only the latest set is kept (an import replaces the previous one)."""

    __tablename__ = "boundary_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_name: Mapped[str] = mapped_column(String(300))
    layer: Mapped[str | None] = mapped_column(String(200))
    code_field: Mapped[str] = mapped_column(String(100))
    name_field: Mapped[str] = mapped_column(String(100))
    source_crs: Mapped[str | None] = mapped_column(String(200))
    features_read: Mapped[int] = mapped_column(Integer, default=0)
    features_repaired: Mapped[int] = mapped_column(Integer, default=0)
    features_skipped: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    boundaries: Mapped[list[Boundary]] = relationship(
        back_populates="source", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<BoundaryImport {self.source_name} {self.imported_at:%Y-%m-%d %H:%M}>"


class Boundary(db.Model):
    """An administrative area (a commune): INSEE code, name and polygon as WKB in WGS84 (no PostGIS needed)."""

    __tablename__ = "boundaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("boundary_imports.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    geometry_wkb: Mapped[bytes] = mapped_column(LargeBinary)

    source: Mapped[BoundaryImport] = relationship(back_populates="boundaries")

    def __repr__(self) -> str:
        return f"<Boundary {self.code} {self.name}>"
