"""Optimistic concurrency: two people editing the same record cannot silently undo each other's changes.

Forms carry the version they were filled from; a save based on an older version is refused (409), changes
nothing, shows the other person's changes beside the user's entries and keeps them in the form. The API sends
an ETag and honours If-Match (412). Issue 12, point 5.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date

import pytest
from sqlalchemy import select, text

from tests.conftest import bearer, login
from tests.inventory.helpers import SITE_FORM, english

# Two browsers, and reads through connections of their own (what is committed, not what a session holds).
pytestmark = pytest.mark.real_commits


def hidden(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert match, f"no hidden field {name}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


def edit_form(client, url: str, action: str | None = None) -> dict:
    """What a browser posts back from an edit page left as it was: the values it showed, its version (of the
    form posting to `action` when the page has several)."""
    page = client.get(url).get_data(as_text=True)
    if action:
        page = page[page.index(f'action="{action}"'):]
    return posted(hidden(page, "version"), hidden(page, "original"))


def posted(version: str, original: str) -> dict:
    shown = json.loads(original)
    values = {name: ("y" if value is True else value) for name, value in shown.items() if value is not False}
    return {**values, "version": version, "original": original}


def stored(db, statement):
    with db.engine.connect() as connection:
        return connection.execute(statement).first()


@pytest.fixture
def two_managers(app, make_user):
    """Two people who may edit everything, each in their own browser."""
    clients = []
    for name in ("alice", "bruno"):
        make_user("facilities_manager", email=f"{name}@test.example")
        client = english(app.test_client())
        assert login(client, f"{name}@test.example").status_code == 302
        clients.append(client)
    return clients


def conflict_rows(page: str) -> list[tuple[str, str, str]]:
    block = page[page.index('id="edit-conflict"'):]
    block = block[:block.index("</table>")]
    rows = re.findall(r'<tr><th scope="row"[^>]*>(.*?)</th><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td></tr>', block, re.S)
    return [tuple(html.unescape(cell).strip() for cell in row) for row in rows]


def second_save_refused(alice, bruno, url: str, theirs: dict, yours: dict) -> list[tuple[str, str, str]]:
    """Both open the edit form; Alice saves `theirs`, then Bruno saves `yours` from his form, now stale: it is
    refused (409); the rows of the conflict table are returned."""
    alice_form, bruno_form = edit_form(alice, url), edit_form(bruno, url)
    assert alice.post(url, data={**alice_form, **theirs}).status_code == 302
    refused = bruno.post(url, data={**bruno_form, **yours})
    assert refused.status_code == 409
    return conflict_rows(refused.get_data(as_text=True))


# ---------------------------------------------------------------- the lost update, on each edit form


def test_the_second_save_of_a_site_is_refused_and_shows_the_first_persons_change(two_managers, factory, db):
    """The lost-update regression: before versions, Bruno's save silently put the old name back."""
    from facilities.inventory.models import Site

    alice, bruno = two_managers
    site = factory.site(code="S-V", name="Old name", status="open")
    url = f"/sites/{site.id}/edit"
    alice_form, bruno_form = edit_form(alice, url), edit_form(bruno, url)
    assert alice_form["version"] == bruno_form["version"] == "1"

    saved = alice.post(url, data={**alice_form, "name": "Alice's name"})
    assert saved.status_code == 302
    refused = bruno.post(url, data={**bruno_form, "status": "closed", "opening_hours": "9h-17h"})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Someone else saved this record while you were editing it" in page
    assert "Saved by alice@test.example" in page
    assert conflict_rows(page) == [("Name", "Alice's name", "Old name")]
    # Bruno's entries stay in the form, ready to be saved again deliberately against the new version.
    assert 'value="9h-17h"' in page and re.search(r'<option selected value="closed">|value="closed" selected', page)
    assert hidden(page, "version") == "2"
    # Nothing of Bruno's save was written.
    row = stored(db, select(Site.name, Site.status, Site.opening_hours, Site.version).where(Site.id == site.id))
    assert tuple(row) == ("Alice's name", "open", None, 2)

    again = bruno.post(url, data={**posted(hidden(page, "version"), hidden(page, "original")),
                                  "name": "Bruno's name", "status": "closed"})
    assert again.status_code == 302
    assert tuple(stored(db, select(Site.name, Site.status).where(Site.id == site.id))) == ("Bruno's name", "closed")


def test_a_building_edited_by_two_people(two_managers, factory, db):
    from facilities.inventory.models import Building

    alice, bruno = two_managers
    building = factory.building(code="B-V", name="Bâtiment", year_built="1990")
    rows = second_save_refused(alice, bruno, f"/buildings/{building.id}/edit", {"year_built": "1992"},
                               {"name": "Bâtiment A"})
    assert rows == [("Year built or acquired", "1992", "1990")]
    assert tuple(stored(db, select(Building.name, Building.year_built).where(Building.id == building.id))) == (
        "Bâtiment", 1992)


