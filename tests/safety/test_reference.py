"""Safety reference tables: seeded once, shown with their sources, corrected by an administrator only."""

from __future__ import annotations

from tests.conftest import page_text


def test_seed_command_fills_the_tables_once(app, db, runner):
    first = runner.invoke(args=["safety", "seed-reference"])
    assert first.exit_code == 0 and "reference rows inserted" in first.output
    again = runner.invoke(args=["safety", "seed-reference"])
    assert "nothing inserted" in again.output


def test_reference_page_marks_unsourced_rows_and_only_admins_edit(client_as, db):
    from facilities.safety import reference

    reference.ensure_seeded()
    director = client_as("director")
    director.set_cookie("lang", "en")
    page = page_text(director.get("/safety/reference"))
    assert "W – offices, administrations · with or without accommodation" in page and "to confirm" in page
    assert "/safety/reference/erp_thresholds/new" not in page
    assert director.get("/safety/reference/erp_thresholds/new").status_code == 403
    admin = client_as("admin")
    admin.set_cookie("lang", "en")
    assert "/safety/reference/erp_thresholds/new" in page_text(admin.get("/safety/reference"))


def test_an_admin_adds_a_threshold_and_an_overlap_is_refused(client_as, db):
    from sqlalchemy import select

    from facilities.inventory.erp import ErpTypeThreshold
    from facilities.safety import reference

    reference.ensure_seeded()
    admin = client_as("admin")
    admin.set_cookie("lang", "en")
    form = {"erp_type": "SG", "accommodation": "any", "public_threshold": "50", "valid_from": "2026-01-01",
            "source": "Arrêté du 25 juin 1980, art. SG 2"}
    assert admin.post("/safety/reference/erp_thresholds/new", data=form).status_code == 302
    refused = admin.post("/safety/reference/erp_thresholds/new", data={**form, "valid_from": "2026-06-01"})
    assert refused.status_code == 422 and "Another row of the same key is in force" in page_text(refused)
    bad = admin.post("/safety/reference/erp_thresholds/new", data={**form, "erp_type": "ZZ"})
    assert bad.status_code == 422 and "ERP type must be one of" in page_text(bad)
    rows = db.session.scalars(select(ErpTypeThreshold).where(ErpTypeThreshold.erp_type == "SG")).all()
    assert [(row.public_threshold, row.sourced) for row in rows] == [(50, False)]
    row = rows[0]
    edit = admin.post(f"/safety/reference/erp_thresholds/{row.id}/edit",
                      data={**form, "public_threshold": "60", "sourced": "y"})
    assert edit.status_code == 302
    db.session.refresh(row)
    assert (row.public_threshold, row.sourced) == (60, True)


def test_the_erp_register_lists_buildings_with_their_category(client_as, factory, db):
    from facilities.safety import reference

    reference.ensure_seeded()
    factory.building(name="Pôle Test", erp_types=["W"], public_capacity=150, staff_capacity=20)
    client = client_as("director")
    client.set_cookie("lang", "en")
    page = page_text(client.get("/safety"))
    assert "Pôle Test" in page and "5 <span class=\"small text-muted\">(derived)" in page
