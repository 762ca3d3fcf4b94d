"""What a bad day or a hostile client can send answers with a clear message, never a 500 (issue 12, "Why" 9):
absurd page numbers, lone surrogates in JSON, CR/LF in `next=`, oversized uploads, a killed database connection,
an unreadable boundaries archive."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.conftest import PASSWORD, bearer, french, page_text

HUGE = "9" * 30


# ---------------------------------------------------------------- page numbers


@pytest.mark.parametrize("page", [HUGE, "-1", "0", "x", "1e9", "٣"])
def test_an_absurd_page_number_shows_a_page_not_an_error(client_as, factory, page):
    factory.site(name="Only site")
    response = client_as("director").get(f"/sites?page={page}")
    assert response.status_code == 200


def test_an_absurd_page_number_in_a_building_history_shows_a_page(client_as, factory):
    building = factory.building()
    for page in (HUGE, "-5", "x"):
        assert client_as("director").get(f"/buildings/{building.id}/history?page={page}").status_code == 200


@pytest.mark.parametrize("name", ["offset", "limit"])
def test_an_absurd_offset_or_limit_in_the_api_is_a_400_problem(client, token_for, name):
    response = client.get(f"/api/v1/sites?{name}={HUGE}", headers=bearer(token_for("director")))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["field"] == name


# ---------------------------------------------------------------- JSON bodies


@pytest.mark.parametrize("raw", [r'"\ud800"', r'"a\udfffb"', r'"\udc00\ud800"'])
def test_a_lone_surrogate_in_json_is_a_400_problem(client, token_for, raw):
    body = '{"code": "S-1", "name": ' + raw + ', "kind": "social_hub", "status": "open"}'
    response = client.post("/api/v1/sites", data=body, content_type="application/json",
                           headers=bearer(token_for("facilities_manager")))
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["field"] == "name"


def test_a_lone_surrogate_in_a_json_key_is_a_400_problem(client, token_for):
    response = client.post("/api/v1/sites", data=r'{"\ud800": 1}', content_type="application/json",
                           headers=bearer(token_for("facilities_manager")))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


# ---------------------------------------------------------------- next=


@pytest.mark.parametrize("target", ["/sites%0d%0aSet-Cookie:%20x=1", "/sites%0aX", "/sites%0d", "/sites%09",
                                    "/%0d%0a/evil.example"])
def test_cr_lf_in_next_is_ignored_and_the_redirect_stays_on_site(client, make_user, target):
    make_user("director")
    response = client.post(f"/login?next={target}", data={"email": "director@test.example", "password": PASSWORD,
                                                          "next": target.replace("%0d", "\r").replace("%0a", "\n")
                                                          .replace("%09", "\t").replace("%20", " ")})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "\r" not in location and "\n" not in location and "evil" not in location
    assert "Set-Cookie" not in response.headers or "x=1" not in response.headers["Set-Cookie"]
    # Already signed in: the same targets on GET.
    again = client.get(f"/login?next={target}")
    assert again.status_code == 302 and "\n" not in again.headers["Location"]


def test_a_clean_next_is_still_followed(client, make_user):
    make_user("director")
    response = client.post("/login?next=/sites%3Fq%3Dx", data={"email": "director@test.example",
                                                              "password": PASSWORD, "next": "/sites?q=x"})
    assert response.headers["Location"].endswith("/sites?q=x")


# ---------------------------------------------------------------- oversized uploads


def _upload(client, size: int):
    return client.post("/inventory/import", data={"file": (io.BytesIO(b"x" * size), "big.csv")},
                       content_type="multipart/form-data")


def test_an_oversized_upload_says_the_maximum_size(client_as, app, monkeypatch):
    """Not "service unavailable": the 413 page, which must not read the oversized body again to draw itself."""
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    response = _upload(client_as("facilities_manager"), 1024 * 1024 + 10)
    assert response.status_code == 413
    text = page_text(response)
    assert french("The file or request is too large: at most %(size)s.", size=french("%(number)s MB", number="1")) \
        in text
    assert "Mo" in text and "indisponible" not in text and 'lang="fr"' in text


def test_an_oversized_upload_says_the_maximum_size_in_english(client_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 3 * 1024 * 1024 // 2)
    client = client_as("facilities_manager")
    client.post("/language", data={"lang": "en", "next": "/sites"})
    response = _upload(client, 2 * 1024 * 1024)
    assert response.status_code == 413
    assert "The file or request is too large: at most 1.5 MB." in page_text(response)


def test_an_oversized_api_body_is_a_413_problem_with_the_maximum(client, token_for, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = client.post("/api/v1/sites", data="{" + " " * 2048 + "}", content_type="application/json",
                           headers=bearer(token_for("facilities_manager")))
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 413 and body["max_bytes"] == 1024


# ---------------------------------------------------------------- gis import-boundaries


def test_import_boundaries_of_a_zip_without_a_readable_layer_is_a_clear_error(runner, tmp_path):
    archive = tmp_path / "communes.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("readme.txt", "no layer here")
        bundle.writestr("communes.shp", b"not a shapefile")
    result = runner.invoke(args=["gis", "import-boundaries", str(archive), "--code-field", "INSEE_COM",
                                 "--name-field", "NOM"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert "Cannot read 'communes.zip': it holds no layer GDAL can read" in result.output
    assert "The previous boundaries are kept." in result.output


# ---------------------------------------------------------------- a killed database connection


def _terminate(app, pid: int | None = None) -> None:
    """Kill PostgreSQL backends from another connection, as a DBA, a failover or a proxy restart would: backend
    `pid`, or every backend of the app's database."""
    import psycopg

    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as admin:
        if pid is None:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        else:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


