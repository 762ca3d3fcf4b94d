"""Safety services: what the safety pages and the API read and write. They flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from facilities.extensions import db
from facilities.inventory import erp
from facilities.inventory.models import Building


@dataclass(frozen=True)
class ErpLine:
    building: Building
    category: erp.BuildingCategory


def erp_register() -> list[ErpLine]:
    """Every building with its ERP data and category (the thresholds read once), by site then code."""
    reference = erp.reference_in_force()
    buildings = db.session.scalars(select(Building).options(joinedload(Building.site))
                                   .where(Building.site.has(synthetic=False))
                                   .order_by(Building.code)).all()
    return [ErpLine(building, erp.building_category(building, reference)) for building in buildings]
