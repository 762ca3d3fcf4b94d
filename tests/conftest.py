"""Shared fixtures: an app on SQLite (or TEST_DATABASE_URL, e.g. PostgreSQL), clients per role, factories.

Imports of the application happen inside fixtures so that `tests/gis` runs without Flask.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager

import pytest

pytest_plugins = ["pytester"]  # tests/test_skip_policy.py runs small suites of its own

ROLES = ("admin", "facilities_manager", "architect", "director")
PASSWORD = "correct-horse-battery"


def french(message: str, **variables) -> str:
    """A message as the interface shows it by default (French), from the catalogue: tests follow its wording."""
    from flask_babel import force_locale, gettext

    with force_locale("fr"):
        return gettext(message, **variables)


def page_text(response) -> str:
    """A page's HTML with entities decoded (Jinja escapes apostrophes, frequent in French)."""
    import html

    return html.unescape(response.get_data(as_text=True))


# ---------------------------------------------------------------- skips that cannot hide in CI
#
# Under CI=true a skipped test fails, unless it carries one of these markers (justified where it is used):
#   postgres_only       PostgreSQL behaviour; skipped on SQLite, run by CI's PostgreSQL pass (.ci/run);
#   allowed_skip(why)   a resource that CI cannot or should not have, said in `why`.
# Everything else a test needs (geography, Chromium, axe-core, node, Redis, PostgreSQL) is installed by
# scripts/test-deps or shipped in the repository, so a skip there means a broken setup, not a choice.


def strict_skips() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def on_postgres() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres_only") and not on_postgres():
        pytest.skip("PostgreSQL only (TEST_DATABASE_URL)")


def skip_is_allowed(item) -> bool:
    return bool(item.get_closest_marker("allowed_skip")
                or (item.get_closest_marker("postgres_only") and not on_postgres()))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and not hasattr(report, "wasxfail") and strict_skips() and not skip_is_allowed(item):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = (f"{reason}\nCI=true: a test may not skip for a missing resource; install it "
                           "(scripts/test-deps) or mark the test postgres_only / allowed_skip(why)")
    return report


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    from facilities import create_app
    from facilities.extensions import db

    application = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url(tmp_path_factory),
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": "localhost",
    })
    application.instance_path = str(tmp_path_factory.mktemp("instance"))  # uploads and reports, not the repo's
    with application.app_context():
        db.drop_all()
        drop_alembic_version(db)
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def drop_alembic_version(db) -> None:
    from sqlalchemy import text

    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def clean_tables(db) -> None:
    """Empty every table between tests (faster than recreating the schema)."""
    from sqlalchemy import text

    db.session.remove()
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(autouse=True)
def _app_context(request):
    """Tests that use the app run inside its context and start from empty tables."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    from facilities.extensions import db

    with app.app_context():
        yield
        db.session.rollback()
        clean_tables(db)


@pytest.fixture(autouse=True)
def fresh_request_state(request):
    """Give every test request a fresh `g`, as a real server does; make password hashing cheap.

    Tests keep one app context open, and Flask reuses an open app context for requests: without this,
    Flask-Login's cached user, Flask-Babel's locale and Flask-WTF's token would leak from one request
    (and one test client) to the next.
    """
    if "app" not in request.fixturenames:
        yield
        return
    from flask import g, request_started
    from werkzeug.security import generate_password_hash

    from facilities.auth import models

    app = request.getfixturevalue("app")
    # Cheap hashes (scrypt costs 0.1-0.3 s each); tests/auth/test_auth.py checks the real scrypt hashing.
    real_hash = models.generate_password_hash
    models.generate_password_hash = lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000")

    def reset(sender, **extra):
        g.__dict__.clear()

    request_started.connect(reset, app)
    try:
        yield
    finally:
        request_started.disconnect(reset, app)
        models.generate_password_hash = real_hash


@pytest.fixture
def db(app):
    from facilities.extensions import db as database

    return database


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(db):
    from facilities.auth.services import create_user

    def make(role: str = "director", email: str | None = None, password: str = PASSWORD):
        user = create_user(email or f"{role}@test.example", role, password)
        db.session.commit()
        return user

    return make


def login(client, email: str, password: str = PASSWORD, remember: bool = False):
    return client.post("/login", data={"email": email, "password": password, "remember": "y" if remember else ""})


@pytest.fixture
def client_as(app, make_user):
    """client_as('architect') → a test client signed in with that role."""
    made = {}

    def signed_in(role: str):
        if role not in made:
            user = make_user(role)
            made[role] = user.email
        test_client = app.test_client()
        response = login(test_client, made[role])
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return test_client

    return signed_in


@pytest.fixture
def token_for(make_user, db):
    """token_for('director') → a bearer token of a new user with that role."""
    from facilities.auth.services import create_token

    def make(role: str):
        user = make_user(role, email=f"api-{role}@test.example")
        _token, raw = create_token(user, "test")
        db.session.commit()
        return raw

    return make


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


@pytest.fixture
def redis_queue(app):
    """The app's jobs go through RQ on a Redis database of the tests (emptied before and after).

    Without Redis the test is skipped locally, but fails under CI (CI=true): the RQ path must be tested there.
    """
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(REDIS_TEST_URL)
    try:
        connection.ping()
    except RedisError as error:
        message = f"Redis is unreachable at {REDIS_TEST_URL} ({error}): the RQ path cannot be tested"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    connection.flushdb()
    app.config["REDIS_URL"] = REDIS_TEST_URL
    yield connection
    app.config["REDIS_URL"] = None
    connection.flushdb()


@pytest.fixture
def demo(db):
    from facilities.demo.loader import load_demo

    load_demo(with_users=False)
    db.session.commit()


@pytest.fixture
def factory(db):
    """Build sites, buildings, floors and spaces through the services, with sensible defaults."""
    from facilities.inventory import rules, services

    class Factory:
        counter = 0

        def site(self, **values):
            Factory.counter += 1
            data = {"code": f"S-{Factory.counter}", "name": f"Site {Factory.counter}", "kind": "social_hub",
                    "status": "open", "commune_code": "92004", "commune_name": "Asnières-sur-Seine",
                    "latitude": 48.9, "longitude": 2.28, "services": ["pmi"]}
            data.update(values)
            site = services.create_site(rules.clean_site(data))
            db.session.commit()
            return site

        def building(self, site=None, floors: int = 0, spaces_per_floor: int = 0, **values):
            site = site or self.site()
            Factory.counter += 1
            data = {"code": f"B-{Factory.counter}", "name": f"Building {Factory.counter}"}
            data.update(values)
            building = services.create_building(site, rules.clean_building(data))
            for level in range(floors):
                floor = services.create_floor(building, {"level": level, "name": f"L{level}", "area_m2": None,
                                                         "is_public": level == 0})
                for number in range(spaces_per_floor):
                    services.create_space(floor, rules.clean_space({
                        "code": f"{level}.{number:02d}", "name": f"Room {number}",
                        "space_type": "interview_office" if number % 2 else "office", "area_m2": "12",
                        "workstations": 1, "is_public": level == 0}))
            db.session.commit()
            return building

    return Factory()


@contextmanager
def count_queries(db):
    """Count the SQL statements run inside the block."""
    from sqlalchemy import event

    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not re.match(r"\s*(PRAGMA|SAVEPOINT|RELEASE)", statement, re.I):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
