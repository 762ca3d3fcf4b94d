"""Equipment import (CSV/XLSX with the inventory's readers): preview, all-or-nothing, export read back."""

from __future__ import annotations

import io

from tests.conftest import page_text

HEADER = ("building_code,floor_level,space_code,category,name,make,model,serial_number,installed_on,"
          "expected_life_years,replacement_cost_eur,condition,condition_on,criticality,notes,illustrative")


def _csv(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def _upload(client, data: bytes, name: str = "equipment.csv"):
    return client.post("/safety/equipment/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_a_refused_line_refuses_the_file_and_a_good_file_is_applied_once(client_as, factory, db):
    from facilities.safety.models import Equipment

    building = factory.building(code="B-EQ", floors=1, spaces_per_floor=1)
    space = building.floors[0].spaces[0]
    client = client_as("facilities_manager")
    client.set_cookie("lang", "en")
    good = f"B-EQ,{building.floors[0].level},{space.code},lift,Ascenseur A,Schindler,3300,SN-1,2019-03-01,25,45000,4,2026-01-10,high,,no"
    bad = "B-EQ,,,teleporter,Beam,,,,2999-01-01,,,9,,,,no"
    refused = _upload(client, _csv(good, bad))
    text = page_text(refused)
    assert refused.status_code == 422 and "Category must be one of" in text and "Installed on must be at most" in text
    assert db.session.query(Equipment).count() == 0
    assert 'name="upload"' not in text  # nothing to apply
    preview = _upload(client, _csv(good, "b-eq,,,extinguishers,Extincteurs,,,,,,,,,,,no"))
    assert preview.status_code == 200 and db.session.query(Equipment).count() == 0
    upload = page_text(preview).split('name="upload" type="hidden" value="')[1].split('"')[0]
    applied = client.post("/safety/equipment/import/apply", data={"upload": upload})
    assert applied.status_code == 302
    items = {item.name: item for item in db.session.query(Equipment)}
    assert set(items) == {"Ascenseur A", "Extincteurs"}
    assert (items["Ascenseur A"].space_id, items["Ascenseur A"].replacement_cost_cents) == (space.id, 4_500_000)
    again = page_text(_upload(client, _csv(good)))
    assert "The file matches the register" in again


def test_the_export_reads_back_unchanged_as_xlsx_and_csv(client_as, factory, db):
    from facilities.safety import imports, services
    from facilities.safety.rules import clean_equipment

    building = factory.building(code="B-EX", floors=1, spaces_per_floor=1)
    services.create_equipment(building, clean_equipment({"category": "gas", "name": "Chaufferie gaz",
                                                         "replacement_cost_eur": "12000.50", "condition": 3}),
                              building.floors[0], building.floors[0].spaces[0])
    for fmt in ("xlsx", "csv"):
        data = imports.export_file(fmt)
        report = imports.import_file(data, fmt, apply=False)
        assert report.ok and report.counts["unchanged"] == 1 and not report.changes_anything, report.lines
    client = client_as("director")
    assert client.get("/safety/equipment/export.csv").status_code == 200
    assert client.get("/safety/equipment/import").status_code == 403
