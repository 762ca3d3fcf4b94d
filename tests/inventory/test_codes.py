"""Codes differing only by case: refused by the services and, when concurrent requests both pass that check, by
the database (unique indexes on lower(code)), with the same clear message (issue 12, "Why" 9)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import bearer, french

SITE = {"name": "Site", "kind": "social_hub", "status": "open"}


@pytest.fixture
def race(monkeypatch):
    """Make a service's duplicate check pass once, as when the other request had not committed yet."""
    from facilities.inventory import services

    originals = {}

    def first_call_passes(name: str) -> None:
        check = originals.setdefault(name, getattr(services, name))
        calls = []

        def racing(*args):
            calls.append(args)
            if len(calls) > 1:
                check(*args)

        monkeypatch.setattr(services, name, racing)

    return first_call_passes


def test_the_database_refuses_codes_differing_only_by_case(db, factory):
    from facilities.inventory.models import Building, Site, Space

    site = factory.site(code="CASE-S")
    building = factory.building(site=site, code="CASE-B", floors=1, spaces_per_floor=1)
    space = building.floors[0].spaces[0]
    db.session.commit()
    now = site.created_at
    attempts = [
        (Site, {"code": "case-s", "name": "x", "kind": "social_hub", "status": "open", "communes_served": [],
                "illustrative": False, "created_at": now, "updated_at": now}),
        (Building, {"code": "Case-B", "name": "x", "site_id": site.id, "illustrative": False, "created_at": now,
                    "updated_at": now}),
        (Space, {"code": space.code.swapcase() if space.code.swapcase() != space.code else space.code + "x",
                 "floor_id": space.floor_id, "name": "x", "space_type": "office", "area_m2": 1, "is_public": False,
                 "step_free": True, "workstations": 0, "pcs": 0, "created_at": now, "updated_at": now}),
    ]
    for model, row in attempts[:2]:
        with pytest.raises(IntegrityError):
            db.session.execute(insert(model.__table__).values(**row))
        db.session.rollback()
    db.session.execute(insert(Space.__table__).values(**{**attempts[2][1], "code": "z1"}))
    with pytest.raises(IntegrityError):
        db.session.execute(insert(Space.__table__).values(**{**attempts[2][1], "code": "Z1"}))
    db.session.rollback()


def test_a_concurrent_site_code_gets_the_duplicate_message(db, factory, race):
    from facilities.inventory import rules, services
    from facilities.inventory.models import Site
    from facilities.validation import ValidationError

    factory.site(code="RACE")
    db.session.commit()
    race("_check_site_code")
    with pytest.raises(ValidationError) as refused:
        services.create_site(rules.clean_site({**SITE, "code": "race"}))
    assert refused.value.errors == {"code": french("The code %(code)s is already used by another site", code="race")}
    assert db.session.scalar(select(func.count()).select_from(Site)) == 1


def test_a_concurrent_building_or_space_code_gets_the_duplicate_message(db, factory, race):
    from facilities.inventory import rules, services
    from facilities.validation import ValidationError

    building = factory.building(code="RACE-B", floors=1)
    floor = building.floors[0]
    services.create_space(floor, rules.clean_space({"code": "A1", "name": "a", "space_type": "office",
                                                    "area_m2": "10"}))
    db.session.commit()
    site, floor_id = building.site, floor.id
    race("_check_building_code")
    with pytest.raises(ValidationError) as refused:
        services.create_building(site, rules.clean_building({"code": "race-b", "name": "x"}))
    assert refused.value.errors["code"] == french("The code %(code)s is already used by another building",
                                                  code="race-b")
    race("_check_space_code")
    from facilities.inventory.models import Floor

    floor = db.session.get(Floor, floor_id)
    with pytest.raises(ValidationError) as refused:
        services.create_space(floor, rules.clean_space({"code": "a1", "name": "a", "space_type": "office",
                                                        "area_m2": "10"}))
    assert refused.value.errors["code"] == french("The code %(code)s is already used on this floor", code="a1")


def test_the_site_form_and_the_api_answer_the_race_with_the_message(client_as, app, db, factory, race, token_for):
    factory.site(code="RACE-P")
    db.session.commit()
    race("_check_site_code")
    response = client_as("facilities_manager").post("/sites/new", data={**SITE, "code": "race-p"})
    assert response.status_code == 422
    assert "race-p" in response.get_data(as_text=True)
    race("_check_site_code")
    answer = app.test_client().post("/api/v1/sites", json={**SITE, "code": "rAcE-p"},
                                    headers=bearer(token_for("facilities_manager")))
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert "rAcE-p" in str(answer.get_json())


def test_the_upgrade_lists_codes_differing_only_by_case(tmp_path):
    import flask_migrate
    from sqlalchemy import text

    from facilities import create_app
    from facilities.extensions import db

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite3'}", "TESTING": True, "SECRET_KEY": "x"})
    with app.app_context():
        from alembic import command
        from alembic.script import ScriptDirectory

        config = app.extensions["migrate"].migrate.get_config()
        flask_migrate.upgrade(revision=ScriptDirectory.from_config(config).get_revision("c4e1a7d93b20").down_revision)
        with db.engine.begin() as connection:
            for code in ("DUP", "dup"):
                connection.execute(text(
                    "INSERT INTO sites (code, name, kind, status, communes_served, illustrative, synthetic, created_at, "
                    "updated_at) VALUES (:code, 'x', 'social_hub', 'open', '[]', 0, 0, '2026-01-01', '2026-01-01')"),
                    {"code": code})
        with pytest.raises(RuntimeError, match="Codes differing only by case must be renamed .*: sites: dup"):
            command.upgrade(config, "head")  # what `flask db upgrade` prints, without its exit
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE sites SET code = 'DUP-2' WHERE code = 'dup'"))
        flask_migrate.upgrade()
        with db.engine.begin() as connection, pytest.raises(IntegrityError):
            connection.execute(text("UPDATE sites SET code = 'dup' WHERE code = 'DUP-2'"))
        db.session.remove()
        db.engine.dispose()
