"""Formula injection: every CSV export neutralises text that starts like a formula, through one function
(facilities.formatting.spreadsheet_text), and the inventory import takes the added quote off again."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

FORMULAS = ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("text, cell", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-x", "'-x"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("'=1", "''=1"), ("''-1", "'''-1"), ("'quoted", "'quoted"), ("plain", "plain"), ("", ""), ("a=b", "a=b"),
])
def test_one_function_neutralises_and_the_import_restores(text, cell):
    from facilities.formatting import spreadsheet_text, spreadsheet_text_from_csv

    assert spreadsheet_text(text) == cell
    assert spreadsheet_text_from_csv(cell) == text


def test_inventory_csv_export_neutralises_formulas_and_round_trips(client_as, factory, db):
    from facilities.inventory import bulk
    from facilities.inventory.models import Space

    building = factory.building(name="-Aile nord", floors=1, spaces_per_floor=len(FORMULAS) + 1)
    spaces = sorted(building.floors[0].spaces, key=lambda space: space.code)
    for space, name in zip(spaces, FORMULAS + ["'=quoted by hand"], strict=True):
        space.name = name
    db.session.commit()
    response = client_as("director").get("/inventory/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    names = {row["name"] for row in rows if row["entity"] == "space"}
    assert names == {"'" + name for name in FORMULAS} | {"''=quoted by hand"}
    assert {row["name"] for row in rows if row["entity"] == "building"} == {"'-Aile nord"}
    # Re-imported, each name is itself again (the rules strip the leading tab and CR, as on every entry path).
    report = bulk.import_file(response.data, "csv", apply=True)
    assert report.ok, report.notable(5)
    assert {line.changes["name"] for line in report.lines if line.outcome == "update"} == {("\tx", "x"), ("\rx", "x")}
    db.session.commit()
    stored = set(db.session.execute(select(Space.name)).scalars())
    assert stored == set(FORMULAS[:4]) | {"x", "'=quoted by hand"}


def test_inventory_xlsx_export_keeps_text_exact_and_marked_as_text(client_as, factory, db):
    from openpyxl import load_workbook

    building = factory.building(floors=1, spaces_per_floor=1)
    building.floors[0].spaces[0].name = "=1+1"
    db.session.commit()
    response = client_as("director").get("/inventory/export.xlsx")
    cell = load_workbook(io.BytesIO(response.data))["spaces"]["D2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)


def test_site_list_csv_neutralises_formulas(client_as, factory):
    factory.site(name="=cmd|' /C calc'!A0", address="@SUM(1)")
    response = client_as("director").get("/sites.csv")
    [row] = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))[1:]
    assert row[1] == "'=cmd|' /C calc'!A0" and row[4] == "'@SUM(1)"


def test_operat_csv_neutralises_formulas(runner, factory, db, tmp_path):
    from facilities.energy import services
    from facilities.energy.services import ensure_reference_seeded

    ensure_reference_seeded()
    site = factory.site(code="S-F", name="=evil()", address="+1 rue", postcode="92600", commune_code="92004")
    building = factory.building(site=site, code="F-1", name="-Bâtiment", gross_floor_area_m2="1500")
    for year in (2015, 2024):
        services.record_consumption(building, services.clean_entry(
            building, {"year": year, "carrier": "natural_gas", "kwh": "300000"}))
    db.session.commit()
    path = tmp_path / "operat.csv"
    result = runner.invoke(args=["energy", "operat-export", "2024", str(path)])
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert (row["efa_label"], row["address"], row["kwh_final_natural_gas"]) == ("'-Bâtiment", "'+1 rue", "300000")