def test_a_space_edited_by_two_people(two_managers, factory, db):
    from facilities.inventory.models import Space

    alice, bruno = two_managers
    building = factory.building(floors=1, spaces_per_floor=1)
    space = building.floors[0].spaces[0]
    rows = second_save_refused(alice, bruno, f"/spaces/{space.id}/edit", {"area_m2": "14,5"},
                               {"name": "Bureau 12"})
    assert rows == [("Area (m²)", "14.50", "12.00")]
    assert tuple(stored(db, select(Space.name, Space.area_m2).where(Space.id == space.id)))[0] == space.name


@pytest.fixture
def operation(db):
    from facilities.works import rules, services

    envelope = services.create_envelope(rules.clean_envelope({"label": "Env", "caps": "2030 1000000\n2031 1000000"}))
    op = services.create_operation(rules.clean_operation({
        "envelope_id": envelope.id, "label": "Roof", "nature": "renovation", "ap_eur": "100000",
        "start": "2030-01-01", "duration_months": "12", "priority": "1"}))
    db.session.commit()
    return op


def test_an_operation_edited_by_two_people(two_managers, operation, db):
    from facilities.works.models import Operation

    alice, bruno = two_managers
    rows = second_save_refused(alice, bruno, f"/operations/{operation.id}/edit", {"priority": "3"},
                               {"label": "Roof and gutters"})
    assert rows == [("Priority", "3", "1")]
    assert tuple(stored(db, select(Operation.label, Operation.priority).where(Operation.id == operation.id))) == (
        "Roof", 3)


def test_a_change_to_other_fields_does_not_refuse_the_save(two_managers, operation, db):
    """Alice changes the phases (their own form); Bruno's edit form shows none of them: his save goes through
    and her phases stay."""
    from facilities.works.models import Operation, OperationPhase

    alice, bruno = two_managers
    edit_url, phases_url = f"/operations/{operation.id}/edit", f"/operations/{operation.id}/phases"
    bruno_form = edit_form(bruno, edit_url)
    alice_form = edit_form(alice, phases_url)
    phases = "APS 2030-01-01 2030-03-31 20\nDET 2030-04-01 2030-12-31 80"
    assert alice.post(phases_url, data={**alice_form, "phases": phases}).status_code == 302
    assert stored(db, select(Operation.version).where(Operation.id == operation.id))[0] == 2
    saved = bruno.post(edit_url, data={**bruno_form, "label": "Roof and gutters"})
    assert saved.status_code == 302
    with db.engine.connect() as connection:
        assert connection.execute(select(Operation.label).where(Operation.id == operation.id)).scalar() == (
            "Roof and gutters")
        assert connection.execute(select(OperationPhase.code).where(
            OperationPhase.operation_id == operation.id).order_by(OperationPhase.start)).scalars().all() == [
            "APS", "DET"]


def test_a_save_that_loses_the_race_between_read_and_write_is_refused_too(two_managers, factory, db,
                                                                          monkeypatch):
    """Both saves pass the version check; the second one's UPDATE finds another version and changes nothing."""
    from facilities.inventory import services
    from facilities.inventory.models import Site

    alice, _bruno = two_managers
    site = factory.site(code="S-V", name="Old name")
    url = f"/sites/{site.id}/edit"
    form = edit_form(alice, url)
    real_update = services.update_site

    def someone_saves_first(target, values):
        with db.engine.begin() as connection:  # another request commits between this one's read and write
            connection.execute(text("UPDATE sites SET name = 'Bruno''s name', version = version + 1 WHERE id = :id"),
                               {"id": target.id})
        return real_update(target, values)

    monkeypatch.setattr(services, "update_site", someone_saves_first)
    refused = alice.post(url, data={**form, "name": "Alice's name"})
    assert refused.status_code == 409
    assert ("Name", "Bruno's name", "Alice's name") in conflict_rows(refused.get_data(as_text=True))
    assert tuple(stored(db, select(Site.name, Site.version).where(Site.id == site.id))) == ("Bruno's name", 2)


