"""Shared fixtures: an app on SQLite (or TEST_DATABASE_URL, e.g. PostgreSQL), clients per role, factories.

Imports of the application happen inside fixtures so that `tests/gis` runs without Flask.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager

import pytest

pytest_plugins = ["pytester"]  # tests/test_skip_policy.py runs small suites of its own

# A Redis database of this test process's own (xdist workers run side by side): 7, 8, ...
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", f"redis://127.0.0.1:6379/{7 + int(WORKER[2:] or 0)}")



def pytest_configure(config):
    """Under pytest-xdist each worker has a PostgreSQL database of its own, TEST_DATABASE_URL's name + _gw0, ..."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if WORKER and url.startswith("postgres"):
        os.environ["TEST_DATABASE_URL"] = postgres_database(url, f"_{WORKER}")


def postgres_database(url: str, suffix: str) -> str:
    """The URL of a database named after `url`'s plus `suffix`, created when missing."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    own = base.set(database=f"{base.database}{suffix}")
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                      {"name": own.database}).scalar():
                connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    finally:
        engine.dispose()
    return own.render_as_string(hide_password=False)


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
        # Rate limits and sign-in throttling stay on, in this process, but far from any test's traffic; the
        # throttling tests lower them (monkeypatch) and every test starts with empty counts (below).
        "RATELIMIT_STORAGE_URI": "memory://",
        "API_RATE_LIMIT": 1_000_000,
        "LOGIN_FREE_FAILURES": 1_000,
        "LOGIN_ACCOUNT_FREE_FAILURES": 1_000,
        "LOGIN_ADDRESS_LIMIT": "1000000 per hour",
    })
    application.instance_path = str(tmp_path_factory.mktemp("instance"))  # uploads and reports, not the repo's
    with application.app_context():
        drop_every_table(db)
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def drop_every_table(db) -> None:
    """Start from an empty database, whatever an earlier run of other code left there (tables since removed from
    the models, alembic_version): the tables the database has, not only those the models know."""
    from sqlalchemy import MetaData, text

    if db.engine.dialect.name == "sqlite":  # full-text tables first: dropping one drops its shadow tables
        with db.engine.begin() as connection:
            for (name,) in connection.execute(text(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")):
                connection.execute(text(f'DROP TABLE IF EXISTS "{name}"'))
    existing = MetaData()
    existing.reflect(db.engine)
    existing.drop_all(db.engine)


def clean_tables(db) -> None:
    """Empty every table: the cleanup of the tests marked real_commits (others roll back their transaction)."""
    from sqlalchemy import text

    db.session.remove()
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f'DELETE FROM "{table}"'))


STRAYS = pytest.StashKey[list]()  # what a rolled-back test did outside its connection (tests/test_fixtures.py)


class OtherConnection(RuntimeError):
    """Code under a rolled-back test used a connection or thread of its own: it would not see the test's data."""


@pytest.fixture(autouse=True)
def _app_context(request):
    """Tests that use the app run inside its context and start from empty tables.

    Isolation by rollback: the test's session is bound to one connection whose outer transaction is rolled back
    afterwards; the session's commits release savepoints inside it (SQLAlchemy's "joining a session into an
    external transaction"). Tests whose data must really be committed, because another connection, thread or
    process reads it, are marked `real_commits` and get the slower cleanup (every table emptied).
    """
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    if "demo" in request.fixturenames:
        request.getfixturevalue("demo_rows")  # built once, outside the test's transaction
    from facilities.extensions import db

    with app.app_context():
        app.extensions["facilities.limiter"].reset()  # rate-limit and sign-in counts start afresh
        if request.node.get_closest_marker("real_commits"):
            try:
                yield
            finally:
                db.session.rollback()
                clean_tables(db)
            return
        with rolled_back(db) as strays:
            request.node.stash[STRAYS] = strays
            yield
        if strays:
            pytest.fail(f"{strays[0]}: mark the test real_commits", pytrace=False)


