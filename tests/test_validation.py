"""Bad input is refused with a message naming the field, through the rules, the services and the forms."""

from __future__ import annotations

from decimal import Decimal

import pytest

from facilities.inventory import rules
from facilities.validation import ValidationError
from tests.inventory.helpers import SPACE_FORM, english, row_counts

GOOD_SITE = {"code": "S-1", "name": "Site", "kind": "social_hub", "status": "open"}
GOOD_SPACE = {"code": "0.01", "name": "Room", "space_type": "office", "area_m2": "12"}


def refused(clean, raw, **kwargs) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        clean(raw, **kwargs)
    return caught.value.errors


# ---------------------------------------------------------------- pure rules


@pytest.mark.parametrize("area", ["0", "-1", "1000000.01", "2000000", "abc", "nan", "inf"])
def test_space_area_out_of_range_is_refused(area):
    errors = refused(rules.clean_space, {**GOOD_SPACE, "area_m2": area})
    assert list(errors) == ["area_m2"]
    assert "Area" in errors["area_m2"]


@pytest.mark.parametrize("area", ["0.01", "1000000", "12,5", "1 250"])
def test_space_area_in_range_is_accepted(area):
    assert rules.clean_space({**GOOD_SPACE, "area_m2": area})["area_m2"] > 0


def test_area_limits_message_names_the_bound():
    assert "greater than 0" in refused(rules.clean_floor, {"level": 0, "name": "RDC", "area_m2": "0"})["area_m2"]
    assert "1" in refused(rules.clean_building, {"code": "B", "name": "B",
                                                   "gross_floor_area_m2": "1000001"})["gross_floor_area_m2"]


@pytest.mark.parametrize("level", [-11, 201, "1.5", "", "x"])
def test_floor_level_out_of_range_is_refused(level):
    errors = refused(rules.clean_floor, {"level": level, "name": "L"})
    assert list(errors) == ["level"]
    assert "Level" in errors["level"]


@pytest.mark.parametrize("level", [-10, 0, 200])
def test_floor_level_bounds_are_accepted(level):
    assert rules.clean_floor({"level": str(level), "name": "L"})["level"] == level


@pytest.mark.parametrize(("field", "value"), [("latitude", 90.1), ("latitude", -91), ("longitude", 180.5),
                                               ("longitude", "-181"), ("latitude", "north")])
def test_coordinates_out_of_range_are_refused(field, value):
    raw = {**GOOD_SITE, "latitude": 48.9, "longitude": 2.3, field: value}
    errors = refused(rules.clean_site, raw)
    assert field in errors
    assert field.capitalize() in errors[field]


def test_only_one_coordinate_is_refused():
    errors = refused(rules.clean_site, {**GOOD_SITE, "latitude": 48.9})
    assert "longitude" in errors


def test_unknown_space_type_is_refused_with_the_allowed_list():
    errors = refused(rules.clean_space, {**GOOD_SPACE, "space_type": "ballroom"})
    assert list(errors) == ["space_type"]
    assert "interview_office" in errors["space_type"]


@pytest.mark.parametrize("space_type", ["interview_office", "medical_cabinet", "digital_space", "mediation_space",
                                        "office", "meeting_room", "reception", "waiting_area", "sanitary",
                                        "technical", "storage", "circulation", "other"])
def test_every_published_space_type_is_accepted(space_type):
    assert rules.clean_space({**GOOD_SPACE, "space_type": space_type})["space_type"] == space_type


@pytest.mark.parametrize("field", ["pcs", "workstations"])
def test_negative_counts_are_refused(field):
    errors = refused(rules.clean_space, {**GOOD_SPACE, field: "-1"})
    assert list(errors) == [field]
    assert "at least 0" in errors[field]


def test_unknown_site_kind_status_and_service_are_refused():
    errors = refused(rules.clean_site, {**GOOD_SITE, "kind": "castle", "status": "ruined", "services": ["spa"]})
    assert set(errors) == {"kind", "status", "services"}
    assert "spa" in errors["services"]


def test_required_fields_are_named():
    errors = refused(rules.clean_site, {})
    assert {"code", "name", "kind", "status"} <= set(errors)
    assert "required" in errors["code"]


def test_specialty_only_for_medical_cabinets():
    assert "specialty" in refused(rules.clean_space, {**GOOD_SPACE, "specialty": "pmi"})
    cleaned = rules.clean_space({**GOOD_SPACE, "space_type": "medical_cabinet", "specialty": "sexual_health"})
    assert cleaned["specialty"] == "sexual_health"


def test_building_cost_is_kept_in_cents():
    cleaned = rules.clean_building({"code": "B-1", "name": "B", "cost_eur": "11 320 000,50"})
    assert cleaned["cost_cents"] == 1_132_000_050
    assert "cost_eur" in refused(rules.clean_building, {"code": "B-1", "name": "B", "cost_eur": "-1"})


