"""Spreadsheet exports for architects: typed cells (numbers stay numbers) written with openpyxl and csv."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from facilities.extensions import db
from facilities.formatting import spreadsheet_row
from facilities.inventory import services as inventory
from facilities.inventory.catalogue import (
    SERVICE_LABELS,
    SITE_KIND_LABELS,
    SITE_STATUS_LABELS,
    SPACE_TYPE_LABELS,
    label,
)
from facilities.inventory.models import Building
from facilities.money import cents_to_euros

# Excel forbids these characters in sheet names; 31 characters at most.
_SHEET_FORBIDDEN = str.maketrans({c: "-" for c in "[]:*?/\\"})


def _number(value):
    """Decimal → float for the spreadsheet (areas have two decimals); ints stay ints; None stays empty."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    return value


def _sheet_title(name: str, used: set[str]) -> str:
    base = (name.translate(_SHEET_FORBIDDEN).strip("'") or "Sheet")[:28]
    title, n = base, 2
    while title.lower() in used:
        title, n = f"{base[:25]} ({n})", n + 1
    used.add(title.lower())
    return title


def _write_rows(sheet, header: list[str], rows: list[list]) -> None:
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(spreadsheet_row(row))  # text that starts like a formula stays text
    sheet.freeze_panes = "A2"
    for index, title in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(title) + 4))


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def inventory_workbook(building: Building, labels: dict[str, str]) -> bytes:
    """A summary sheet (one row per floor and the building total) and one sheet per floor with its spaces."""
    total, per_floor = inventory.building_summaries([building.id])[building.id]
    workbook = Workbook()
    summary = workbook.active
    used = {"summary"}
    summary.title = _sheet_title(labels["summary"], set())
    floors = sorted(building.floors, key=lambda floor: floor.level)
    figures = ["spaces", "net_area_m2", "interview_offices", "medical_cabinets", "digital_spaces", "pcs",
               "mediation_spaces", "workstations"]
    rows = []
    for floor in floors:
        s = per_floor.get(floor.id)
        rows.append([floor.level, floor.name, bool(floor.is_public), _number(floor.area_m2)]
                    + [_number(getattr(s, name)) if s else 0 for name in figures])
    rows.append([None, labels["building_total"], None, None] + [_number(getattr(total, name)) for name in figures])
    _write_rows(summary, [labels[k] for k in ("level", "floor", "public", "floor_area", *figures)], rows)
    for floor in floors:
        sheet = workbook.create_sheet(_sheet_title(f"{floor.level} {floor.name}", used))
        _write_rows(sheet, [labels[k] for k in ("code", "name", "type", "area", "public", "step_free",
                                                  "workstations", "pcs", "specialty", "equipment")],
                    [[s.code, s.name, label(SPACE_TYPE_LABELS, s.space_type), _number(s.area_m2),
                      bool(s.is_public), bool(s.step_free), s.workstations, s.pcs, s.specialty,
                      s.equipment] for s in floor.spaces])
    return _save(workbook)


SITE_COLUMNS = ("code", "name", "kind", "status", "address", "postcode", "commune_code", "commune_name",
                "latitude", "longitude", "opened_on", "services", "buildings", "floors", "spaces",
                "interview_offices", "medical_cabinets", "workstations", "net_area_m2", "cost_eur")


def site_rows(filters: inventory.SiteFilters) -> list[list]:
    """The site list with the same filters as its page, with each site's summed key figures; typed values."""
    sites = list(db.session.execute(inventory.site_query(filters)).scalars())
    building_ids = {site.id: [] for site in sites}
    rows_by_site = db.session.execute(
        db.select(Building.site_id, Building.id, Building.cost_cents).where(Building.site_id.in_(list(building_ids)))
    ).all() if sites else []
    costs: dict[int, int | None] = {}
    for site_id, building_id, cost in rows_by_site:
        building_ids[site_id].append(building_id)
        if cost is not None:
            costs[site_id] = costs.get(site_id, 0) + cost
    summaries = inventory.building_summaries([b for ids in building_ids.values() for b in ids])
    rows = []
    for site in sites:
        totals = [summaries[b][0] for b in building_ids[site.id]]
        cost = costs.get(site.id)
        rows.append([
            site.code, site.name, label(SITE_KIND_LABELS, site.kind), label(SITE_STATUS_LABELS, site.status),
            site.address, site.postcode, site.commune_code, site.commune_name,
            site.latitude, site.longitude, site.opened_on,
            "; ".join(label(SERVICE_LABELS, code) for code in site.service_codes),
            len(totals), sum(t.floors for t in totals), sum(t.spaces for t in totals),
            sum(t.interview_offices for t in totals), sum(t.medical_cabinets for t in totals),
            sum(t.workstations for t in totals), _number(sum((t.net_area_m2 for t in totals), Decimal(0))),
            _number(cents_to_euros(cost)),
        ])
    return rows


def sites_xlsx(filters: inventory.SiteFilters, header: list[str]) -> bytes:
    """The filtered site list as a workbook; dates are dates, numbers are numbers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sites"
    rows = site_rows(filters)
    _write_rows(sheet, header, rows)
    for row in sheet.iter_rows(min_row=2, min_col=SITE_COLUMNS.index("opened_on") + 1,
                               max_col=SITE_COLUMNS.index("opened_on") + 1):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    return _save(workbook)


def sites_csv(filters: inventory.SiteFilters, header: list[str]) -> str:
    """The filtered site list as CSV (UTF-8 with BOM and ';' so that French spreadsheet programs open it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in site_rows(filters):
        writer.writerow(spreadsheet_row(["" if value is None else (value.isoformat() if hasattr(value, "isoformat")
                                                                   else value) for value in row]))
    return "\ufeff" + buffer.getvalue()


def annex_xlsx(annex, header: list[str], title: str, subtotal: str) -> bytes:
    """The budget annex (facilities.works.views.BudgetAnnex) as one sheet: a line per operation, a subtotal per
    programme and the total; amounts are numbers in euros."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(title, set())

    def amounts(line) -> list:
        cents = [line.voted_cents, line.revision_cents, line.ap_cents, line.paid_before_cents,
                 line.to_respread_cents, *line.cp_years, line.later_cents]
        return [_number(cents_to_euros(c)) for c in cents]

    rows, totals = [], []
    for programme in annex.programmes:
        rows.extend([programme.envelope.label, line.label, *amounts(line)] for line in programme.lines)
        rows.append([programme.envelope.label, subtotal, *amounts(programme.total)])
        totals.append(len(rows) + 1)  # the sheet's row number (the header is row 1)
    rows.append([annex.total.label, "", *amounts(annex.total)])
    totals.append(len(rows) + 1)
    _write_rows(sheet, header, rows)
    for row in sheet.iter_rows(min_row=2, min_col=3):
        for cell in row:
            cell.number_format = "#,##0.00"
    for number in totals:
        for cell in sheet[number]:
            cell.font = Font(bold=True)
    return _save(workbook)
