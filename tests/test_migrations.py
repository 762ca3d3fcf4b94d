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
