"""Areas by use (issue 15, point 1): tertiary and housing floor areas and the activity category of a building,
on the form, the API and the import, with the same refusals everywhere (nothing saved)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import select

from tests.bulk.test_bulk import SITE, csv_file, run
from tests.conftest import bearer, french, page_text
from tests.inventory.helpers import BUILDING_FORM


def test_rules_accept_areas_that_fit_and_refuse_the_others():
    from facilities.inventory import rules
    from facilities.validation import ValidationError

    values = rules.clean_building({"code": "M", "name": "Mixte", "gross_floor_area_m2": "1400",
                                   "tertiary_area_m2": "900", "housing_area_m2": "500",
                                   "activity_category": "offices"})
    assert (values["tertiary_area_m2"], values["housing_area_m2"], values["activity_category"]) == (
        D(900), D(500), "offices")
    # Zero housing is an area like any other; an all-housing building has 0 m² of tertiary area.
    assert rules.clean_building({"code": "L", "name": "L", "tertiary_area_m2": "0"})["tertiary_area_m2"] == 0
    for raw, field in [({"tertiary_area_m2": "1500", "gross_floor_area_m2": "1400"}, "tertiary_area_m2"),
                       ({"tertiary_area_m2": "900", "housing_area_m2": "600", "gross_floor_area_m2": "1400"},
                        "tertiary_area_m2"),
                       ({"housing_area_m2": "1500", "gross_floor_area_m2": "1400"}, "housing_area_m2"),
                       ({"tertiary_area_m2": "-1"}, "tertiary_area_m2"),
                       ({"housing_area_m2": "2000000"}, "housing_area_m2"),
                       ({"activity_category": "casino"}, "activity_category")]:
        with pytest.raises(ValidationError) as refused:
            rules.clean_building({"code": "X", "name": "X", **raw})
        assert field in refused.value.errors, raw


def test_tertiary_area_defaults_to_gross_less_housing():
    from facilities.inventory.rules import tertiary_area_m2

    assert tertiary_area_m2(D(1400), None, D(500)) == D(900)
    assert tertiary_area_m2(D(1400), None, None) == D(1400)
    assert tertiary_area_m2(D(1400), D(700), D(500)) == D(700)  # recorded: as recorded
    assert tertiary_area_m2(None, None, D(500)) is None


def test_form_saves_areas_and_refuses_tertiary_above_gross(client_as, factory, db):
    from facilities.inventory.models import Building

    building = factory.building(gross_floor_area_m2="1400")
    client = client_as("facilities_manager")
    form = {**BUILDING_FORM, "code": building.code, "name": building.name, "gross_floor_area_m2": "1400",
            "tertiary_area_m2": "1500", "housing_area_m2": "", "activity_category": "offices"}
    refused = client.post(f"/buildings/{building.id}/edit", data=form)
    assert refused.status_code == 422
    assert french("The tertiary area (%(tertiary)s m²) and the housing area (%(housing)s m²) add up to more than "
                  "the gross floor area (%(gross)s m²).", tertiary="1\u202f500", housing="0",
                  gross="1\u202f400") in page_text(refused)
    db.session.expire_all()
    assert db.session.get(Building, building.id).activity_category is None  # nothing saved
    saved = client.post(f"/buildings/{building.id}/edit", data={**form, "tertiary_area_m2": "900",
                                                                 "housing_area_m2": "500"})
    assert saved.status_code == 302
    page = page_text(client.get(f"/buildings/{building.id}"))
    assert "900" in page and "Bureaux, administration publique" in page


def test_api_fields_and_patch_checked_against_the_stored_areas(client, token_for, factory, db):
    headers = bearer(token_for("facilities_manager"))
    site = factory.site()
    created = client.post("/api/v1/buildings", headers=headers, json={
        "site_id": site.id, "code": "B-MIX", "name": "Mixte", "gross_floor_area_m2": 1400,
        "tertiary_area_m2": 900, "housing_area_m2": 500, "activity_category": "offices"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["tertiary_area_m2"], body["housing_area_m2"], body["activity_category"]) == (900, 500, "offices")
    building_id = body["id"]
    listed = client.get(f"/api/v1/buildings?site_id={site.id}", headers=headers).get_json()["items"][0]
    assert listed["tertiary_area_m2"] == 900 and listed["activity_category"] == "offices"
    # 1,000 m² of tertiary area with the stored 500 m² of housing does not fit in 1,400 m².
    refused = client.patch(f"/api/v1/buildings/{building_id}", headers=headers, json={"tertiary_area_m2": 1000})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.get_json()["errors"]] == ["tertiary_area_m2"]
    assert client.get(f"/api/v1/buildings/{building_id}", headers=headers).get_json()["tertiary_area_m2"] == 900
    ok = client.patch(f"/api/v1/buildings/{building_id}", headers=headers, json={"housing_area_m2": 400,
                                                                                 "tertiary_area_m2": 1000})
    assert ok.status_code == 200 and ok.get_json()["tertiary_area_m2"] == 1000


def test_import_reads_and_refuses_areas_by_use_all_or_nothing(db):
    from facilities.inventory import bulk_columns
    from facilities.inventory.models import Building

    assert {"tertiary_area_m2", "housing_area_m2", "activity_category"} <= set(bulk_columns.HEADERS["buildings"])
    good = {"entity": "building", "site_code": "NEW-SITE", "code": "B-GOOD", "name": "Bon",
            "gross_floor_area_m2": "1400", "tertiary_area_m2": "900", "housing_area_m2": "500",
            "activity_category": "offices"}
    bad = {**good, "code": "B-BAD", "tertiary_area_m2": "1200"}
    report = run(csv_file(SITE, good, bad), apply=True)
    assert not report.applied
    [refused] = [line for line in report.lines if line.outcome == "refused"]
    assert refused.where == "line 4" and "tertiary_area_m2" in refused.errors
    assert db.session.execute(select(Building)).first() is None
    assert run(csv_file(SITE, good), apply=True).applied
    building = db.session.execute(select(Building)).scalar_one()
    assert (building.tertiary_area_m2, building.housing_area_m2) == (D(900), D(500))


def test_export_writes_the_areas_by_use(factory, db):
    from facilities.inventory import bulk_columns, bulk_export

    factory.building(code="B-EXP", gross_floor_area_m2="1400", tertiary_area_m2="900", housing_area_m2="500",
                     activity_category="offices")
    [row] = bulk_export.export_tables()["buildings"]
    record = dict(zip(bulk_columns.HEADERS["buildings"], row, strict=True))
    assert (record["tertiary_area_m2"], record["housing_area_m2"], record["activity_category"]) == (
        D(900), D(500), "offices")
