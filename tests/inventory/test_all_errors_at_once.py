"""Every error of a submission at once: each field's own, the rules tying fields and the codes already used, each
beside its field, in the forms and in one 422 body of the API; nothing saved (issue 14, point 8)."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import bearer, french, page_text


def test_a_building_form_with_three_different_errors_shows_the_three(client_as, db, factory):
    from facilities.inventory.models import Building

    site = factory.site()
    factory.building(site=site, code="TAKEN")
    before = db.session.scalar(select(func.count()).select_from(Building))
    response = client_as("facilities_manager").post(f"/sites/{site.id}/buildings/new", data={
        "code": "taken", "name": "New", "year_built": "abc", "erp_category_override": "3"})
    assert response.status_code == 422
    text = page_text(response)
    for message in (french("The code %(code)s is already used by another building", code="taken"),
                    french("Give the reason for overriding the derived ERP category")):
        assert message in text
    assert french("Year built or acquired") in text and "is-invalid" in text
    assert text.count("invalid-feedback") >= 3
    assert db.session.scalar(select(func.count()).select_from(Building)) == before


def test_a_site_form_reports_the_duplicate_code_with_field_and_cross_field_errors(client_as, db, factory):
    from facilities.inventory.models import Site

    factory.site(code="PS-DUP")
    response = client_as("facilities_manager").post("/sites/new", data={
        "code": "ps-dup", "name": "", "kind": "social_hub", "status": "open", "latitude": "48.9", "longitude": ""})
    assert response.status_code == 422
    text = page_text(response)
    assert french("The code %(code)s is already used by another site", code="ps-dup") in text
    assert french("%(field)s is required", field=french("Name")) in text
    assert french("Give both latitude and longitude, or neither") in text
    assert db.session.scalar(select(func.count()).select_from(Site)) == 1


def test_the_api_answers_every_error_in_one_422(client, token_for, factory, db):
    from facilities.inventory.models import Space

    building = factory.building(floors=1, spaces_per_floor=1)
    floor = building.floors[0]
    taken = floor.spaces[0].code
    response = client.post("/api/v1/spaces", headers=bearer(token_for("facilities_manager")), json={
        "floor_id": floor.id, "code": taken, "name": "x", "space_type": "office", "area_m2": -3,
        "specialty": "general"})
    assert response.status_code == 422, response.get_data(as_text=True)
    body = str(response.get_json())
    assert french("The code %(code)s is already used on this floor", code=taken) in body
    assert french("A specialty applies to medical cabinets only") in body
    assert french("Area") in body
    assert db.session.scalar(select(func.count()).select_from(Space)) == 1


def test_a_field_in_error_keeps_the_rules_tying_it_silent():
    import pytest

    from facilities.inventory import rules
    from facilities.validation import ValidationError

    with pytest.raises(ValidationError) as refused:
        rules.clean_site({"code": "A", "name": "x", "kind": "social_hub", "status": "open", "latitude": "north",
                          "longitude": "2.3"})
    assert list(refused.value.errors) == ["latitude"]  # not also "give both": the latitude's own message says it