@pytest.fixture
def production_errors(app, monkeypatch):
    """Error handling as in production (tests re-raise unexpected errors instead of answering 500)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    monkeypatch.setattr(app, "testing", False)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


def _kill_at_commit(db, app, monkeypatch) -> None:
    """The request's own connection is terminated just before its commit."""
    from sqlalchemy import text

    commit = db.session.commit

    def killing_commit():
        _terminate(app, db.session.execute(text("SELECT pg_backend_pid()")).scalar())
        commit()

    monkeypatch.setattr(db.session, "commit", killing_commit)


def _site_codes(db) -> list[str]:
    from facilities.inventory.models import Site

    db.session.remove()
    return [site.code for site in db.session.query(Site)]


@pytest.mark.postgres_only
@pytest.mark.real_commits  # the connection is killed: a test transaction around it would die with it
def test_a_connection_killed_before_the_commit_answers_503_and_saves_nothing(production_errors, client_as, db,
                                                                            app, monkeypatch):
    from tests.ops.conftest import site_form

    client = client_as("facilities_manager")
    _kill_at_commit(db, app, monkeypatch)
    response = client.post("/sites/new", data=site_form("KILLED-1"))
    monkeypatch.undo()
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert french("The database is unavailable for the moment. Nothing was saved; please try again shortly.") \
        in page_text(response)
    assert "KILLED-1" not in _site_codes(db)


@pytest.fixture
def connection_killed_after_the_commit(app, db, monkeypatch):
    """After the request's commit, its next use of the database (here an after_request hook reading it, as any
    later code might) finds the connection terminated."""
    from sqlalchemy import text

    def read_after_commit(response):
        from flask import request

        if request.method == "POST" and request.path in ("/sites/new", "/api/v1/sites") and response.status_code < 400:
            _terminate(app, db.session.execute(text("SELECT pg_backend_pid()")).scalar())
            db.session.execute(text("SELECT 1"))
        return response

    monkeypatch.setitem(app.after_request_funcs, None, [*app.after_request_funcs.get(None, []), read_after_commit])
    yield
    db.session.rollback()


@pytest.mark.postgres_only
@pytest.mark.real_commits  # the connection is killed: a test transaction around it would die with it
def test_a_connection_killed_after_the_commit_says_the_change_was_saved(production_errors, client_as, db,
                                                                       connection_killed_after_the_commit):
    """Not a 500 saying "nothing was saved" when the row is in the database: the user would enter it twice."""
    from tests.ops.conftest import site_form

    response = client_as("facilities_manager").post("/sites/new", data=site_form("KILLED-2"))
    assert response.status_code == 503
    text = page_text(response)
    assert french("Your change was saved, but the connection to the database was lost before the next page could "
                  "be shown. Reload the page in a few seconds.") in text
    assert french("Nothing was saved") not in text
    assert "KILLED-2" in _site_codes(db)


@pytest.mark.postgres_only
@pytest.mark.real_commits  # the connection is killed: a test transaction around it would die with it
def test_api_connection_killed_after_the_commit_says_the_change_was_saved(production_errors, client, token_for,
                                                                         db, connection_killed_after_the_commit):
    token = token_for("facilities_manager")
    response = client.post("/api/v1/sites", headers=bearer(token), json={
        "code": "KILLED-3", "name": "Killed", "kind": "social_hub", "status": "open"})
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == french(
        "Your change was saved, but the connection to the database was lost before the next page could be shown. "
        "Reload the page in a few seconds.")
    assert "KILLED-3" in _site_codes(db)


@pytest.mark.postgres_only
@pytest.mark.real_commits  # the connection is killed: a test transaction around it would die with it
def test_every_connection_killed_between_requests_is_replaced(production_errors, client_as, db, app, factory):
    factory.site(name="Before the failover")
    client = client_as("director")
    assert client.get("/sites").status_code == 200
    db.session.remove()
    _terminate(app)
    response = client.get("/sites")  # pool_pre_ping finds the dead connections and opens new ones
    assert response.status_code == 200 and "Before the failover" in page_text(response)