def test_code_with_spaces_is_refused():
    assert "code" in refused(rules.clean_site, {**GOOD_SITE, "code": "PS ASN"})


def test_partial_clean_reads_only_given_fields():
    assert rules.clean_space({"pcs": "3"}, partial=True) == {"pcs": 3}
    assert rules.clean_floor({"area_m2": "12.345"}, partial=True) == {"area_m2": Decimal("12.35")}


# ---------------------------------------------------------------- services: duplicates, nothing saved


def test_duplicate_site_code_is_refused_case_insensitively(factory, db):
    from facilities.inventory import services

    factory.site(code="PS-ASN")
    before = row_counts(db)
    with pytest.raises(ValidationError) as caught:
        services.create_site(rules.clean_site({**GOOD_SITE, "code": "ps-asn"}))
    db.session.rollback()
    assert "code" in caught.value.errors and "ps-asn" in caught.value.errors["code"]
    assert row_counts(db) == before


def test_renaming_a_site_to_an_existing_code_is_refused(factory, db):
    from facilities.inventory import services
    from facilities.inventory.models import Site

    factory.site(code="A-1")
    other = factory.site(code="B-1")
    with pytest.raises(ValidationError):
        services.update_site(other, rules.clean_site({"code": "A-1"}, partial=True))
    db.session.rollback()
    assert db.session.get(Site, other.id).code == "B-1"
    services.update_site(other, rules.clean_site({"code": "B-1", "name": "Same code kept"}, partial=True))


def test_duplicate_building_code_is_refused(factory, db):
    from facilities.inventory import services

    building = factory.building(code="B-DUP")
    before = row_counts(db)
    with pytest.raises(ValidationError) as caught:
        services.create_building(building.site, rules.clean_building({"code": "B-DUP", "name": "Again"}))
    db.session.rollback()
    assert "code" in caught.value.errors
    assert row_counts(db) == before


def test_level_already_used_is_refused(factory, db):
    from facilities.inventory import services
    from facilities.inventory.models import Floor

    building = factory.building(floors=2)
    before = row_counts(db)
    with pytest.raises(ValidationError) as caught:
        services.create_floor(building, rules.clean_floor({"level": "1", "name": "Again"}))
    db.session.rollback()
    assert "level" in caught.value.errors and "1" in caught.value.errors["level"]
    assert row_counts(db) == before
    ground = db.session.query(Floor).filter_by(building_id=building.id, level=0).one()
    with pytest.raises(ValidationError):
        services.update_floor(ground, {"level": 1})
    db.session.rollback()


def test_duplicate_space_code_on_a_floor_is_refused(factory, db):
    from facilities.inventory import services
    from facilities.inventory.models import Floor

    building = factory.building(floors=2, spaces_per_floor=1)
    ground, first = db.session.query(Floor).filter_by(building_id=building.id).order_by(Floor.level).all()
    before = row_counts(db)
    with pytest.raises(ValidationError) as caught:
        services.create_space(ground, rules.clean_space({**GOOD_SPACE, "code": "0.00"}))
    db.session.rollback()
    assert "code" in caught.value.errors
    assert row_counts(db) == before
    # The same code on another floor is a different room.
    services.create_space(first, rules.clean_space({**GOOD_SPACE, "code": "0.00"}))


def test_unknown_role_is_refused_by_the_service(db):
    from facilities.auth.services import create_user

    before = row_counts(db)
    with pytest.raises(ValidationError) as caught:
        create_user("someone@test.example", "superuser", "long-enough-password")
    db.session.rollback()
    assert "role" in caught.value.errors and "architect" in caught.value.errors["role"]  # the roles it may be
    assert row_counts(db) == before


# ---------------------------------------------------------------- the same rules through the form and the API


def test_form_refuses_a_bad_area_with_422_and_saves_nothing(client_as, factory, db):
    building = factory.building(floors=1)
    floor = building.floors[0]
    client = english(client_as("architect"))
    before = row_counts(db)
    response = client.post(f"/floors/{floor.id}/spaces/new",
                           data={**SPACE_FORM, **GOOD_SPACE, "area_m2": "2000000", "workstations": "-3"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Area must be at most" in page
    assert "Workstations must be at least 0" in page
    assert row_counts(db) == before


def test_form_refuses_a_duplicate_level(client_as, factory, db):
    building = factory.building(floors=1)
    client = english(client_as("architect"))
    before = row_counts(db)
    response = client.post(f"/buildings/{building.id}/floors/new", data={"level": "0", "name": "Again"})
    assert response.status_code == 422
    assert "Level 0 already exists in this building" in response.get_data(as_text=True)
    assert row_counts(db) == before
