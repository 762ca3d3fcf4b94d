"""The database stops while the application runs: 503 with a clear message, nothing half-written, recovery."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from tests.ops.conftest import build_app, postgres_url, signed_in, site_form


@contextmanager
def database_down(application):
    """Every new connection fails as if the database file or server were gone; pooled ones are dropped."""
    from facilities.extensions import db

    with application.app_context():
        engine = db.engine

    def refuse(dialect, conn_rec, cargs, cparams):
        raise sqlite3.OperationalError("unable to open database file")

    engine.dispose()
    event.listen(engine, "do_connect", refuse)
    try:
        yield
    finally:
        event.remove(engine, "do_connect", refuse)


def site_count(application) -> int:
    from facilities.extensions import db
    from facilities.inventory.models import Site

    with application.app_context():
        return db.session.execute(select(func.count(Site.id))).scalar_one()


def test_pages_answer_503_without_touching_the_database_then_recover(sqlite_app):
    client = signed_in(sqlite_app, "director")
    assert client.get("/sites").status_code == 200
    with database_down(sqlite_app):
        response = client.get("/sites")  # the session cookie makes Flask-Login query the user first
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        page = response.get_data(as_text=True)
        assert "<html" in page and "navbar" not in page  # the standalone page, not base.html
        assert "indisponible" in page or "unavailable" in page
    assert client.get("/sites").status_code == 200  # resumes by itself


def test_api_answers_problem_json(sqlite_app, monkeypatch):
    from facilities.auth.services import create_token, create_user
    from facilities.extensions import db

    with sqlite_app.app_context():
        user = create_user("api@ops.example", "director", "correct-horse-battery")
        _token, raw = create_token(user, "test")
        db.session.commit()
    client = sqlite_app.test_client()
    headers = {"Authorization": f"Bearer {raw}"}
    with database_down(sqlite_app):
        response = client.get("/api/v1/sites", headers=headers)
        assert response.status_code == 503
        assert response.mimetype == "application/problem+json"
        assert response.json["status"] == 503 and response.json["detail"]
        assert response.headers["Retry-After"]
    assert client.get("/api/v1/sites", headers=headers).status_code == 200


def test_user_loader_failure_is_503_not_500(sqlite_app, monkeypatch):
    """Even with the app not in testing mode (where 500s are re-raised), a dead loader gives 503."""
    client = signed_in(sqlite_app, "director")
    sqlite_app.testing = False
    try:
        with database_down(sqlite_app):
            assert client.get("/account").status_code == 503
    finally:
        sqlite_app.testing = True


def test_a_write_cut_midway_leaves_nothing_half_written(sqlite_app):
    """The site row is inserted, then the connection fails on its services: the site must not remain."""
    from facilities.extensions import db

    client = signed_in(sqlite_app, "facilities_manager")
    with sqlite_app.app_context():
        engine = db.engine

    def fail_on_services(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO SITE_SERVICES"):
            raise sqlite3.OperationalError("disk I/O error")

    event.listen(engine, "before_cursor_execute", fail_on_services)
    try:
        response = client.post("/sites/new", data=site_form("HALF-1"))
    finally:
        event.remove(engine, "before_cursor_execute", fail_on_services)
    assert response.status_code == 503
    assert site_count(sqlite_app) == 0
    assert client.post("/sites/new", data=site_form("HALF-1")).status_code == 302
    assert site_count(sqlite_app) == 1


@pytest.mark.allowed_skip("root reads unreadable directories, and CI runs as root in its container: the outage "
                          "cannot be staged there; any other user runs it")
def test_unreadable_database_directory_then_back(tmp_path):
    """A real outage on disk: the directory becomes unreadable (needs a non-root user to mean anything)."""
    import os

    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    from tests.ops.conftest import create_schema

    folder = tmp_path / "data"
    folder.mkdir()
    application = build_app(f"sqlite:///{folder / 'db.sqlite3'}")
    create_schema(application)
    client = signed_in(application, "director")
    from facilities.extensions import db

    with application.app_context():
        db.engine.dispose()
    folder.chmod(0)
    try:
        assert client.get("/sites").status_code == 503
    finally:
        folder.chmod(0o755)
    assert client.get("/sites").status_code == 200


@pytest.mark.postgres_only
def test_postgres_wrong_port_is_503():
    url = postgres_url()
    from sqlalchemy.engine import make_url

    wrong = make_url(url).set(port=1).render_as_string(hide_password=False)
    application = build_app(wrong)
    response = application.test_client().get("/api/v1/sites", headers={"Authorization": "Bearer x"})
    assert response.status_code == 503
    assert application.test_client().get("/login").status_code == 200  # a page that needs no database


@pytest.mark.postgres_only
def test_postgres_connections_killed_then_next_request_recovers():
    from sqlalchemy import create_engine, text

    from tests.ops.conftest import create_schema

    application = build_app(postgres_url())
    create_schema(application, stamp=False)
    try:
        client = signed_in(application, "director")
        assert client.get("/sites").status_code == 200
        admin = create_engine(postgres_url().replace("+psycopg", "+psycopg"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            killed = connection.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
        admin.dispose()
        assert killed >= 1
        assert client.get("/sites").status_code == 200  # pool_pre_ping replaced the dead connections
    finally:
        from facilities.extensions import db

        with application.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
