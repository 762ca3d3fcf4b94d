"""Exporting the inventory as CSV or XLSX, in the layout the importer reads (see bulk_columns)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

from sqlalchemy import func, select

from facilities.extensions import db
from facilities.formatting import spreadsheet_text, write_xlsx, xlsx_bytes
from facilities.inventory.bulk_columns import ENTITY, FIELDS, INVENTORY, Layout, stored_text
from facilities.inventory.models import Building, Floor, PublishedFigure, Site, SiteService, Space
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


BATCH = 2000  # rows fetched at a time (yield_per: a server-side cursor on PostgreSQL)


def export_tables() -> dict[str, Iterator[list[Any]]]:
    """Every site, building, floor and space as rows under HEADERS, ordered by codes: one lazy iterator per kind,
    read from the database a batch at a time as it is consumed (consume them one after the other)."""
    return {"sites": _site_rows(), "buildings": _building_rows(), "floors": _floor_rows(), "spaces": _space_rows(),
            "published_figures": _published_rows()}


def export_counts() -> dict[str, int]:
    """How many records of each kind an export holds (one count a kind)."""
    return {kind: db.session.scalar(select(func.count()).select_from(model)) or 0
            for kind, model in (("sites", Site), ("buildings", Building), ("floors", Floor), ("spaces", Space),
                                ("published_figures", PublishedFigure))}


# Sites and buildings are read as rows of their columns too: ORM objects tied in cycles (a site and its service
# links) outlive their batch until a full garbage collection, and an export of 100,000 sites grew by 260 MB.
_SITE_COLUMNS = [Site.id] + [getattr(Site, name) for name in FIELDS["sites"] if name != "services"]
_BUILDING_COLUMNS = [Building.cost_cents] + [getattr(Building, name) for name in FIELDS["buildings"]
                                             if name != "cost_eur"]


def _site_rows() -> Iterator[list[Any]]:
    result = db.session.execute(select(*_SITE_COLUMNS).order_by(Site.code).execution_options(yield_per=BATCH))
    for batch in result.partitions():
        services: dict[int, list[str]] = {row.id: [] for row in batch}
        for site_id, code in db.session.execute(
            select(SiteService.site_id, SiteService.service_code).where(SiteService.site_id.in_(list(services)))
            .order_by(SiteService.site_id, SiteService.service_code)
        ):
            services[site_id].append(code)
        for row in batch:
            yield [", ".join(services[row.id]) if name == "services" else _export_value(name, row)
                   for name in FIELDS["sites"]]


def _building_rows() -> Iterator[list[Any]]:
    rows = db.session.execute(select(Site.code.label("site_code"), *_BUILDING_COLUMNS)
                              .join(Site, Building.site_id == Site.id)
                              .order_by(Building.code).execution_options(yield_per=BATCH))
    for row in rows:
        yield [row.site_code] + [_export_value(n, row) for n in FIELDS["buildings"]]


def _floor_rows() -> Iterator[list[Any]]:
    # Columns, not objects: a row tuple costs a few microseconds where an ORM object costs tens.
    columns = [getattr(Floor, name) for name in FIELDS["floors"]]
    rows = db.session.execute(select(Building.code, *columns).join(Building, Floor.building_id == Building.id)
                              .order_by(Building.code, Floor.level).execution_options(yield_per=BATCH))
    for row in rows:
        yield list(row)


def _space_rows() -> Iterator[list[Any]]:
    columns = [getattr(Space, name) for name in FIELDS["spaces"]]
    rows = db.session.execute(
        select(Building.code, Floor.level, *columns).join(Floor, Space.floor_id == Floor.id)
        .join(Building, Floor.building_id == Building.id)
        .order_by(Building.code, Floor.level, func.lower(Space.code))
        .execution_options(yield_per=BATCH)
    )
    for row in rows:
        yield list(row)


def _published_rows() -> Iterator[list[Any]]:
    columns = [getattr(PublishedFigure, name) for name in FIELDS["published_figures"]]
    rows = db.session.execute(select(Building.code, *columns).join(Building, PublishedFigure.building_id == Building.id)
                              .order_by(Building.code, PublishedFigure.figure).execution_options(yield_per=BATCH))
    for row in rows:
        yield list(row)


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return spreadsheet_text(value)  # the reader takes the added quote off again
    return stored_text(value)


def csv_chunks(tables: Mapping[str, Iterable[list[Any]]], layout: Layout = INVENTORY,
               lines_per_chunk: int = 1000) -> Iterator[bytes]:
    """The inventory (or the records of another layout) as one UTF-8 CSV file (with BOM, so that spreadsheet
    programs read the accents), a few hundred kB at a time: the tables are read as the chunks are sent."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; a text holding \r or \n is then quoted
    out.write("\ufeff")
    writer.writerow(layout.csv_headers)
    position = {name: index for index, name in enumerate(layout.csv_headers)}
    written = 0
    for kind in layout.kinds:
        places = [position[name] for name in layout.headers[kind]]
        for row in tables[kind]:
            line = [""] * len(layout.csv_headers)
            if not layout.single:
                line[0] = ENTITY[kind]
            for place, value in zip(places, row, strict=True):
                line[place] = _as_text(value)
            writer.writerow(line)
            written += 1
            if written % lines_per_chunk == 0:
                yield out.getvalue().encode("utf-8")
                out.seek(0)
                out.truncate()
    yield out.getvalue().encode("utf-8")


def export_csv(tables: Mapping[str, Iterable[list[Any]]], layout: Layout = INVENTORY) -> bytes:
    """The inventory (or the records of another layout) as one UTF-8 CSV file, in memory (small layouts)."""
    return b"".join(csv_chunks(tables, layout))


def export_xlsx(tables: Mapping[str, Iterable[list[Any]]], layout: Layout = INVENTORY) -> bytes:
    """The inventory as a workbook with the sheets sites, buildings, floors and spaces (or a layout's sheets)."""
    return xlsx_bytes([(kind, layout.headers[kind], tables[kind]) for kind in layout.kinds])


def write_export(fmt: str, target: IO[bytes]) -> None:
    """Write the whole inventory in the format asked ('csv' or 'xlsx') to a binary file, without holding it: CSV
    a chunk at a time, XLSX through openpyxl's write-only workbook (which keeps its sheets in temporary files)."""
    tables = export_tables()
    if fmt == "csv":
        for chunk in csv_chunks(tables):
            target.write(chunk)
    else:
        write_xlsx([(kind, INVENTORY.headers[kind], tables[kind]) for kind in INVENTORY.kinds], target)


def export_file(fmt: str) -> bytes:
    """The whole inventory in the format asked ('csv' or 'xlsx'), in memory (tests, small inventories)."""
    out = io.BytesIO()
    write_export(fmt, out)
    return out.getvalue()