def test_the_energy_settings_carry_their_version(two_managers, factory, db):
    from facilities.energy import services
    from facilities.energy.models import BuildingEnergySettings

    services.ensure_reference_seeded()
    db.session.commit()
    alice, bruno = two_managers
    building = factory.building()
    page_url = f"/buildings/{building.id}/energy"
    save_url = f"/buildings/{building.id}/energy/settings"
    # Both see the default settings (nothing saved yet): the first save creates them, the second is refused.
    alice_form, bruno_form = edit_form(alice, page_url, save_url), edit_form(bruno, page_url, save_url)
    assert alice_form["version"] == "0"
    assert alice.post(save_url, data={**alice_form, "scale_code": "tertiary_office", "cabs_kwh_m2": "100"}
                      ).status_code == 302
    assert bruno.post(save_url, data={**bruno_form, "cabs_kwh_m2": "80"}).status_code == 409
    alice_form, bruno_form = edit_form(alice, page_url, save_url), edit_form(bruno, page_url, save_url)
    assert alice_form["version"] == "1"
    assert alice.post(save_url, data={**alice_form, "cabs_kwh_m2": "110"}).status_code == 302
    refused = bruno.post(save_url, data={**bruno_form, "scale_code": "tertiary_continuous"})
    assert refused.status_code == 409
    assert [row[1:] for row in conflict_rows(refused.get_data(as_text=True))] == [("110.00", "100.00")]
    assert tuple(stored(db, select(BuildingEnergySettings.scale_code, BuildingEnergySettings.cabs_kwh_m2)
                        .where(BuildingEnergySettings.building_id == building.id))) == ("tertiary_office", 110)


# ---------------------------------------------------------------- versions count every save of the record


def test_changes_of_a_records_rows_count_as_saves_of_the_record(factory, operation, db):
    from facilities.inventory import services as inventory
    from facilities.works import services as works

    site = factory.site(services=["pmi"])
    assert site.version == 1
    inventory.update_site(site, {"services": ["pmi", "ase"]})  # only the site's service rows change
    assert site.version == 2
    envelope = operation.envelope
    works.update_envelope(envelope, {"caps": {2030: 200_000_000, 2031: 100_000_000}})
    assert envelope.version == 2
    version = operation.version
    works.set_cp(operation, {"cp": {2030: 9_000_000}, "draft": True})  # one row changed in place
    db.session.flush()
    assert operation.version == version + 1
    works.set_cp(operation, {"cp": {}, "draft": True})  # the row removed: an orphan deleted during the flush
    db.session.flush()
    assert operation.version == version + 2
    db.session.commit()


# ---------------------------------------------------------------- API: ETag and If-Match


@pytest.fixture
def api(client, token_for):
    token = token_for("facilities_manager")

    def call(method: str, url: str, **kwargs):
        headers = {**bearer(token), **kwargs.pop("headers", {})}
        return client.open(url, method=method, headers=headers, **kwargs)

    return call


def test_the_api_sends_an_etag_that_changes_with_each_write(api, factory):
    site = factory.site(code="S-API", name="Old")
    read = api("GET", f"/api/v1/sites/{site.id}")
    assert read.status_code == 200 and read.headers["ETag"] == f'W/"{site.id}-1"'
    written = api("PATCH", f"/api/v1/sites/{site.id}", json={"name": "New"},
                  headers={"If-Match": read.headers["ETag"]})
    assert written.status_code == 200 and written.json["name"] == "New"
    assert written.headers["ETag"] == f'W/"{site.id}-2"' != read.headers["ETag"]
    assert api("GET", f"/api/v1/sites/{site.id}").headers["ETag"] == written.headers["ETag"]
    created = api("POST", "/api/v1/sites", json={"code": "S-NEW", "name": "Nouveau", "kind": "social_hub",
                                                 "status": "open"})
    assert created.status_code == 201 and created.headers["ETag"] == f'W/"{created.json["id"]}-1"'


def test_a_stale_if_match_is_refused_with_412_and_changes_nothing(api, factory, db):
    from facilities.inventory.models import Site

    site = factory.site(code="S-API", name="Old")
    stale = api("GET", f"/api/v1/sites/{site.id}").headers["ETag"]
    assert api("PATCH", f"/api/v1/sites/{site.id}", json={"name": "First"}).status_code == 200  # no If-Match
    refused = api("PATCH", f"/api/v1/sites/{site.id}", json={"name": "Second"}, headers={"If-Match": stale})
    assert refused.status_code == 412 and refused.mimetype == "application/problem+json"
    assert refused.json["status"] == 412 and f'W/"{site.id}-2"' in refused.json["detail"]
    assert refused.headers["ETag"] == f'W/"{site.id}-2"'
    assert stored(db, select(Site.name).where(Site.id == site.id))[0] == "First"
    assert api("DELETE", f"/api/v1/sites/{site.id}", headers={"If-Match": stale}).status_code == 412
    assert stored(db, select(Site.id).where(Site.id == site.id)) is not None
    assert api("PATCH", f"/api/v1/sites/{site.id}", json={"name": "Any"}, headers={"If-Match": "*"}
               ).status_code == 200
    current = api("GET", f"/api/v1/sites/{site.id}").headers["ETag"]
    assert api("DELETE", f"/api/v1/sites/{site.id}", headers={"If-Match": current}).status_code == 204


