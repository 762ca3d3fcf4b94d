"""Bulk import and export: dry run, all-or-nothing apply, idempotence, round trips, bad files, permissions."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select


def csv_file(*lines: dict) -> bytes:
    from facilities.inventory import bulk_columns

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=bulk_columns.CSV_HEADERS, lineterminator="\n")
    writer.writeheader()
    for line in lines:
        writer.writerow({name: line.get(name, "") for name in bulk_columns.CSV_HEADERS})
    return out.getvalue().encode("utf-8")


SITE = {"entity": "site", "code": "NEW-SITE", "name": "Nouveau site", "kind": "social_hub", "status": "open",
        "latitude": "48.9", "longitude": "2.3", "services": "pmi"}
BUILDING = {"entity": "building", "site_code": "NEW-SITE", "code": "NEW-B1", "name": "Bâtiment 1",
            "cost_eur": "1250000.50"}
FLOOR = {"entity": "floor", "building_code": "NEW-B1", "level": "0", "name": "RDC", "is_public": "yes"}


def space(code: str, **values) -> dict:
    return {"entity": "space", "building_code": "NEW-B1", "level": "0", "code": code, "name": f"Local {code}",
            "space_type": "office", "area_m2": "12.5", "workstations": "1", **values}


def counts(db):
    from facilities.inventory.models import Building, Floor, Site, Space

    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (Site, Building, Floor, Space))


def audit_count(db):
    from facilities.trail.models import AuditEntry

    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def run(data: bytes, fmt="csv", apply=False, **kwargs):
    """Import as an English-speaking user: these tests read the importer's messages; the catalogue test checks
    that each has its French translation."""
    from flask_babel import force_locale

    from facilities.inventory import bulk

    with force_locale("en"):
        return bulk.import_file(data, fmt, apply=apply, **kwargs)


def test_dry_run_reports_each_line_and_writes_nothing(db):
    data = csv_file(SITE, BUILDING, FLOOR, space("0.01"), space("0.02"))
    report = run(data)
    assert report.ok and not report.applied
    assert report.counts == {"create": 5, "update": 0, "unchanged": 0, "refused": 0}
    assert [line.entity for line in report.lines] == ["site", "building", "floor", "space", "space"]
    assert report.lines[3].where == "line 5" and report.lines[3].key == "NEW-B1 / 0 / 0.01"
    db.session.rollback()
    assert counts(db) == (0, 0, 0, 0)


def test_apply_creates_then_second_import_changes_nothing(db):
    data = csv_file(SITE, BUILDING, FLOOR, space("0.01"), space("0.02"))
    report = run(data, apply=True)
    assert report.applied
    db.session.commit()
    assert counts(db) == (1, 1, 1, 2)
    from facilities.inventory.models import Building, Site

    site = db.session.execute(select(Site)).scalar_one()
    assert site.service_codes == ["pmi"] and site.latitude == 48.9
    assert db.session.execute(select(Building)).scalar_one().cost_cents == 125000050
    trail = audit_count(db)
    again = run(data, apply=True)
    db.session.commit()
    assert again.counts == {"create": 0, "update": 0, "unchanged": 5, "refused": 0}
    assert audit_count(db) == trail  # nothing changed, nothing recorded


def test_dry_run_names_the_changed_fields_with_old_and_new_values(db):
    run(csv_file(SITE, BUILDING, FLOOR, space("0.01")), apply=True)
    db.session.commit()
    report = run(csv_file(SITE, BUILDING, FLOOR, space("0.01", area_m2="15", name="Bureau")))
    [line] = [line for line in report.lines if line.outcome == "update"]
    assert line.entity == "space"
    assert line.changes == {"name": ("Local 0.01", "Bureau"), "area_m2": ("12.50", "15.00")}


def test_one_refused_line_means_nothing_is_written(db):
    data = csv_file(SITE, BUILDING, FLOOR, space("0.01"), space("0.02", area_m2="-3"), space("0.03", space_type="x"))
    report = run(data, apply=True)
    assert not report.ok and not report.applied
    refused = [line for line in report.lines if line.outcome == "refused"]
    assert [line.where for line in refused] == ["line 6", "line 7"]
    assert "area_m2" in refused[0].errors and "space_type" in refused[1].errors
    db.session.commit()
    assert counts(db) == (0, 0, 0, 0)
    assert audit_count(db) == 0


def test_references_duplicates_and_unknown_entities_are_refused_line_by_line(db):
    report = run(csv_file(
        {**BUILDING, "site_code": "NOPE"},
        {**FLOOR, "building_code": "NOPE-B"},
        SITE, SITE,
        {"entity": "robot", "code": "x"},
        space("0.01", level="3", building_code="NOPE-B"),
    ))
    by_where = {line.where: line for line in report.lines}
    assert "NOPE" in by_where["line 2"].errors["site_code"]
    assert "building_code" in by_where["line 3"].errors
    assert by_where["line 5"].outcome == "refused" and "line 4" in by_where["line 5"].errors["code"]
    assert "entity" in by_where["line 6"].errors
    assert "building_code" in by_where["line 7"].errors


def test_a_space_on_a_missing_floor_is_refused(factory, db):
    building = factory.building(floors=1)
    report = run(csv_file(space("9.01", building_code=building.code, level="9")))
    [line] = report.lines
    assert line.outcome == "refused" and "9" in line.errors["level"]


def test_an_architect_may_not_change_sites_but_may_reimport_them_unchanged(factory, db):
    from facilities.inventory import bulk_export

    factory.building(floors=1, spaces_per_floor=1)
    export = bulk_export.export_file("csv")
    unchanged = run(export, can_edit_sites=False)
    assert unchanged.ok and unchanged.counts["unchanged"] == len(unchanged.lines)
    changed = export.replace(b",Site ", b",Renamed site ", 1)
    report = run(changed, apply=True, can_edit_sites=False)
    assert not report.ok and not report.applied
    [line] = [line for line in report.lines if line.outcome == "refused" and line.entity == "site"]
    assert "site" in line.errors["site"]
    assert "edit sites" in line.errors["site"]


def test_export_round_trip_csv_and_xlsx(demo, db):
    from facilities.inventory import bulk_export
    from facilities.inventory.models import PublishedFigure

    before = counts(db)
    published = db.session.scalar(select(func.count()).select_from(PublishedFigure))
    assert published  # the demo's press-release figures travel in the file too
    for fmt in ("csv", "xlsx"):
        data = bulk_export.export_file(fmt)
        report = run(data, fmt=fmt, apply=True)
        assert report.ok, [(line.where, line.errors) for line in report.lines if line.errors][:5]
        assert report.counts["unchanged"] == sum(before) + published, (fmt, report.notable(5))
        assert not report.changes_anything
        db.session.commit()
    assert counts(db) == before


def test_xlsx_import_creates_and_keeps_text_as_text(db):
    from openpyxl import Workbook

    from facilities.inventory import bulk_columns, bulk_export

    workbook = Workbook()
    workbook.remove(workbook.active)
    for kind in bulk_columns.KINDS:
        workbook.create_sheet(kind).append(bulk_columns.HEADERS[kind])
    rows = {"sites": SITE, "buildings": BUILDING, "floors": FLOOR, "spaces": space("0.01", level=0)}
    for kind, values in rows.items():
        workbook[kind].append([values.get(name) for name in bulk_columns.HEADERS[kind]])
    out = io.BytesIO()
    workbook.save(out)
    report = run(out.getvalue(), fmt="xlsx", apply=True)
    assert report.applied, report.notable()
    db.session.commit()
    assert counts(db) == (1, 1, 1, 1)
    again = run(bulk_export.export_file("xlsx"), fmt="xlsx")
    assert again.counts["unchanged"] == 4, again.notable()


def test_text_that_looks_like_a_formula_stays_text_in_xlsx(db):
    from facilities.inventory import bulk_export
    from facilities.inventory.models import Space

    run(csv_file(SITE, BUILDING, FLOOR, space("0.01", name="=HYPERLINK(\"http://x\")")), apply=True)
    db.session.commit()
    report = run(bulk_export.export_file("xlsx"), fmt="xlsx", apply=True)
    assert report.counts["unchanged"] == 4, report.notable()
    assert db.session.execute(select(Space.name)).scalar_one() == '=HYPERLINK("http://x")'


@pytest.mark.parametrize("data, message", [
    (b"entity,code\nsite,\xff\xfe\n", "UTF-8"),
    (b"", "empty"),
    (b"code,name\nA,B\n", "entity"),
    (b"entity,code,colour\nsite,A,red\n", "colour"),
    (b"entity,code,name\nsite,A,B\n", "missing column"),
    (b"entity,code\x00\n", "CSV"),
])
def test_bad_csv_files_get_a_clear_message_and_change_nothing(db, data, message):
    report = run(data, apply=True)
    assert report.file_error and message in report.file_error
    assert not report.applied and counts(db) == (0, 0, 0, 0)


def test_bad_workbooks_get_a_clear_message(db):
    from openpyxl import Workbook

    from facilities.inventory import bulk_columns

    assert "readable" in run(b"not a zip", fmt="xlsx").file_error
    workbook = Workbook()
    workbook.active.title = "sites"
    workbook["sites"].append(bulk_columns.HEADERS["sites"])
    out = io.BytesIO()
    workbook.save(out)
    missing_sheets = run(out.getvalue(), fmt="xlsx").file_error
    assert "buildings" in missing_sheets and "floors" in missing_sheets
    for kind in ("buildings", "floors", "spaces"):
        workbook.create_sheet(kind).append(bulk_columns.HEADERS[kind][:-1])
    out = io.BytesIO()
    workbook.save(out)
    missing_column = run(out.getvalue(), fmt="xlsx").file_error
    assert "Sheet buildings" in missing_column and "missing column" in missing_column


# ---------------------------------------------------------------- command line


def test_cli_dry_run_then_import_then_export(runner, db, tmp_path):
    source = tmp_path / "inventory.csv"
    source.write_bytes(csv_file(SITE, BUILDING, FLOOR, space("0.01")))
    dry = runner.invoke(args=["inventory", "import", str(source), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "4 create" in dry.output and "Dry run" in dry.output
    assert counts(db) == (0, 0, 0, 0)
    applied = runner.invoke(args=["inventory", "import", str(source)])
    assert applied.exit_code == 0 and "Import applied" in applied.output
    assert counts(db) == (1, 1, 1, 1)
    for name in ("out.csv", "out.xlsx"):
        exported = runner.invoke(args=["inventory", "export", str(tmp_path / name)])
        assert exported.exit_code == 0, exported.output
        again = runner.invoke(args=["inventory", "import", str(tmp_path / name)])
        assert again.exit_code == 0 and "Nothing to change" in again.output


def test_cli_refuses_a_bad_file_with_exit_code_1(runner, db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file(SITE, {**BUILDING, "year_built": "1200"}))
    result = runner.invoke(args=["inventory", "import", str(bad)])
    assert result.exit_code == 1
    assert "year_built" in result.output and "Nothing was written" in result.output
    assert counts(db) == (0, 0, 0, 0)
    wrong = tmp_path / "inventory.txt"
    wrong.write_text("x")
    assert runner.invoke(args=["inventory", "import", str(wrong)]).exit_code == 2


# ---------------------------------------------------------------- pages


def test_upload_dry_run_then_confirm_applies(client_as, db, app):
    client = client_as("facilities_manager")
    assert client.get("/inventory/import").status_code == 200
    data = csv_file(SITE, BUILDING, FLOOR, space("0.01"))
    response = client.post("/inventory/import", data={"file": (io.BytesIO(data), "inventory.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="import-report"' in html and "NEW-B1 / 0 / 0.01" in html
    assert counts(db) == (0, 0, 0, 0)
    import re

    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="upload" name="upload" type="hidden" value="([^"]+)"', html)
    assert token, html[-3000:]
    other = client_as("architect")
    with app.app_context():  # a fresh context, so that the request does not reuse the first user's login
        assert other.post("/inventory/import/apply", data={"upload": token.group(1)}).status_code == 302
    assert counts(db) == (0, 0, 0, 0)  # another user cannot apply someone else's upload
    applied = client.post("/inventory/import/apply", data={"upload": token.group(1)})
    assert applied.status_code == 302
    assert counts(db) == (1, 1, 1, 1)
    from facilities.trail.models import AuditEntry

    entry = db.session.execute(select(AuditEntry).where(AuditEntry.entity == "space")).scalar_one()
    assert (entry.actor, entry.source) == ("facilities_manager@test.example", "import")
    # applied once: the kept file is gone
    assert client.post("/inventory/import/apply", data={"upload": token.group(1)}).status_code == 302
    assert counts(db) == (1, 1, 1, 1)


def test_architect_upload_changing_a_site_is_refused_on_the_page(client_as, db):
    client = client_as("architect")
    response = client.post("/inventory/import", data={"file": (io.BytesIO(csv_file(SITE)), "inventory.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "outcome-refused" in html and 'name="upload"' not in html


def test_bad_upload_shows_the_file_error(client_as, db):
    client = client_as("facilities_manager")
    response = client.post("/inventory/import", data={"file": (io.BytesIO(b"\xff\xfe\x00"), "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert 'id="file-error"' in response.get_data(as_text=True)
    wrong = client.post("/inventory/import", data={"file": (io.BytesIO(b"x"), "x.pdf")},
                        content_type="multipart/form-data")
    assert wrong.status_code == 422


def test_import_page_permissions_and_export_download(client_as, factory):
    factory.building(floors=1, spaces_per_floor=1)
    assert client_as("director").get("/inventory/import").status_code == 403
    director = client_as("director")
    response = director.get("/inventory/export.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    csv_response = director.get("/inventory/export.csv")
    assert csv_response.mimetype == "text/csv"
    assert csv_response.data.decode("utf-8-sig").splitlines()[0].startswith("entity,site_code,building_code")
    assert director.get("/inventory/export.pdf").status_code == 404


def test_oversized_upload_gets_413(client_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    client = client_as("facilities_manager")
    response = client.post("/inventory/import", data={"file": (io.BytesIO(b"x" * 5000), "big.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413


def test_an_import_may_clear_communes_served(client_as, factory, db):
    """Issue 12, "Why" 9: a file emptying a site's communes served answered 500 (sorting dicts)."""
    from facilities.inventory import bulk_export
    from facilities.inventory.models import Site

    factory.site(code="S-COM", communes_served="92004 Asnières-sur-Seine\n92036 Gennevilliers")
    db.session.commit()
    rows = list(csv.DictReader(io.StringIO(bulk_export.export_file("csv").decode("utf-8-sig"))))
    assert rows[0]["communes_served"] == "92004 Asnières-sur-Seine; 92036 Gennevilliers"
    rows[0]["communes_served"] = ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    client = client_as("facilities_manager")
    response = client.post("/inventory/import", data={"file": (io.BytesIO(out.getvalue().encode()), "sites.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    report = run(out.getvalue().encode(), apply=True)
    [line] = report.lines
    assert line.outcome == "update" and line.changes == {
        "communes_served": ("92004 Asnières-sur-Seine, 92036 Gennevilliers", "")}
    db.session.commit()
    assert db.session.execute(select(Site.communes_served)).scalar_one() == []
