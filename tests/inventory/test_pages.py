"""Inventory pages: list, search, filters, pagination, detail pages, forms, deletes with confirmation, floor copy."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, text

from tests.inventory.helpers import BUILDING_FORM, SITE_FORM, SPACE_FORM, english, row_counts

# A second DELETE of rows already deleted (0 rows matched) shows up as an SAWarning: treat it as a failure.
pytestmark = pytest.mark.filterwarnings("error::sqlalchemy.exc.SAWarning")


def codes_on(page: str) -> list[str]:
    return re.findall(r"<td><code>([^<]+)</code></td>", page)


def figures(page: str) -> list[int]:
    return [int(value.replace("\u202f", "").replace("\xa0", ""))
            for value in re.findall(r'data-figure="\d+">([^<]+)<', page)]


def orphan_rows(db) -> int:
    return db.session.execute(text(
        "SELECT (SELECT COUNT(*) FROM spaces WHERE floor_id NOT IN (SELECT id FROM floors))"
        " + (SELECT COUNT(*) FROM floors WHERE building_id NOT IN (SELECT id FROM buildings))"
        " + (SELECT COUNT(*) FROM buildings WHERE site_id NOT IN (SELECT id FROM sites))"
        " + (SELECT COUNT(*) FROM site_services WHERE site_id NOT IN (SELECT id FROM sites))")).scalar()


@pytest.fixture
def manager(client_as):
    return english(client_as("facilities_manager"))


@pytest.fixture
def architect(client_as):
    return english(client_as("architect"))


def model(name):
    from facilities.inventory import models

    return getattr(models, name)


def one(db, name, **where):
    return db.session.execute(select(model(name)).filter_by(**where)).scalar_one()


# ---------------------------------------------------------------- list, search, filters, pagination


def test_site_list_search_and_filters(client_as, demo):
    client = english(client_as("director"))
    assert len(codes_on(client.get("/sites").get_data(as_text=True))) == 11
    assert codes_on(client.get("/sites?q=clichy").get_data(as_text=True)) == ["PS-CLI"]
    assert codes_on(client.get("/sites?q=ps-asn").get_data(as_text=True)) == ["PS-ASN"]
    assert set(codes_on(client.get("/sites?commune=92078").get_data(as_text=True))) == {"IME-VLG", "PS-VLG"}
    assert set(codes_on(client.get("/sites?status=planned").get_data(as_text=True))) == {"MDA-NAN", "FOY-RUE"}
    assert set(codes_on(client.get("/sites?service=sexual_health").get_data(as_text=True))) == {"PS-ASN"}
    combined = client.get("/sites?service=ase&status=in_works").get_data(as_text=True)
    assert set(codes_on(combined)) == {"PS-ISS", "PS-ANT", "PS-BAG"}
    empty = client.get("/sites?q=nowhere").get_data(as_text=True)
    assert codes_on(empty) == [] and "empty-state" in empty and "No site matches these filters" in empty


def test_site_list_pagination(client_as, demo, app, monkeypatch):
    monkeypatch.setitem(app.config, "SITES_PER_PAGE", 4)
    client = english(client_as("director"))
    pages = [codes_on(client.get(f"/sites?page={n}").get_data(as_text=True)) for n in (1, 2, 3)]
    assert [len(page) for page in pages] == [4, 4, 3]
    assert len({code for page in pages for code in page}) == 11
    first = client.get("/sites?status=open&page=1").get_data(as_text=True)
    assert "status=open" in first and "page=2" in first  # filters survive paging
    assert client.get("/sites?page=99").status_code in (200, 404)


def test_empty_portfolio_says_what_to_do(manager):
    page = manager.get("/sites").get_data(as_text=True)
    assert "empty-state" in page and "/sites/new" in page


# ---------------------------------------------------------------- detail pages


def test_site_page(client_as, demo, db):
    site = one(db, "Site", code="PS-ASN")
    page = english(client_as("director")).get(f"/sites/{site.id}").get_data(as_text=True)
    for expected in ("4 rue Teddy Riner", "Les Courtilles", "PS-ASN-B1", "Sexual health centre",
                     "Communiqué de presse"):
        assert expected in page, expected


def test_building_page_shows_key_figures_and_provenance(client_as, demo, db):
    building = one(db, "Building", code="PS-ASN-B1")
    page = english(client_as("director")).get(f"/buildings/{building.id}").get_data(as_text=True)
    assert figures(page) == [7, 2, 10, 4, 2, 4, 3, 96]
    assert "181" in page and "248" in page
    assert "11" in re.search(r'id="cost">([^<]+)<', page).group(1)
    assert "Communiqué de presse" in page and "provenance" in page


def test_floor_page_lists_spaces_with_totals(client_as, demo, db):
    building = one(db, "Building", code="PS-ASN-B1")
    floor = one(db, "Floor", building_id=building.id, level=1)
    page = english(client_as("director")).get(f"/floors/{floor.id}").get_data(as_text=True)
    assert "1.41" in page and "Cabinet médical" in page
    floor_totals = page[page.index('id="floor-totals"'):page.index('id="building-totals"')]
    assert re.search(r'data-total="medical_cabinets">4<', floor_totals)
    assert re.search(r'data-total="interview_offices">5<', floor_totals)
    building_totals = page[page.index('id="building-totals"'):]
    assert re.search(r'data-total="workstations">96<', building_totals)


def test_missing_records_are_404(client_as):
    client = client_as("director")
    for url in ("/sites/9999", "/buildings/9999", "/floors/9999", "/spaces/9999/edit"):
        expected = 404 if "edit" not in url else 403  # a director may not even reach the form
        assert client.get(url).status_code == expected, url


# ---------------------------------------------------------------- sites: create, edit, refuse


def test_create_site_through_the_form(manager, db):
    response = manager.post("/sites/new", data={**SITE_FORM, "code": "PS-NEW", "name": "Nouveau pôle",
                                                "commune_code": "92050", "latitude": "48,89", "longitude": "2.2",
                                                "communes_served": "92050 Nanterre", "services": ["pmi", "ase"]})
    assert response.status_code == 302
    site = one(db, "Site", code="PS-NEW")
    assert site.latitude == 48.89 and site.service_codes == ["ase", "pmi"]
    assert site.communes_served == [{"code": "92050", "name": "Nanterre"}]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("latitude", "95", "Latitude must be at most 90"),
    ("longitude", "-200", "Longitude must be at least -180"),
    ("code", "S-TAKEN", "already used by another site"),
    ("name", "", "Name is required"),
    ("commune_code", "9", "Commune INSEE code must be 5 characters"),
])
def test_site_form_refuses_bad_input(manager, factory, db, field, value, message):
    factory.site(code="S-TAKEN")
    before = row_counts(db)
    data = {**SITE_FORM, "code": "S-OK", "name": "Name", "latitude": "48", "longitude": "2", field: value}
    response = manager.post("/sites/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Nothing was saved" in page
    assert row_counts(db) == before


def test_edit_site(manager, factory, db):
    site = factory.site(code="S-EDIT", name="Old name")
    form = manager.get(f"/sites/{site.id}/edit").get_data(as_text=True)
    assert 'value="S-EDIT"' in form and 'value="Old name"' in form
    response = manager.post(f"/sites/{site.id}/edit", data={**SITE_FORM, "code": "S-EDIT", "name": "New name",
                                                             "status": "closed", "services": ["ase"]})
    assert response.status_code == 302
    db.session.expire_all()
    site = one(db, "Site", code="S-EDIT")
    assert (site.name, site.status, site.service_codes) == ("New name", "closed", ["ase"])
    refused = manager.post(f"/sites/{site.id}/edit", data={**SITE_FORM, "code": "S-EDIT", "name": "x",
                                                            "latitude": "100", "longitude": "2"})
    assert refused.status_code == 422
    db.session.expire_all()
    assert one(db, "Site", code="S-EDIT").name == "New name"


# ---------------------------------------------------------------- buildings, floors, spaces


def test_create_and_edit_building(architect, factory, db):
    site = factory.site()
    response = architect.post(f"/sites/{site.id}/buildings/new", data={
        **BUILDING_FORM, "code": "B-NEW", "name": "Bâtiment", "cost_eur": "1 250 000", "erp_types": "W",
        "public_capacity": "250", "staff_capacity": "40", "gross_floor_area_m2": "1200,5"})
    assert response.status_code == 302
    building = one(db, "Building", code="B-NEW")
    assert building.cost_cents == 125_000_000 and str(building.gross_floor_area_m2) == "1200.50"
    edit = architect.get(f"/buildings/{building.id}/edit").get_data(as_text=True)
    assert 'value="1250000' in edit
    before = row_counts(db)
    refused = architect.post(f"/buildings/{building.id}/edit", data={**BUILDING_FORM, "code": "B-NEW", "name": "B",
                                                                     "gross_floor_area_m2": "0"})
    assert refused.status_code == 422 and "Gross floor area must be greater than 0" in refused.get_data(True)
    assert row_counts(db) == before
    db.session.expire_all()
    assert str(one(db, "Building", code="B-NEW").gross_floor_area_m2) == "1200.50"


def test_floor_forms(architect, factory, db):
    building = factory.building(floors=1)
    response = architect.post(f"/buildings/{building.id}/floors/new",
                              data={"level": "-1", "name": "Sous-sol", "area_m2": "80"})
    assert response.status_code == 302
    basement = one(db, "Floor", building_id=building.id, level=-1)
    for level, message in (("-11", "Level must be at least -10"), ("201", "Level must be at most 200"),
                           ("0", "Level 0 already exists")):
        before = row_counts(db)
        refused = architect.post(f"/buildings/{building.id}/floors/new", data={"level": level, "name": "X"})
        assert refused.status_code == 422 and message in refused.get_data(as_text=True), level
        assert row_counts(db) == before
    moved = architect.post(f"/floors/{basement.id}/edit", data={"level": "0", "name": "Sous-sol"})
    assert moved.status_code == 422 and "Level 0 already exists" in moved.get_data(as_text=True)
    assert architect.post(f"/floors/{basement.id}/edit", data={"level": "-2", "name": "B2", "is_public": "y"}
                          ).status_code == 302
    db.session.expire_all()
    assert (basement.level, basement.name, basement.is_public) == (-2, "B2", True)


def test_space_forms(architect, factory, db):
    building = factory.building(floors=1, spaces_per_floor=1)
    floor = building.floors[0]
    response = architect.post(f"/floors/{floor.id}/spaces/new", data={
        **SPACE_FORM, "code": "0.50", "name": "Cabinet", "space_type": "medical_cabinet", "area_m2": "14",
        "specialty": "sexual_health", "is_public": "y", "workstations": "1"})
    assert response.status_code == 302
    space = one(db, "Space", floor_id=floor.id, code="0.50")
    assert (space.specialty, space.is_public, space.workstations) == ("sexual_health", True, 1)
    for data, message in (({"space_type": "office", "specialty": "pmi"}, "A specialty applies to medical cabinets"),
                          ({"pcs": "-1"}, "PCs must be at least 0"),
                          ({"area_m2": "0"}, "Area must be greater than 0"),
                          ({"code": "0.00"}, "already used on this floor")):
        before = row_counts(db)
        refused = architect.post(f"/floors/{floor.id}/spaces/new", data={
            **SPACE_FORM, "code": "0.51", "name": "X", "area_m2": "10", **data})
        assert refused.status_code == 422 and message in refused.get_data(as_text=True), data
        assert row_counts(db) == before
    edited = architect.post(f"/spaces/{space.id}/edit", data={**SPACE_FORM, "code": "0.50", "name": "Bureau",
                                                               "space_type": "office", "area_m2": "15",
                                                               "workstations": "2"})
    assert edited.status_code == 302
    db.session.expire_all()
    assert (space.space_type, space.workstations, space.specialty) == ("office", 2, None)
    assert architect.post(f"/spaces/{space.id}/delete", data={}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(model("Space"))) == 1


def test_space_edit_form_is_prefilled(architect, factory, db):
    building = factory.building(floors=1, spaces_per_floor=2)
    space = one(db, "Space", floor_id=building.floors[0].id, code="0.01")
    page = architect.get(f"/spaces/{space.id}/edit").get_data(as_text=True)
    assert 'value="0.01"' in page and 'value="12.00"' in page
    assert re.search(r'<option selected value="interview_office">|<option value="interview_office" selected', page)


# ---------------------------------------------------------------- deletes: confirmation, no orphans


def test_deleting_a_building_with_children_needs_confirmation(architect, factory, db):
    building = factory.building(floors=3, spaces_per_floor=4)
    keep = factory.building(floors=1, spaces_per_floor=2)
    page = architect.get(f"/buildings/{building.id}/delete").get_data(as_text=True)
    assert "3 floor(s)" in page and "12 space(s)" in page
    before = row_counts(db)
    refused = architect.post(f"/buildings/{building.id}/delete", data={})
    assert refused.status_code == 422 and "Tick the box" in refused.get_data(as_text=True)
    assert row_counts(db) == before
    done = architect.post(f"/buildings/{building.id}/delete", data={"confirm": "y"})
    assert done.status_code == 302
    after = row_counts(db)
    assert (after["Building"], after["Floor"], after["Space"]) == (1, 1, 2)
    assert orphan_rows(db) == 0
    assert db.session.get(model("Building"), keep.id) is not None


def test_deleting_a_floor_with_spaces_needs_confirmation(architect, factory, db):
    building = factory.building(floors=2, spaces_per_floor=3)
    floor = one(db, "Floor", building_id=building.id, level=1)
    before = row_counts(db)
    assert architect.post(f"/floors/{floor.id}/delete", data={}).status_code == 422
    assert row_counts(db) == before
    assert architect.post(f"/floors/{floor.id}/delete", data={"confirm": "y"}).status_code == 302
    after = row_counts(db)
    assert (after["Floor"], after["Space"]) == (1, 3)
    assert orphan_rows(db) == 0


def test_deleting_an_empty_floor_needs_no_confirmation(architect, factory, db):
    building = factory.building(floors=1)
    assert architect.post(f"/floors/{building.floors[0].id}/delete", data={}).status_code == 302
    assert row_counts(db)["Floor"] == 0


def test_deleting_a_site_removes_everything_below(manager, factory, db):
    site = factory.site(services=["pmi", "ase"])
    factory.building(site=site, floors=2, spaces_per_floor=2)
    factory.building(site=site, floors=1)
    assert manager.post(f"/sites/{site.id}/delete", data={}).status_code == 422
    assert manager.post(f"/sites/{site.id}/delete", data={"confirm": "y"}).status_code == 302
    assert {key: value for key, value in row_counts(db).items() if key not in ("User", "ApiToken")} == {
        "Site": 0, "SiteService": 0, "Building": 0, "Floor": 0, "Space": 0}
    assert orphan_rows(db) == 0


# ---------------------------------------------------------------- copying a floor


def test_copy_a_floor_to_several_levels(architect, factory, db):
    building = factory.building(floors=3, spaces_per_floor=3)
    source = one(db, "Floor", building_id=building.id, level=2)
    preview = architect.post(f"/floors/{source.id}/copy", data={"levels": "3-4, 6"})
    assert preview.status_code == 200 and 'id="copy-preview"' in preview.get_data(as_text=True)
    assert row_counts(db)["Space"] == 3 * 3  # the preview saved nothing
    response = architect.post(f"/floors/{source.id}/copy", data={"levels": "3-4, 6", "confirmed": "yes"})
    assert response.status_code == 302
    for level in (3, 4, 6):
        copy = one(db, "Floor", building_id=building.id, level=level)
        assert [space.code for space in copy.spaces] == [f"{level}.00", f"{level}.01", f"{level}.02"]
        assert [space.space_type for space in copy.spaces] == [space.space_type for space in source.spaces]
        assert copy.name == f"R+{level}"  # named after its own level, not the source's
    assert row_counts(db)["Space"] == 6 * 3


@pytest.mark.parametrize(("levels", "message"), [
    ("1, 5", "Level 1 already exists"), ("2", "Level 2 is the floor being copied"),
    ("201", "Level must be at most 200"), ("three", "whole numbers"), ("", "at least one level"),
])
def test_copy_refuses_bad_levels_and_saves_nothing(architect, factory, db, levels, message):
    building = factory.building(floors=3, spaces_per_floor=2)
    source = one(db, "Floor", building_id=building.id, level=2)
    before = row_counts(db)
    response = architect.post(f"/floors/{source.id}/copy", data={"levels": levels, "confirmed": "yes"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert row_counts(db) == before


def test_renumbering_keeps_codes_without_the_level():
    from facilities.inventory.floor_copy import renumber as _renumber

    assert _renumber("2.05", 2, 3) == "3.05"
    assert _renumber("R+2-05", 2, 12) == "R+12-05"
    assert _renumber("A12", 2, 3) == "A12"
    assert _renumber("20.1", 2, 3) == "20.1"


def test_building_page_answers_on_a_fresh_database(client_as, factory, db):
    """Consumption recorded but no reference rows (migrated, never seeded): the page says how to seed them."""
    from facilities.energy.services import record_consumption

    building = factory.building(floors=1, spaces_per_floor=1)
    record_consumption(building, {"year": 2024, "carrier": "electricity", "kwh": 100_000, "source": "invoice"})
    db.session.commit()
    response = client_as("director").get(f"/buildings/{building.id}")
    assert response.status_code == 200
    assert "seed-reference" in response.get_data(as_text=True)