@pytest.mark.parametrize("kind", ["building", "floor", "space", "envelope", "operation", "energy_record"])
def test_every_versioned_record_of_the_api_honours_if_match(api, factory, operation, db, kind):
    building = factory.building(floors=1, spaces_per_floor=1)
    floor = building.floors[0]
    if kind == "energy_record":
        created = api("POST", "/api/v1/energy-records", json={
            "building_id": building.id, "year": date.today().year - 1, "carrier": "electricity", "kwh": "1000",
            "area_m2": "500"})
        assert created.status_code == 201, created.json
        url, change = f"/api/v1/energy-records/{created.json['id']}", {"kwh": "1200"}
    else:
        url, change = {
            "building": (f"/api/v1/buildings/{building.id}", {"name": "Renamed"}),
            "floor": (f"/api/v1/floors/{floor.id}", {"name": "Renamed"}),
            "space": (f"/api/v1/spaces/{floor.spaces[0].id}", {"name": "Renamed"}),
            "envelope": (f"/api/v1/envelopes/{operation.envelope_id}", {"label": "Renamed"}),
            "operation": (f"/api/v1/operations/{operation.id}", {"label": "Renamed"}),
        }[kind]
    first = api("GET", url)
    tag = first.headers["ETag"]
    assert re.fullmatch(r'W/"\d+-\d+"', tag)
    assert api("PATCH", url, json=change, headers={"If-Match": 'W/"0-0"'}).status_code == 412
    written = api("PATCH", url, json=change, headers={"If-Match": tag})
    assert written.status_code == 200, written.json
    assert written.headers["ETag"] != tag
    assert api("PATCH", url, json=change, headers={"If-Match": tag}).status_code == 412


def test_an_api_write_that_loses_the_race_answers_412(api, factory, db, monkeypatch):
    from facilities.inventory import services
    from facilities.inventory.models import Site

    site = factory.site(code="S-API", name="Old")
    tag = api("GET", f"/api/v1/sites/{site.id}").headers["ETag"]
    real_update = services.update_site

    def someone_saves_first(target, values):
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE sites SET name = 'Other', version = version + 1 WHERE id = :id"),
                               {"id": target.id})
        return real_update(target, values)

    monkeypatch.setattr(services, "update_site", someone_saves_first)
    refused = api("PATCH", f"/api/v1/sites/{site.id}", json={"name": "Mine"}, headers={"If-Match": tag})
    assert refused.status_code == 412 and refused.mimetype == "application/problem+json"
    assert stored(db, select(Site.name).where(Site.id == site.id))[0] == "Other"


def test_the_openapi_description_documents_etag_if_match_and_412(client):
    spec = client.get("/api/v1/openapi.json").json
    one_site = spec["paths"]["/api/v1/sites/{site_id}"]
    assert "ETag" in one_site["get"]["responses"]["200"]["headers"]
    for method in ("patch", "delete"):
        parameters = {p["name"]: p for p in one_site[method]["parameters"] if p.get("in") == "header"}
        assert parameters["If-Match"]["required"] is False
        assert "412" in one_site[method]["responses"]
    assert "ETag" in spec["paths"]["/api/v1/sites"]["post"]["responses"]["201"]["headers"]
    assert "412" not in spec["paths"]["/api/v1/sites"]["get"]["responses"]


# ---------------------------------------------------------------- migration


def test_the_migration_gives_existing_rows_version_1(tmp_path):
    import flask_migrate

    from facilities import create_app
    from facilities.extensions import db

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'versions.sqlite3'}", "TESTING": True,
                      "SECRET_KEY": "x"})
    with app.app_context():
        flask_migrate.upgrade(revision="a2ef6d848476")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO sites (code, name, kind, status, communes_served, synthetic, illustrative, created_at, "
                "updated_at) VALUES ('S-OLD', 'Old site', 'social_hub', 'open', '[]', 0, 0, '2024-01-01', "
                "'2024-01-01')"))
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT version FROM sites WHERE code = 'S-OLD'")).scalar() == 1
        flask_migrate.downgrade(revision="a2ef6d848476")
        with db.engine.connect() as connection:
            columns = [row[1] for row in connection.execute(text("PRAGMA table_info(sites)"))]
        assert "version" not in columns
        db.session.remove()
        db.engine.dispose()


def test_a_form_without_a_version_is_not_checked(client_as, factory, db):
    """Scripts that post the fields (and these tests elsewhere) save as before: only a version is checked."""
    manager = english(client_as("facilities_manager"))
    site = factory.site(code="S-V", name="Old name")
    response = manager.post(f"/sites/{site.id}/edit", data={**SITE_FORM, "code": "S-V", "name": "New name"})
    assert response.status_code == 302
