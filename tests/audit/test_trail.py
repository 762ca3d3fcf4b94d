"""The audit trail records every create, update and delete, whoever makes it, and cannot be edited."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from tests.conftest import bearer


def entries(db, **filters):
    from facilities.trail.models import AuditEntry

    query = select(AuditEntry).order_by(AuditEntry.id)
    for name, value in filters.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return db.session.execute(query).scalars().all()


def test_page_edits_are_recorded_with_user_and_old_and_new_values(client_as, factory, db):
    building = factory.building(floors=1, spaces_per_floor=1, name="Old name", year_built=1990)
    client = client_as("architect")
    response = client.post(f"/buildings/{building.id}/edit", data={"code": building.code, "name": "New name", "erp_category_override": "",
                                                                  "year_built": "1991"})
    assert response.status_code == 302
    [entry] = entries(db, action="update", entity="building")
    assert entry.actor == "architect@test.example"
    assert entry.actor_id is not None
    assert entry.source == "web"
    assert entry.entity_id == building.id
    assert entry.building_id == building.id
    assert entry.changes["name"] == {"old": "Old name", "new": "New name"}
    assert entry.changes["year_built"] == {"old": 1990, "new": 1991}
    assert entry.at is not None


def test_create_on_a_page_records_new_values_and_building(client_as, factory, db):
    building = factory.building(floors=1)
    floor = building.floors[0]
    client = client_as("facilities_manager")
    response = client.post(f"/floors/{floor.id}/spaces/new", data={
        "code": "9.01", "name": "Cabinet", "space_type": "office", "area_m2": "12,5", "workstations": "2", "specialty": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    [entry] = entries(db, action="create", entity="space")
    assert entry.actor == "facilities_manager@test.example"
    assert entry.building_id == building.id
    assert entry.label == "9.01"
    assert entry.changes["area_m2"] == {"old": None, "new": "12.50"}  # Decimals as strings
    assert entry.changes["code"]["new"] == "9.01"
    assert "id" not in entry.changes and "created_at" not in entry.changes


def test_delete_on_a_page_records_old_values_of_each_removed_record(client_as, factory, db):
    building = factory.building(floors=2, spaces_per_floor=2)
    floor = building.floors[0]
    client = client_as("facilities_manager")
    response = client.post(f"/floors/{floor.id}/delete", data={"confirm": "y"})
    assert response.status_code == 302
    deleted = entries(db, action="delete")
    assert sorted(e.entity for e in deleted) == ["floor", "space", "space"]
    assert all(e.building_id == building.id for e in deleted)
    floor_entry = next(e for e in deleted if e.entity == "floor")
    assert floor_entry.changes["level"] == {"old": 0, "new": None}


def test_saving_without_a_change_records_nothing(client_as, factory, db):
    site = factory.site()
    client = client_as("facilities_manager")
    form = client.get(f"/sites/{site.id}/edit")
    assert form.status_code == 200
    from facilities.inventory import rules, services

    services.update_site(site, rules.clean_site({"code": site.code, "name": site.name, "kind": site.kind,
                                                 "status": site.status, "commune_code": "92004",
                                                 "commune_name": "Asnières-sur-Seine", "latitude": 48.9,
                                                 "longitude": 2.28, "services": ["pmi"]}))
    db.session.commit()
    assert entries(db, action="update") == []


def test_site_services_are_recorded_as_one_field(factory, db):
    from facilities.inventory import services
    from facilities.trail.recorder import Actor, acting_as

    site = factory.site(services=["pmi"])
    with acting_as(Actor("someone@test.example", 42, "api")):
        services.update_site(site, {"services": ["pmi", "asp"] if False else ["pmi", "ase"]})
        db.session.commit()
    [entry] = entries(db, action="update", entity="site")
    assert entry.changes == {"services": {"old": ["pmi"], "new": ["ase", "pmi"]}}
    assert (entry.actor, entry.actor_id, entry.source) == ("someone@test.example", 42, "api")


def test_service_changes_with_an_explicit_actor_as_the_api_will(factory, db):
    from decimal import Decimal

    from facilities.inventory import services
    from facilities.trail.recorder import Actor, acting_as

    building = factory.building(floors=1, spaces_per_floor=1)
    space = building.floors[0].spaces[0]
    with acting_as(Actor("api-user@test.example", 7, "api")):
        services.update_space(space, {"area_m2": Decimal("14.25"), "is_public": False})
        db.session.commit()
    [entry] = entries(db, action="update", entity="space")
    assert entry.source == "api"
    assert entry.changes == {"area_m2": {"old": "12.00", "new": "14.25"}, "is_public": {"old": True, "new": False}}
    assert entry.building_id == building.id


def test_rolled_back_changes_leave_no_trace(factory, db):
    from facilities.inventory import services

    site = factory.site()
    before = len(entries(db))
    services.update_site(site, {"name": "Never saved"})
    db.session.rollback()
    assert len(entries(db)) == before


def test_cli_changes_are_recorded_as_cli(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    created = entries(db, action="create")
    assert created, "the demo creates records"
    assert {e.actor for e in created} == {"cli"}
    assert {e.source for e in created} == {"cli"}
    assert {"site", "building", "floor", "space"} <= {e.entity for e in created}
    # A second run changes nothing, so it records nothing.
    count = len(entries(db))
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert len(entries(db)) == count


def test_import_changes_are_recorded_with_source_import(factory, db, runner, tmp_path):
    from facilities.inventory import bulk_columns

    building = factory.building(floors=1)
    line = dict.fromkeys(bulk_columns.CSV_HEADERS, "")
    line.update({"entity": "space", "building_code": building.code, "level": "0", "code": "A1", "name": "Room",
                 "space_type": "office", "area_m2": "10"})
    path = tmp_path / "spaces.csv"
    path.write_text(",".join(bulk_columns.CSV_HEADERS) + "\n" + ",".join(line.values()) + "\n", encoding="utf-8")
    result = runner.invoke(args=["inventory", "import", str(path)])
    assert result.exit_code == 0, result.output
    [entry] = entries(db, action="create", entity="space")
    assert (entry.actor, entry.source, entry.building_id) == ("cli", "import", building.id)
    assert entry.changes["area_m2"]["new"] == "10.00"


def test_the_trail_refuses_updates_and_deletes(factory, db):
    from facilities.trail.models import AuditEntry, AuditTrailReadOnly

    factory.site()
    entry = entries(db)[0]
    entry.actor = "forged"
    with pytest.raises(AuditTrailReadOnly):
        db.session.flush()
    db.session.rollback()
    entry = entries(db)[0]
    db.session.delete(entry)
    with pytest.raises(AuditTrailReadOnly):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AuditTrailReadOnly):
        db.session.execute(update(AuditEntry).values(actor="forged"))
    db.session.rollback()
    with pytest.raises(AuditTrailReadOnly):
        db.session.execute(delete(AuditEntry))
    db.session.rollback()
    assert entries(db)[0].actor != "forged"


def test_no_route_writes_the_trail(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("audit.", "audit_api.")):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


# ---------------------------------------------------------------- pages and API


def test_building_history_page_lists_changes_newest_first(client_as, factory, db):
    from facilities.inventory import services

    building = factory.building(floors=1, spaces_per_floor=1, name="First")
    services.update_building(building, {"name": "Second"})
    db.session.commit()
    other = factory.building(floors=1)
    client = client_as("director")
    response = client.get(f"/buildings/{building.id}/history")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index("Second") < html.index("1.0") if "1.0" in html else True
    assert "First" in html and "Second" in html
    assert html.find('data-action="update"') < html.find('data-action="create"')
    assert other.code not in html
    assert client.get("/buildings/999999/history").status_code == 404


def test_history_page_is_paginated(client_as, factory, db, app, monkeypatch):
    from facilities.inventory import services

    building = factory.building()
    for number in range(5):
        services.update_building(building, {"name": f"Name {number}"})
        db.session.commit()
    monkeypatch.setitem(app.config, "AUDIT_PER_PAGE", 2)
    client = client_as("director")
    first = client.get(f"/buildings/{building.id}/history").get_data(as_text=True)
    assert first.count('class="audit-entry"') == 2
    assert "Name 4" in first and "Name 0" not in first
    last = client.get(f"/buildings/{building.id}/history?page=3").get_data(as_text=True)
    assert last.count('class="audit-entry"') == 2


def test_history_needs_sign_in(client, factory):
    building = factory.building()
    response = client.get(f"/buildings/{building.id}/history")
    assert response.status_code == 302


def test_audit_api_returns_the_changes_of_one_record(client, token_for, factory, db):
    from decimal import Decimal

    from facilities.inventory import services

    building = factory.building(floors=1, spaces_per_floor=1)
    space = building.floors[0].spaces[0]
    services.update_space(space, {"area_m2": Decimal("20")})
    db.session.commit()
    token = token_for("director")
    response = client.get(f"/api/v1/audit?entity=space&id={space.id}", headers=bearer(token))
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [item["action"] for item in items] == ["update", "create"]
    item = items[0]
    assert set(item) >= {"actor", "at", "action", "entity", "entity_id", "changes"}
    assert item["entity"] == "space" and item["entity_id"] == space.id
    assert item["changes"]["area_m2"] == {"old": "12.00", "new": "20.00"}
    by_building = client.get(f"/api/v1/audit?building_id={building.id}", headers=bearer(token)).get_json()
    assert len(by_building["items"]) == 4  # building, floor, space created; space updated


@pytest.mark.parametrize("query", ["entity=spaceship&id=1", "entity=space&limit=501", "entity=space&id=abc",
                                   "entity=space&id=" + "9" * 100, "entity=space&id=1&limit=x"])
def test_audit_api_refuses_bad_queries_with_a_problem(client, token_for, query):
    response = client.get(f"/api/v1/audit?{query}", headers=bearer(token_for("director")))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_audit_api_needs_a_token(client):
    assert client.get("/api/v1/audit?entity=space&id=1").status_code == 401


@pytest.mark.parametrize("query", ["building_id=2147483648", "id=99999999999&entity=space", "offset=2147483648",
                                   "building_id=-1", "id=x&entity=space"])
def test_audit_api_refuses_numbers_no_record_can_have(client, token_for, query):
    """Found by schemathesis on PostgreSQL: an id beyond the INTEGER range made the query itself fail (500)."""
    response = client.get(f"/api/v1/audit?{query}", headers=bearer(token_for("director")))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_history_shows_labels_and_french_numbers_never_codes(client_as, factory, db):
    """Issue 14 point 8: "Type meeting_room", "floor_id 4" and "12.00" were shown as stored."""
    import html as html_module

    building = factory.building(floors=1, spaces_per_floor=2)
    page = html_module.unescape(client_as("director").get(f"/buildings/{building.id}/history").get_data(as_text=True))
    assert "interview_office" not in page and "floor_id" not in page and "12.00" not in page
    assert "Bureau d'entretien" in page and "Niveau" in page and "12\u00a0m²" in page
    assert "Création" in page and "Créé le" not in page


def test_audit_values_are_shown_in_the_readers_language(app):
    from facilities.audit.routes import audit_field_label, audit_value

    with app.test_request_context():
        assert audit_value("meeting_room", "space_type", "space") == "Salle de réunion"
        assert audit_value(["pmi", "unknown_code"], "services", "site").endswith(", unknown_code")
        assert audit_value(4, "floor_id", "space") == "n° 4"
        assert audit_value("1792.50", "area_m2", "space") == "1\u202f792,5\u00a0m²"
        assert audit_field_label("space", "floor_id") == "Niveau"


def test_every_audited_kind_of_record_is_named_in_french(app):
    """The home dashboard's recent changes and the history pages name each kind of record: every audited model
    has a French label (the floor plans' outlines read "space outline" on French pages before)."""
    from flask_babel import force_locale

    from facilities.inventory.catalogue import ENTITY_LABELS
    from facilities.trail.recorder import audited_entities, declared_labels

    with app.app_context():
        unnamed = [entity for entity in audited_entities() if entity not in ENTITY_LABELS | declared_labels()]
        assert unnamed == []
        with app.test_request_context(), force_locale("fr"):
            assert str(declared_labels()["space_outline"][0]) == "contour de local"
