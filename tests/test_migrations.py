"""Migrations: one head; upgrade from empty, no drift from the models, downgrade back to nothing.

On a fresh SQLite file always, and on PostgreSQL too when TEST_DATABASE_URL points there.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import inspect

from facilities import PACKAGE_ROOT

FOUNDATION_TABLES = {"sites", "site_services", "buildings", "floors", "spaces", "users", "api_tokens"}
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")


def heads() -> list[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(PACKAGE_ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_heads()


def _table_of(difference) -> str | None:
    """The table a difference reported by compare_metadata is about."""
    if isinstance(difference, list):  # column modifications come grouped
        return _table_of(difference[0])
    for item in difference[1:]:
        name = getattr(item, "name", None) if not isinstance(item, str) else None
        table = getattr(item, "table", None)
        if table is not None and getattr(table, "name", None):
            return table.name
        if hasattr(item, "columns") and name:  # a Table
            return name
    if len(difference) > 3 and isinstance(difference[2], str):  # ('modify_type', schema, table, column, ...)
        return difference[2]
    return None


def schema_differences(db) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        from facilities.textsearch import include_name

        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "compare_server_default": False,
                                                               "include_name": include_name})
        return compare_metadata(context, db.metadata)


def migrate_up_compare_down(app) -> tuple[list, set[str], set[str]]:
    """Upgrade to head, read the drift, downgrade to base; return (drift, tables at head, tables at base)."""
    import flask_migrate

    from facilities.extensions import db

    with app.app_context():
        flask_migrate.upgrade()
        at_head = set(inspect(db.engine).get_table_names())
        drift = schema_differences(db)
        flask_migrate.downgrade(revision="base")
        at_base = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        db.session.remove()
        db.engine.dispose()
    return drift, at_head, at_base


@pytest.fixture(scope="module")
def sqlite_run(tmp_path_factory):
    from facilities import create_app

    path = tmp_path_factory.mktemp("migrations") / "migrated.sqlite3"
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "TESTING": True, "SECRET_KEY": "x"})
    return migrate_up_compare_down(app)


def test_single_head():
    assert len(heads()) == 1, heads()


def test_upgrade_from_empty_creates_the_foundation_tables(sqlite_run):
    _drift, at_head, _at_base = sqlite_run
    assert FOUNDATION_TABLES <= at_head


def test_foundation_models_and_migrations_do_not_drift(sqlite_run):
    drift, _at_head, _at_base = sqlite_run
    ours = [d for d in drift if _table_of(d) in FOUNDATION_TABLES or _table_of(d) is None]
    assert ours == [], ours


def test_models_and_migrations_do_not_drift(sqlite_run):
    """Every model of every area has its migration (the lead regenerates them when areas add models)."""
    drift, _at_head, _at_base = sqlite_run
    assert drift == [], "models and migrations differ: " + "; ".join(
        sorted({f"{_table_of(d) or '?'}: {d[0][0] if isinstance(d, list) else d[0]}" for d in drift}))


def test_downgrade_to_base_leaves_no_table(sqlite_run):
    _drift, _at_head, at_base = sqlite_run
    assert at_base == set()


@pytest.mark.postgres_only
def test_migrations_on_postgresql():
    from facilities import create_app
    from facilities.extensions import db
    from tests.conftest import drop_every_table

    app = create_app({"DATABASE_URL": POSTGRES_URL, "TESTING": True, "SECRET_KEY": "x"})
    with app.app_context():
        drop_every_table(db)
    try:
        drift, at_head, at_base = migrate_up_compare_down(app)
    finally:
        with app.app_context():  # the rest of the suite shares this database: give it its schema back
            drop_every_table(db)
            db.create_all()
            db.session.remove()
            db.engine.dispose()
    assert FOUNDATION_TABLES <= at_head
    assert drift == [], drift
    assert at_base == set()


def test_district_heating_of_the_works_savings_is_migrated_to_the_one_carrier_list(tmp_path):
    """c41e7a2d9b10: 'heating_network' (works) becomes 'district_heating' (the shared list), and back."""
    import flask_migrate
    from sqlalchemy import text

    from facilities import create_app
    from facilities.extensions import db

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'carriers.sqlite3'}", "TESTING": True,
                      "SECRET_KEY": "x"})

    def carriers() -> list[str]:
        with db.engine.connect() as connection:
            return list(connection.execute(text("SELECT carrier FROM operation_savings ORDER BY id")).scalars())

    with app.app_context():
        flask_migrate.upgrade(revision="a2ef6d848476")
        with db.engine.begin() as connection:
            connection.execute(text("PRAGMA foreign_keys=OFF"))  # savings alone: no operation needed here
            connection.execute(text("INSERT INTO operation_savings (operation_id, carrier, kwh_per_year) VALUES "
                                    "(1, 'heating_network', 10), (1, 'wood', 5), (2, 'other', 1)"))
        flask_migrate.upgrade(revision="c41e7a2d9b10")
        assert carriers() == ["district_heating", "wood", "other"]
        flask_migrate.downgrade(revision="a2ef6d848476")
        assert carriers() == ["heating_network", "wood", "other"]
        db.session.remove()
        db.engine.dispose()


def test_buildings_get_their_tertiary_area_and_one_efa_each(tmp_path):
    """f1a2b3c4d5e6 and a7e3c9d1f2b4 (issue 15): existing buildings get tertiary_area_m2 = gross area and one EFA
    each (the whole building), nothing lost; downgrading removes them again."""
    import flask_migrate
    from sqlalchemy import text

    from facilities import create_app
    from facilities.extensions import db

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'efas.sqlite3'}", "TESTING": True, "SECRET_KEY": "x"})
    with app.app_context():
        flask_migrate.upgrade(revision="f17a0c3b5d21")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO sites (id, code, name, kind, status, communes_served, synthetic, illustrative, created_at, "
                "updated_at) VALUES (1, 'S', 'Site', 'social_hub', 'open', '[]', 0, 0, '2026-01-01', '2026-01-01')"))
            connection.execute(text(
                "INSERT INTO buildings (id, site_id, code, name, gross_floor_area_m2, illustrative, created_at, "
                "updated_at) VALUES (1, 1, 'B1', 'Bureaux', 1400, 0, '2026-01-01', '2026-01-01'), "
                "(2, 1, 'B2', 'Sans surface', NULL, 0, '2026-01-01', '2026-01-01')"))
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            areas = connection.execute(text("SELECT code, tertiary_area_m2 FROM buildings ORDER BY code")).all()
            assert [(code, None if area is None else float(area)) for code, area in areas] == [
                ("B1", 1400.0), ("B2", None)]
            efas = connection.execute(text(
                "SELECT e.site_id, e.label, e.activity_category, p.building_id, p.tertiary_area_m2 "
                "FROM efas e JOIN efa_parts p ON p.efa_id = e.id")).all()
            assert efas == [(1, "Bureaux", "offices", 1, None)]
        flask_migrate.downgrade(revision="f17a0c3b5d21")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM buildings")).scalar() == 2
        db.session.remove()
        db.engine.dispose()


def test_seeded_databases_get_the_generic_district_cooling_factor(tmp_path):
    """c6e8a0b2d4f7 (issue 15 point 7): a database whose emission factors are seeded gets district cooling's
    generic row (0.385, an unlisted network); downgrading removes it."""
    import flask_migrate
    from sqlalchemy import text

    from facilities import create_app
    from facilities.extensions import db

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'cooling.sqlite3'}", "TESTING": True,
                      "SECRET_KEY": "x"})

    def cooling() -> list:
        with db.engine.connect() as connection:
            return [float(v) for v in connection.execute(text(
                "SELECT kg_co2e_per_kwh FROM emission_factors WHERE carrier = 'district_cooling'")).scalars()]

    with app.app_context():
        flask_migrate.upgrade(revision="d4a8b6c2e917")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO emission_factors (carrier, kg_co2e_per_kwh, valid_from, source, "
                                    "version) VALUES ('district_heating', 0.385, '2000-01-01', 'seed', 1)"))
        flask_migrate.upgrade(revision="c6e8a0b2d4f7")
        assert cooling() == [0.385]
        flask_migrate.downgrade(revision="d4a8b6c2e917")
        assert cooling() == []
        db.session.remove()
        db.engine.dispose()


def test_existing_sites_get_their_map_tiles(tmp_path):
    """b3d5f7a9c124 (issue 20): the sites already located get their Web Mercator tile at each stored level, those
    without coordinates none; downgrading removes the columns and keeps the sites."""
    import flask_migrate
    from sqlalchemy import text

    from facilities import create_app
    from facilities.extensions import db
    from gis.tiles import tile_key

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'tiles.sqlite3'}", "TESTING": True, "SECRET_KEY": "x"})
    with app.app_context():
        flask_migrate.upgrade(revision="a7c1e3f5b902")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO sites (id, code, name, kind, status, communes_served, synthetic, illustrative, latitude, "
                "longitude, created_at, updated_at) VALUES (1, 'S1', 'Paris', 'social_hub', 'open', '[]', 0, 0, "
                "48.853, 2.3499, '2026-01-01', '2026-01-01'), (2, 'S2', 'Nowhere', 'social_hub', 'open', '[]', 0, 0, "
                "NULL, NULL, '2026-01-01', '2026-01-01')"))
        flask_migrate.upgrade(revision="b3d5f7a9c124")
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT id, map_tile_4, map_tile_7, map_tile_10, map_tile_13, map_tile_16 "
                                           "FROM sites ORDER BY id")).all()
        assert rows == [(1, *(tile_key(48.853, 2.3499, level) for level in (4, 7, 10, 13, 16))),
                        (2, None, None, None, None, None)]
        flask_migrate.downgrade(revision="a7c1e3f5b902")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM sites")).scalar() == 2
        db.session.remove()
        db.engine.dispose()
