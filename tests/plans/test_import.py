"""Importing plans from IFC (IFC2X3 and IFC4) and DXF files built by the tests' own builders: a preview first,
then all or nothing, idempotent, audited; through the page, the API and the command line."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.conftest import bearer, page_text
from tests.plans.builders import Room, Storey, build_dxf, build_ifc, rectangle


def three_storeys() -> list[Storey]:
    """A basement, a ground floor of three rooms and a first floor of two (elevations -3, 0, 3.2 m)."""
    return [
        Storey("R+1", 3.2, [Room("1.01", "Salle de réunion", rectangle(0, 0, 5, 4)),
                            Room("1.02", "Bureau", rectangle(5, 0, 4, 4), net_area_m2=16.0)]),
        Storey("RDC", 0.0, [Room("0.01", "Bureau d'entretien 1", rectangle(0, 0, 4, 3), net_area_m2=12.0),
                            Room("0.02", "Accueil", rectangle(4, 0, 6, 3), net_area_m2=18.0),
                            Room("0.03", "Local mystère", rectangle(10, 0, 2, 3), net_area_m2=7.0)]),
        Storey("Sous-sol", -3.0, [Room("S1.01", "Local technique", rectangle(0, 0, 6, 5))]),
    ]


def run(building, path, fmt="ifc", apply_it=True, **options):
    from facilities.plans import importer

    return importer.import_plans(building, path, fmt, apply_it=apply_it, **options)


@pytest.mark.parametrize("schema", ["IFC2X3", "IFC4"])
def test_an_ifc_model_becomes_floors_and_rooms_by_elevation(factory, db, tmp_path, schema):
    from facilities.inventory.models import Floor
    from facilities.plans import services

    building = factory.building()
    path = build_ifc(tmp_path / "model.ifc", three_storeys(), schema=schema, millimetres=schema == "IFC4")
    preview = run(building, path, apply_it=False)
    assert preview.ok, (preview.file_errors, [line for line in preview.lines if line.errors])
    assert preview.counts == {"create": 9, "update": 0, "unchanged": 0, "refused": 0}  # 3 floors, 6 rooms
    assert [(level, code) for level, code, _texts in preview.unmapped] == [(0, "0.03")]
    # 0.03 is declared 7 m² in the file and drawn 2 × 3 = 6 m²: 14 % off.
    assert [(d.code, d.file_m2, d.drawn_m2) for d in preview.area_differences] == [
        ("0.03", Decimal("7.00"), Decimal("6.00"))]
    assert db.session.scalars(select(Floor).where(Floor.building_id == building.id)).all() == []  # a preview
    preview = run(building, path)
    db.session.commit()
    floors = {floor.level: floor for floor in db.session.scalars(select(Floor).where(Floor.building_id == building.id))}
    assert {level: floor.name for level, floor in floors.items()} == {-1: "Sous-sol", 0: "RDC", 1: "R+1"}
    ground = {space.code: space for space in floors[0].spaces}
    assert ground["0.01"].space_type == "interview_office" and ground["0.01"].area_m2 == Decimal("12.00")
    assert ground["0.02"].space_type == "reception" and ground["0.03"].space_type == "other"
    assert {space.code: space.area_m2 for space in floors[1].spaces} == {"1.01": Decimal("20.00"),
                                                                         "1.02": Decimal("16.00")}  # footprint
    plan = services.floor_plan(floors[0])
    assert {room.space.code: room.drawn_area_m2 for room in plan.rooms} == {
        "0.01": Decimal("12.00"), "0.02": Decimal("18.00"), "0.03": Decimal("6.00")}
    assert services.georeference(building.id).latitude == pytest.approx(48.9127, abs=1e-6)
    # Run again: nothing to change.
    again = run(building, path, apply_it=False)
    assert again.ok and not again.changes_anything
    assert again.counts["unchanged"] == 9


def test_an_edited_mapping_gives_the_type(factory, db, tmp_path):
    from facilities.plans.models import TypeMapping

    db.session.add(TypeMapping(pattern="mystere", space_type="storage"))
    db.session.commit()
    building = factory.building()
    preview = run(building, build_ifc(tmp_path / "m.ifc", three_storeys()))
    assert preview.ok and preview.unmapped == []
    db.session.commit()
    from facilities.inventory.models import Space

    assert db.session.scalar(select(Space.space_type).where(Space.code == "0.03")) == "storage"


@pytest.mark.parametrize("storeys, message", [
    ([], "aucun étage"),
    ([Storey("RDC", 0, [])], "aucun local"),
    ([Storey("RDC", 0, [Room("0.01", "Bureau", rectangle(0, 0, 4, 3), drawn=False)])], "ni géométrie"),
    ([Storey("RDC", 0, [Room("0.01", "Bureau", rectangle(0, 0, 4, 3)), Room("0.02", "Bureau", rectangle(3, 0, 4, 3))])],
     "se chevauchent"),
])
def test_bad_ifc_files_are_refused_with_a_clear_message_and_nothing_saved(factory, db, tmp_path, client_as,
                                                                          storeys, message):
    from facilities.inventory.models import Floor

    building = factory.building()
    path = build_ifc(tmp_path / "bad.ifc", storeys)
    client = client_as("architect")
    response = client.post(f"/buildings/{building.id}/plans/import", data={
        "file": (io.BytesIO(path.read_bytes()), "bad.ifc"), "unit": "m", "level": "0"},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in page_text(response), page_text(response)[:3000]
    assert db.session.scalars(select(Floor).where(Floor.building_id == building.id)).all() == []


def test_files_that_are_not_plans_or_without_units_are_refused(factory, tmp_path):
    building = factory.building()
    (tmp_path / "text.ifc").write_text("hello")
    assert "pas un fichier IFC" in run(building, tmp_path / "text.ifc").file_errors[0]
    (tmp_path / "text.dxf").write_text("hello")
    assert "pas un fichier DXF" in run(building, tmp_path / "text.dxf", "dxf").file_errors[0]
    no_units = build_ifc(tmp_path / "nounits.ifc", three_storeys(), with_units=False)
    assert "unité" in run(building, no_units).file_errors[0]


def test_a_file_too_large_is_refused_before_it_is_read(factory, tmp_path, app, monkeypatch):
    building = factory.building()
    monkeypatch.setitem(app.config, "PLANS_IMPORT_MAX_BYTES", 1024 * 1024)
    big = tmp_path / "big.ifc"
    big.write_bytes(b"ISO-10303-21;\n" + b"/* padding */\n" * 200_000)  # 2.8 MB
    assert "Mo" in run(building, big).file_errors[0]


def test_a_dxf_layer_becomes_the_rooms_of_a_floor_in_the_drawing_unit(factory, db, tmp_path):
    from facilities.inventory.models import Floor
    from facilities.plans import services

    building = factory.building(floors=1, spaces_per_floor=1)  # level 0 has room 0.00 (12 m², undrawn)
    path = build_dxf(tmp_path / "plan.dxf", [("0.00", rectangle(0, 0, 4, 3)), ("0.10", rectangle(4, 0, 5, 3))],
                     scale=1000)
    preview = run(building, path, "dxf", layer="ROOMS", unit="mm", level=0)
    assert preview.ok, preview.file_errors
    assert preview.counts == {"create": 1, "update": 1, "unchanged": 1, "refused": 0}
    db.session.commit()
    floor = db.session.scalar(select(Floor).where(Floor.building_id == building.id, Floor.level == 0))
    plan = services.floor_plan(floor)
    assert {room.space.code: room.drawn_area_m2 for room in plan.rooms} == {"0.00": Decimal("12.00"),
                                                                            "0.10": Decimal("15.00")}
    assert not run(building, path, "dxf", apply_it=False, layer="ROOMS", unit="mm").changes_anything


def test_bad_dxf_files_are_refused(factory, tmp_path):
    building = factory.building()
    opened = build_dxf(tmp_path / "open.dxf", [("0.01", rectangle(0, 0, 4, 3))], open_codes=("0.01",))
    assert "polyligne ouverte" in run(building, opened, "dxf", layer="ROOMS").file_errors[0]
    plain = build_dxf(tmp_path / "plain.dxf", [("0.01", rectangle(0, 0, 4, 3))])
    assert "ROOMS, FURNITURE" in run(building, plain, "dxf").file_errors[0] or "FURNITURE, ROOMS" in run(
        building, plain, "dxf").file_errors[0]
    assert "WALLS" in run(building, plain, "dxf", layer="WALLS").file_errors[0]
    overlapping = build_dxf(tmp_path / "over.dxf", [("0.01", rectangle(0, 0, 4, 3)), ("0.02", rectangle(2, 0, 4, 3))])
    assert "se chevauchent" in run(building, overlapping, "dxf", layer="ROOMS").file_errors[0]


def test_the_page_previews_then_applies_and_the_trail_records_it(client_as, factory, db, tmp_path):
    from facilities.inventory.models import Space
    from facilities.trail.models import AuditEntry

    building = factory.building()
    path = build_ifc(tmp_path / "m.ifc", three_storeys())
    client = client_as("architect")
    assert "Importer des plans" in page_text(client.get(f"/buildings/{building.id}"))
    response = client.post(f"/buildings/{building.id}/plans/import", data={
        "file": (io.BytesIO(path.read_bytes()), "m.ifc"), "unit": "m", "level": "0"},
        content_type="multipart/form-data")
    assert response.status_code == 200
    text = page_text(response)
    assert "0.03" in text and "Appliquer l’import" in text or "Appliquer l'import" in text
    upload = response.get_data(as_text=True).split('name="upload" type="hidden" value="')[1].split('"')[0]
    response = client.post(f"/buildings/{building.id}/plans/import/apply",
                           data={"upload": upload, "unit": "m", "level": "0", "layer": ""})
    assert response.status_code == 302
    assert db.session.scalar(select(Space).where(Space.code == "0.01")) is not None
    sources = {entry.source for entry in db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity.in_(["space", "floor", "space_outline"])))}
    assert sources == {"import"}


def test_the_api_previews_and_applies(client, token_for, factory, db, tmp_path):
    from facilities.inventory.models import Floor

    building = factory.building()
    data = build_ifc(tmp_path / "m.ifc", three_storeys()).read_bytes()
    headers = bearer(token_for("architect"))
    url = f"/api/v1/buildings/{building.id}/plans/import"
    response = client.post(url, data={"file": (io.BytesIO(data), "m.ifc"), "dry_run": "true"}, headers=headers,
                           content_type="multipart/form-data")
    assert response.status_code == 200 and response.get_json()["counts"]["create"] == 9
    assert db.session.scalars(select(Floor).where(Floor.building_id == building.id)).all() == []
    response = client.post(url, data={"file": (io.BytesIO(data), "m.ifc")}, headers=headers,
                           content_type="multipart/form-data")
    assert response.status_code == 200 and response.get_json()["applied"] is True
    refused = client.post(url, data={"file": (io.BytesIO(b"nope"), "m.ifc")}, headers=headers,
                          content_type="multipart/form-data")
    assert refused.status_code == 422 and refused.get_json()["preview"]["ok"] is False
    assert client.post(url, data={"file": (io.BytesIO(data), "m.ifc")}, headers=bearer(token_for("director")),
                       content_type="multipart/form-data").status_code == 403


def test_the_command_line_prints_the_preview_and_exits_non_zero_on_a_refused_file(runner, factory, db, tmp_path):
    from facilities.inventory.models import Floor

    building = factory.building()
    path = build_ifc(tmp_path / "m.ifc", three_storeys())
    result = runner.invoke(args=["plans", "import", str(path), "--building", building.code, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "9 create" in result.output and "unmapped type: level 0 0.03" in result.output
    assert "Dry run" in result.output
    result = runner.invoke(args=["plans", "import", str(path), "--building", building.code])
    assert result.exit_code == 0 and "Plans imported." in result.output
    assert len(db.session.scalars(select(Floor).where(Floor.building_id == building.id)).all()) == 3
    bad = build_dxf(tmp_path / "o.dxf", [("0.01", rectangle(0, 0, 4, 3))], open_codes=("0.01",))
    result = runner.invoke(args=["plans", "import", str(bad), "--building", building.code, "--layer", "ROOMS",
                                 "--unit", "mm"])
    assert result.exit_code == 1 and "polyligne ouverte" in result.output and "Nothing was written" in result.output
