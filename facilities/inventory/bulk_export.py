"""Exporting the inventory as CSV or XLSX, in the layout the importer reads (see bulk_columns)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from facilities.extensions import db
from facilities.formatting import spreadsheet_text, xlsx_bytes
from facilities.inventory.bulk_columns import ENTITY, FIELDS, INVENTORY, KINDS, Layout
from facilities.inventory.models import Building, Floor, Site, Space
from facilities.money import cents_to_euros


def _export_value(name: str, record) -> Any:
    if name == "services":
        return ", ".join(record.service_codes)
    if name == "communes_served":
        return "; ".join(f"{c.get('code', '')} {c.get('name', '')}".strip() for c in record.communes_served or [])
    if name == "erp_types":
        return ", ".join(record.erp_types or [])
    if name == "cost_eur":
        return cents_to_euros(record.cost_cents)
    return getattr(record, name)


def export_tables() -> dict[str, list[list[Any]]]:
    """Every site, building, floor and space as rows under HEADERS, ordered by codes."""
    sites = db.session.execute(select(Site).options(selectinload(Site.service_links)).order_by(Site.code)).scalars()
    tables: dict[str, list[list[Any]]] = {kind: [] for kind in KINDS}
    for site in sites:
        tables["sites"].append([_export_value(name, site) for name in FIELDS["sites"]])
    building_rows = db.session.execute(
        select(Building, Site.code).join(Site, Building.site_id == Site.id).order_by(Building.code)
    ).all()
    for building, site_code in building_rows:
        tables["buildings"].append([site_code] + [_export_value(n, building) for n in FIELDS["buildings"]])
    floor_rows = db.session.execute(
        select(Floor, Building.code).join(Building, Floor.building_id == Building.id)
        .order_by(Building.code, Floor.level)
    ).all()
    for floor, building_code in floor_rows:
        tables["floors"].append([building_code] + [getattr(floor, name) for name in FIELDS["floors"]])
    space_rows = db.session.execute(
        select(Space, Building.code, Floor.level).join(Floor, Space.floor_id == Floor.id)
        .join(Building, Floor.building_id == Building.id)
        .order_by(Building.code, Floor.level, func.lower(Space.code))
        .execution_options(yield_per=2000)
    )
    for space, building_code, level in space_rows:
        tables["spaces"].append([building_code, level] + [getattr(space, name) for name in FIELDS["spaces"]])
    return tables


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return spreadsheet_text(value)  # the reader takes the added quote off again
    return str(value)


def export_csv(tables: dict[str, list[list[Any]]], layout: Layout = INVENTORY) -> bytes:
    """The inventory (or the records of another layout) as one UTF-8 CSV file (with BOM, so that spreadsheet
    programs read the accents)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; a text holding \r or \n is then quoted
    writer.writerow(layout.csv_headers)
    position = {name: index for index, name in enumerate(layout.csv_headers)}
    for kind in layout.kinds:
        for row in tables[kind]:
            line = [""] * len(layout.csv_headers)
            if not layout.single:
                line[0] = ENTITY[kind]
            for name, value in zip(layout.headers[kind], row, strict=True):
                line[position[name]] = _as_text(value)
            writer.writerow(line)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(tables: dict[str, list[list[Any]]], layout: Layout = INVENTORY) -> bytes:
    """The inventory as a workbook with the sheets sites, buildings, floors and spaces (or a layout's sheets)."""
    return xlsx_bytes([(kind, layout.headers[kind], tables[kind]) for kind in layout.kinds])


def export_file(fmt: str) -> bytes:
    """The whole inventory in the format asked ('csv' or 'xlsx')."""
    tables = export_tables()
    return export_csv(tables) if fmt == "csv" else export_xlsx(tables)
