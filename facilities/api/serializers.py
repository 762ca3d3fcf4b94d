"""JSON shapes of inventory records, shared by the API and exports."""

from __future__ import annotations

from decimal import Decimal

from facilities.inventory.models import Building, Floor, Site, Space
from facilities.inventory.summary import InventorySummary
from facilities.money import money_json


def number(value: Decimal | None):
    """Decimals as JSON numbers: integers when whole."""
    if value is None:
        return None
    return int(value) if value == value.to_integral() else float(value)


def iso(day):
    return day.isoformat() if day else None


def provenance(entity) -> dict:
    return {
        "source": entity.provenance_source,
        "date": iso(entity.provenance_date),
        "illustrative": entity.illustrative,
        "note": entity.provenance_note,
    }


def site_summary(site: Site) -> dict:
    return {
        "id": site.id,
        "code": site.code,
        "name": site.name,
        "kind": site.kind,
        "status": site.status,
        "commune_code": site.commune_code,
        "commune_name": site.commune_name,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "location_precision": site.location_precision,
        "services": site.service_codes,
    }


def site_detail(site: Site) -> dict:
    return {
        **site_summary(site),
        "address": site.address,
        "postcode": site.postcode,
        "communes_served": site.communes_served or [],
        "opened_on": iso(site.opened_on),
        "opening_hours": site.opening_hours,
        "transport_access": site.transport_access,
        "synthetic": site.synthetic,
        "provenance": provenance(site),
        "buildings": [{"id": b.id, "code": b.code, "name": b.name} for b in site.buildings],
    }


def floor_record(floor: Floor) -> dict:
    return {"id": floor.id, "level": floor.level, "name": floor.name, "area_m2": number(floor.area_m2),
            "public": floor.is_public}


def building_detail(building: Building, summary: InventorySummary) -> dict:
    return {
        "id": building.id,
        "code": building.code,
        "name": building.name,
        "site": {"id": building.site.id, "code": building.site.code, "name": building.site.name},
        "year_built": building.year_built,
        "gross_floor_area_m2": number(building.gross_floor_area_m2),
        "erp_type": building.erp_type,
        "erp_category": building.erp_category,
        "cost_eur": money_json(building.cost_cents),
        "opened_on": iso(building.effective_opened_on),
        "provenance": provenance(building),
        "floors": [floor_record(floor) for floor in building.floors],
        "inventory": summary.key_figures(),
        "medical_cabinets_by_specialty": dict(summary.medical_cabinets_by_specialty),
        "net_area_by_type_m2": {key: number(value) for key, value in sorted(summary.net_area_by_type_m2.items())},
    }


def space_record(space: Space, floor_level: int) -> dict:
    return {
        "id": space.id,
        "code": space.code,
        "name": space.name,
        "type": space.space_type,
        "floor_level": floor_level,
        "area_m2": number(space.area_m2),
        "public": space.is_public,
        "step_free": space.step_free,
        "workstations": space.workstations,
        "pcs": space.pcs,
        "specialty": space.specialty,
        "equipment": space.equipment,
    }