@contextmanager
def rolled_back(db):
    """Bind `db.session` to one connection inside a transaction that is rolled back at the end."""
    import threading

    from sqlalchemy import event

    owner = threading.get_ident()
    strays: list[str] = []

    def get_bind(session, mapper=None, clause=None, bind=None, **kwargs):
        """Flask-SQLAlchemy's session picks the engine itself: use the test's connection, from the test's thread."""
        if threading.get_ident() != owner:
            strays.append(f"the database was used from another thread ({threading.current_thread().name})")
            raise OtherConnection(strays[-1])
        return bind if bind is not None else session.bind

    def checkout(*_args):
        strays.append("the code under test opened a connection of its own (db.engine)")
        raise OtherConnection(strays[-1])

    db.session.remove()
    connection = db.engine.connect()
    driver = connection.connection.driver_connection
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # pysqlite begins transactions itself, late, and a SAVEPOINT outside its BEGIN would commit on RELEASE:
        # take BEGIN over for this connection (SQLAlchemy's recipe for SAVEPOINT on pysqlite).
        isolation_level, driver.isolation_level = driver.isolation_level, None
    transaction = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    else:
        restart_sequences(connection)
    # The app's own session factory, so that the listeners registered on it (the audit trail) still apply.
    factory = db.session.session_factory
    options = dict(factory.kw)
    factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    factory.class_.get_bind = get_bind
    event.listen(db.engine, "checkout", checkout)
    try:
        yield strays
    finally:
        event.remove(db.engine, "checkout", checkout)
        try:
            db.session.remove()
        finally:
            del factory.class_.get_bind
            factory.kw.clear()
            factory.kw.update(options)
            try:
                transaction.rollback()
                if sqlite:
                    driver.isolation_level = isolation_level
            except Exception:
                connection.invalidate()  # a connection the test broke (killed) never goes back to the pool
                raise
            finally:
                connection.close()


def serial_sequences(connection) -> dict[str, tuple[str, str]]:
    """PostgreSQL: table name -> (sequence, column) of each table whose key a sequence numbers."""
    from facilities.extensions import db

    sequences = connection.info.get("test_sequences")
    if sequences is None:
        sequences = connection.info["test_sequences"] = {}
        for table in db.metadata.sorted_tables:
            for column in table.primary_key.columns:
                if column.type.python_type is int and column.autoincrement in (True, "auto"):
                    name = connection.exec_driver_sql(
                        f"SELECT pg_get_serial_sequence('\"{table.name}\"', '{column.name}')").scalar()
                    if name:
                        sequences[table.name] = (name, column.name)
    return sequences


def restart_sequences(connection) -> None:
    """PostgreSQL sequences ignore rollbacks: start them again at 1, as TRUNCATE ... RESTART IDENTITY did."""
    sequences = serial_sequences(connection)
    if sequences:
        connection.exec_driver_sql("SELECT " + ", ".join(f"setval('{name}', 1, false)"
                                                         for name, _column in sequences.values()))


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


@pytest.fixture
def redis_queue(app):
    """The app's jobs go through RQ on a Redis database of the tests, on a queue of this test alone (other test
    runs may share the database), emptied afterwards. Yields the Redis connection.

    Without Redis the test is skipped locally, but fails under CI (CI=true): the RQ path must be tested there.
    """
    import uuid

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
    app.config["REDIS_URL"] = REDIS_TEST_URL
    app.config["JOB_RQ_QUEUE"] = f"facilities-test-{uuid.uuid4().hex[:12]}"
    yield connection
    from facilities.jobs import worker

    worker.rq_queue(app).empty()
    for key in connection.scan_iter(f"rq:*{app.config['JOB_RQ_QUEUE']}*"):
        connection.delete(key)
    app.config["REDIS_URL"] = app.config["JOB_RQ_QUEUE"] = None


@pytest.fixture(scope="session")
def demo_rows(app) -> dict:
    """The demo dataset, built once per session (in a transaction that is rolled back) and kept as rows."""
    from sqlalchemy import select

    from facilities.demo.loader import load_demo
    from facilities.extensions import db as database

    with app.app_context(), rolled_back(database):
        load_demo(with_users=False)
        database.session.commit()
        rows = {table: [dict(row._mapping) for row in database.session.execute(select(table))]
                for table in database.metadata.sorted_tables}
    return {table: table_rows for table, table_rows in rows.items() if table_rows}


@pytest.fixture
def demo(db, demo_rows):
    """The demo portfolio, without accounts: the session's snapshot copied in, or loaded when tables are not empty."""
    from sqlalchemy import func, select

    if any(db.session.scalar(select(func.count()).select_from(table)) for table in demo_rows):
        from facilities.demo.loader import load_demo

        load_demo(with_users=False)
    else:
        for table, rows in demo_rows.items():
            db.session.execute(table.insert(), rows)
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":  # explicit ids leave the sequences behind
            sequences = serial_sequences(connection)
            for table in demo_rows:
                if table.name in sequences:
                    name, column = sequences[table.name]
                    connection.exec_driver_sql(f"SELECT setval('{name}', (SELECT max(\"{column}\") FROM \"{table.name}\"))")
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
        if not re.match(r"\s*(PRAGMA|SAVEPOINT|RELEASE|ROLLBACK TO)", statement, re.I):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
