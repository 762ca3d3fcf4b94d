"""Apps of their own on a file SQLite database (or TEST_DATABASE_URL when a test says so) for the fault tests."""

from __future__ import annotations

import os

import pytest

from tests.conftest import PASSWORD, postgres_database

TEST_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_SECURE": False,
    "SECRET_KEY": "test-secret",
    "SERVER_NAME": "localhost",
}


def postgres_url() -> str | None:
    """A PostgreSQL database of the fault tests' own, next to TEST_DATABASE_URL's (created when missing).

    These tests kill connections and drop their schema: on the suite's shared database they would take the
    tables of every later test with them.
    """
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    return postgres_database(url, "_ops")


def build_app(database_url: str, **overrides):
    """An app with the ops commands registered (the lead wires them into create_app)."""
    from facilities import create_app
    from facilities.ops.cli import backup_command, restore_command

    application = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, **overrides})
    if "backup" not in application.cli.commands:
        application.cli.add_command(backup_command)
        application.cli.add_command(restore_command)
    return application


def create_schema(application, stamp: bool = True) -> None:
    """Tables from the models plus alembic_version at the head, as `flask db upgrade` leaves them."""
    from sqlalchemy import text

    from facilities.extensions import db
    from facilities.ops.cli import current_revision

    with application.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        if stamp:
            with db.engine.begin() as connection:
                connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
                connection.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": current_revision()})


@pytest.fixture
def sqlite_app(tmp_path):
    """A fresh app on its own SQLite file, schema created and stamped."""
    from facilities.extensions import db

    application = build_app(f"sqlite:///{tmp_path / 'ops.sqlite3'}")
    create_schema(application)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def add_user(application, role: str = "director", email: str | None = None) -> str:
    from facilities.auth.services import create_user
    from facilities.extensions import db

    email = email or f"{role}@ops.example"
    with application.app_context():
        create_user(email, role, PASSWORD)
        db.session.commit()
    return email


def signed_in(application, role: str = "director"):
    """A test client signed in with a new user of that role."""
    email = add_user(application, role)
    client = application.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def site_form(code: str) -> dict:
    return {"code": code, "name": f"Site {code}", "kind": "social_hub", "status": "open",
            "commune_code": "92004", "commune_name": "Asnières-sur-Seine", "latitude": "48.9",
            "longitude": "2.28", "location_precision": "", "services": ["pmi"]}
