"""Spreadsheet exports: typed cells, a sheet per floor, and the site list's filters."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook


def test_inventory_xlsx_has_a_summary_and_a_typed_sheet_per_floor(client_as, asnieres):
    response = client_as("architect").get(f"/buildings/{asnieres.id}/inventory.xlsx")
    assert response.status_code == 200
    assert 'filename="inventaire-PS-ASN-B1.xlsx"' in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert len(workbook.sheetnames) == 1 + 7
    summary = workbook.worksheets[0]
    rows = list(summary.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 7 + 1
    total = rows[-1]
    assert total[4:] == (53, 1355, 10, 4, 2, 4, 3, 96)
    assert all(isinstance(value, int) for value in total[4:])
    ground = next(sheet for sheet in workbook.worksheets[1:] if sheet.title.startswith("0 "))
    space_rows = list(ground.iter_rows(min_row=2, values_only=True))
    assert space_rows
    assert all(isinstance(row[3], int | float) for row in space_rows)  # area
    assert all(isinstance(row[6], int) and isinstance(row[7], int) for row in space_rows)


def test_formula_like_user_text_stays_text(client_as, factory):
    building = factory.building(name="=HYPERLINK(\"http://evil\")", floors=1, spaces_per_floor=1)
    from facilities.inventory.models import Space

    space = building.floors[0].spaces[0]
    space.name = "=1+1"
    from facilities.extensions import db

    db.session.commit()
    response = client_as("architect").get(f"/buildings/{building.id}/inventory.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[1]
    assert sheet.cell(row=2, column=2).value == "'=1+1"
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert Space  # imported for clarity


def test_site_exports_follow_the_list_filters(client_as, demo):
    client = client_as("director")
    everything = load_workbook(io.BytesIO(client.get("/sites.xlsx").data)).active
    assert everything.max_row - 1 == 11
    response = client.get("/sites.xlsx?q=asni")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == ["PS-ASN"]
    row = rows[0]
    assert isinstance(row[8], float) and isinstance(row[9], float)  # coordinates
    assert isinstance(row[10], datetime | date)
    assert row[12:18] == (1, 7, 53, 10, 4, 96)
    assert row[19] == 11320000

    text = client.get("/sites.csv?status=planned").data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    codes = [line[0] for line in lines[1:]]
    assert codes and "PS-ASN" not in codes
    assert all(line[3] in ("Planned", "Prévu", "En projet") or line[3] for line in lines[1:])
    csv_all = list(csv.reader(io.StringIO(client.get("/sites.csv?commune=92004").data.decode("utf-8-sig")),
                              delimiter=";"))
    assert [line[0] for line in csv_all[1:]] == ["PS-ASN"]
