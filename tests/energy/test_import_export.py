"""CLI import (created / replaced / refused, all or nothing) and the OPERAT export."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from facilities.energy import services
from facilities.energy.models import BuildingEnergyYear, EnergyConsumption

HEADER = "building_code,year,carrier,kwh,area_m2,source\n"


@pytest.fixture
def two_buildings(factory, seeded, db):
    site = factory.site(code="S-A", name="Site A", address="1 rue A", postcode="92600", commune_code="92004")
    big = factory.building(site=site, code="BIG", name="Big", gross_floor_area_m2="1500")
    small = factory.building(site=site, code="SMALL", name="Small", gross_floor_area_m2="400")
    bare = factory.building(site=site, code="BARE", name="No area")
    services.record_consumption(big, services.clean_entry(big, {"year": 2015, "carrier": "natural_gas",
                                                                 "kwh": "300000"}))
    db.session.commit()
    return big, small, bare


def _count(db):
    return db.session.scalar(select(func.count()).select_from(EnergyConsumption))


def _kwh(db, code_year_carrier):
    from facilities.inventory.models import Building

    code, year, carrier = code_year_carrier
    return db.session.execute(select(EnergyConsumption.kwh).join(Building).where(
        Building.code == code, EnergyConsumption.year == year, EnergyConsumption.carrier == carrier)).scalar_one()


def test_import_reports_created_and_replaced(runner, write_csv, two_buildings, db):
    path = write_csv(HEADER + "BIG,2015,natural_gas,290000,,invoice\nBIG,2024,electricity,50000,,meter\n"
                     "BARE,2024,electricity,1000,250,\n")
    result = runner.invoke(args=["energy", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "line 2: replaced: BIG 2015 natural_gas 290000 kWh" in result.output
    assert "line 3: created: BIG 2024 electricity 50000 kWh" in result.output
    assert "line 4: created" in result.output
    assert "2 created, 1 replaced, 0 refused." in result.output
    db.session.expire_all()
    assert _count(db) == 3 and int(_kwh(db, ("BIG", 2015, "natural_gas"))) == 290000
    area = db.session.execute(select(BuildingEnergyYear.area_m2)).scalar_one()
    assert int(area) == 250


@pytest.mark.parametrize("line, expected", [
    ("NOPE,2024,electricity,10,,", "line 3: refused: building_code: unknown building code 'NOPE'"),
    ("BIG,2024,electricity,-10,,", "line 3: refused: kwh: Consumption (kWh final) must be at least 0 kWh"),
    ("BIG,2024,steam,10,,", "line 3: refused: carrier: Energy must be one of: electricity,"),
    ("BIG,1999,electricity,10,,", "line 3: refused: year: Year must be at least 2000"),
    (f"BIG,{date.today().year + 2},electricity,10,,", "line 3: refused: year: Year must be at most"),
    ("BARE,2024,electricity,10,,", "line 3: refused: area_m2: Energy reference area that year (m²) is required"),
    ("BIG,2024,electricity,ten,,", "line 3: refused: kwh: Consumption (kWh final) must be a number"),
    ("BIG,2024,electricity,10,,guess", "line 3: refused: source: Source must be one of: invoice, meter, estimate"),
    ("BIG,2024,electricity,10", "line 3: refused: line: expected 6 fields"),
    ("BIG,2024,wood,5,,", "line 3: refused: carrier: same building, year and carrier as line 2"),
])
def test_any_refused_line_writes_nothing(runner, write_csv, two_buildings, db, line, expected):
    before = _count(db)
    path = write_csv(HEADER + "BIG,2024,wood,10,,invoice\n" + line + "\n")
    result = runner.invoke(args=["energy", "import", str(path)])
    assert result.exit_code != 0
    assert expected in result.output
    assert "line 2: created" in result.output  # the good line is reported, and yet not written
    assert "Nothing was written." in result.output
    db.session.expire_all()
    assert _count(db) == before


@pytest.mark.parametrize("content, expected", [
    (b"", "the file is empty"),
    (b"building_code,year,kwh\nBIG,2024,10\n", "line 1: missing column(s): carrier"),
    (b"building_code,year,carrier,kwh,price\nBIG,2024,wood,10,3\n", "unknown column(s): 'price'"),
    (b'building_code,year,carrier,kwh\nBIG,2024,wood,"10\n', "malformed CSV"),
    (b"building_code,year,carrier,kwh\nBIG,2024,wood,10\nBIG,2024,\xff\xfe,10\n", "line 3: the file is not valid UTF-8"),
    (b"building_code,year,carrier,kwh\n", "no data line"),
])
def test_malformed_files_are_refused_whole(runner, write_csv, two_buildings, db, content, expected):
    before = _count(db)
    result = runner.invoke(args=["energy", "import", str(write_csv(content))])
    assert result.exit_code != 0
    assert expected in result.output
    assert _count(db) == before


def test_semicolon_files_and_area_given_on_a_later_line(runner, write_csv, two_buildings, db):
    path = write_csv("building_code;year;carrier;kwh;area_m2\nBARE;2023;electricity;10;\nBARE;2023;wood;5;300\n")
    result = runner.invoke(args=["energy", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output


def test_dry_run_writes_nothing(runner, write_csv, two_buildings, db):
    before = _count(db)
    result = runner.invoke(args=["energy", "import", "--dry-run", str(write_csv(HEADER + "BIG,2024,wood,10,,\n"))])
    assert "line 2: created" in result.output and _count(db) == before


def test_operat_export(runner, two_buildings, tmp_path, db):
    big, small, _bare = two_buildings
    for building, carrier, kwh in [(big, "natural_gas", "250000"), (big, "district_heating", "40000"),
                                   (small, "electricity", "30000")]:
        services.record_consumption(building, services.clean_entry(
            building, {"year": 2024, "carrier": carrier, "kwh": kwh}))
    db.session.commit()
    path = tmp_path / "operat.csv"
    result = runner.invoke(args=["energy", "operat-export", "2024", str(path)])
    assert result.exit_code == 0, result.output
    # BIG and SMALL stand on one site (1,500 + 400 = 1,900 m² of tertiary area): both subject, each proposed an
    # EFA of its own; BARE (no area) has no tertiary area, so is not.
    assert "2 EFA(s) proposed" in result.output and "2 EFA(s) written" in result.output
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert [r["efa_label"] for r in rows] == ["Big", "Small"]
    row = rows[0]
    assert {k: row[k] for k in ("buildings", "address", "postcode", "commune_insee_code", "year",
                                "tertiary_area_m2", "activity_category", "activity_category_label")} == {
        "buildings": "BIG", "address": "1 rue A", "postcode": "92600", "commune_insee_code": "92004",
        "year": "2024", "tertiary_area_m2": "1500.00", "activity_category": "offices",
        "activity_category_label": "Bureaux, administration publique"}
    assert row["kwh_final_natural_gas"] == "250000" and row["kwh_final_district_heating"] == "40000"
    # Raw 290,000 kWh; weighted 250,000 + 40,000 × 0.77 = 280,800 kWh.
    assert (row["kwh_final_electricity"], row["kwh_final_total"], row["kwh_weighted_total"]) == (
        "", "290000", "280800")
    # Reference: 2015 only year in the window: 300,000 kWh raw and weighted, 1,500 m², 200 kWh/m².
    assert (row["reference_year"], row["reference_kwh_final_total"], row["reference_kwh_weighted_total"],
            row["reference_area_m2"], row["reference_kwh_weighted_per_m2"]) == (
        "2015", "300000", "300000", "1500.00", "200.00")


def test_operat_export_refuses_a_bad_year(runner, tmp_path, seeded):
    result = runner.invoke(args=["energy", "operat-export", "1990", str(tmp_path / "x.csv")])
    assert result.exit_code != 0 and "year must be between" in result.output


def test_operat_columns_live_in_one_list():
    from facilities.energy.operat import OPERAT_COLUMNS

    headers = [header for header, _fn in OPERAT_COLUMNS]
    assert len(headers) == len(set(headers))
    assert {"efa_id", "commune_insee_code", "tertiary_area_m2", "kwh_final_electricity", "kwh_weighted_total",
            "reference_year", "reference_kwh_final_total", "reference_kwh_weighted_per_m2"} <= set(headers)
    # Every figure names its unit: kWh, m² or kWh per m².
    figures = [h for h in headers if h.startswith(("kwh", "reference_kwh", "tertiary", "reference_area"))]
    assert all(h.endswith(("_m2", "_total", "_per_m2")) or h.startswith("kwh_final_") for h in figures)
