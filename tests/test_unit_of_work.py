"""One commit per request and per command, done by the wrapper in facilities/database.py; rollback otherwise."""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from pathlib import Path

import click
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from tests.conftest import bearer
from tests.inventory.helpers import SITE_FORM, english

# What the wrapper commits is read back through a connection of its own: the data must really be committed.
pytestmark = pytest.mark.real_commits

ROOT = Path(__file__).resolve().parent.parent


def stored(db, statement):
    """Read through a connection of its own: what is committed, not what the test's session holds."""
    with db.engine.connect() as connection:
        return connection.execute(statement).scalar()


@contextmanager
def failing_commit(db, error):
    """Every commit raises `error`, as a database refusing the transaction at COMMIT would."""
    def refuse(_session):
        raise error

    event.listen(db.session, "before_commit", refuse)
    try:
        yield
    finally:
        event.remove(db.session, "before_commit", refuse)


def integrity_error():
    return IntegrityError("COMMIT", {}, Exception("duplicate key value violates unique constraint"))


def site_name(db, site_id):
    from facilities.inventory.models import Site

    return stored(db, select(Site.name).where(Site.id == site_id))


# ---------------------------------------------------------------- requests


def test_a_successful_form_is_committed_by_the_wrapper(client_as, factory, db):
    manager = english(client_as("facilities_manager"))
    site = factory.site(code="S-UOW", name="Old name")
    response = manager.post(f"/sites/{site.id}/edit", data={**SITE_FORM, "code": "S-UOW", "name": "New name"})
    assert response.status_code == 302
    assert site_name(db, site.id) == "New name"


def test_a_route_that_raises_after_writing_leaves_nothing(client_as, factory, db, app, monkeypatch):
    from facilities.inventory import services

    manager = english(client_as("facilities_manager"))
    site = factory.site(code="S-UOW", name="Old name")
    real_update = services.update_site

    def update_then_fail(target, values):
        real_update(target, values)
        from facilities.extensions import db as database

        database.session.flush()  # the change reached the database inside the request's transaction
        raise RuntimeError("failure after writing")

    monkeypatch.setattr(services, "update_site", update_then_fail)
    monkeypatch.setattr(app, "testing", False)  # the error page, as in production
    response = manager.post(f"/sites/{site.id}/edit", data={**SITE_FORM, "code": "S-UOW", "name": "Half-saved"})
    assert response.status_code == 500
    assert "saved" not in response.get_data(as_text=True).replace("Nothing was saved", "")
    assert site_name(db, site.id) == "Old name"


def test_a_refused_form_changes_nothing_even_if_a_service_wrote_first(client_as, factory, db, monkeypatch):
    from facilities.inventory import services
    from facilities.validation import ValidationError

    manager = english(client_as("facilities_manager"))
    site = factory.site(code="S-UOW", name="Old name")
    real_update = services.update_site

    def update_then_refuse(target, values):
        real_update(target, values)
        raise ValidationError({"name": "refused after writing"})

    monkeypatch.setattr(services, "update_site", update_then_refuse)
    response = manager.post(f"/sites/{site.id}/edit", data={**SITE_FORM, "code": "S-UOW", "name": "Half-saved"})
    assert response.status_code == 422
    assert "refused after writing" in response.get_data(as_text=True)
    assert site_name(db, site.id) == "Old name"


def test_a_failed_commit_shows_the_error_page_not_a_success_message(client_as, factory, db):
    manager = english(client_as("facilities_manager"))
    site = factory.site(code="S-UOW", name="Old name")
    with failing_commit(db, integrity_error()):
        response = manager.post(f"/sites/{site.id}/edit", data={**SITE_FORM, "code": "S-UOW", "name": "Lost"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "This change conflicts with existing data." in page and "S-UOW saved" not in page
    assert site_name(db, site.id) == "Old name"
    # The "saved" message the view flashed before the commit failed is taken back: no later page shows it.
    later = manager.get(f"/sites/{site.id}").get_data(as_text=True)
    assert "saved" not in later and "Old name" in later


def test_a_commit_that_loses_the_database_answers_503(client_as, factory, db):
    manager = english(client_as("facilities_manager"))
    site = factory.site(code="S-UOW", name="Old name")
    lost = OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))
    with failing_commit(db, lost):
        response = manager.post(f"/sites/{site.id}/edit", data={**SITE_FORM, "code": "S-UOW", "name": "Lost"})
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert site_name(db, site.id) == "Old name"


def test_a_failed_commit_through_the_api_is_a_problem_document(token_for, factory, db, client):
    site = factory.site(code="S-UOW", name="Old name")
    token = token_for("facilities_manager")
    with failing_commit(db, integrity_error()):
        response = client.patch(f"/api/v1/sites/{site.id}", json={"name": "Lost"}, headers=bearer(token))
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    assert site_name(db, site.id) == "Old name"


def test_an_api_error_after_writing_leaves_nothing(token_for, factory, db, client):
    from facilities.inventory.models import Building

    site = factory.site(code="S-UOW")
    token = token_for("facilities_manager")
    refused = client.post("/api/v1/buildings", json={"site_id": site.id, "code": "B-1", "name": "x" * 5000},
                          headers=bearer(token))
    assert refused.status_code == 422
    assert stored(db, select(func.count()).select_from(Building)) == 0


def test_reads_never_commit(client_as, factory, db, monkeypatch):
    """A page that changes an object while rendering (by mistake) leaves the database as it was."""
    from facilities.inventory import services

    director = english(client_as("director"))
    site = factory.site(code="S-UOW", name="Old name")
    real_load = services.load_site

    def load_and_touch(site_id):
        found = real_load(site_id)
        found.name = "Changed while reading"
        return found

    monkeypatch.setattr(services, "load_site", load_and_touch)
    assert director.get(f"/sites/{site.id}").status_code == 200
    assert site_name(db, site.id) == "Old name"


def test_work_waiting_for_the_commit_runs_only_after_it(client_as, db, monkeypatch):
    from facilities.jobs import worker
    from facilities.jobs.models import Job

    dispatched = []

    def dispatch(app, job_ids):
        # The job must already be committed when a worker is handed it.
        dispatched.extend((job_id, stored(db, select(Job.status).where(Job.id == job_id))) for job_id in job_ids)

    monkeypatch.setattr(worker, "dispatch", dispatch)
    monkeypatch.setattr(worker, "ensure_taken", lambda app, job_ids: None)
    director = english(client_as("director"))
    with failing_commit(db, integrity_error()):
        assert director.post("/reports/portfolio").status_code == 409
    assert dispatched == [] and stored(db, select(func.count()).select_from(Job)) == 0
    assert director.post("/reports/portfolio").status_code == 302
    assert len(dispatched) == 1 and dispatched[0][1] == "queued"


def test_a_failed_sign_in_is_counted_although_it_answers_401(app, client, make_user):
    """The count lives in the rate-limit storage (facilities/auth/throttle.py), untouched by the rollback."""
    from facilities.auth.throttle import LoginThrottle

    make_user("director")
    response = client.post("/login", data={"email": "director@test.example", "password": "wrong-password"})
    assert response.status_code == 401
    with app.test_request_context():
        throttle = LoginThrottle("director@test.example", "127.0.0.1")
        assert throttle.storage.get(throttle.keys["pair_failures"]) == 1


# ---------------------------------------------------------------- commands


def token_count(db):
    from facilities.auth.models import ApiToken

    return stored(db, select(func.count()).select_from(ApiToken))


def test_a_command_commits_when_it_succeeds(runner, make_user, db):
    make_user("director")
    result = runner.invoke(args=["users", "token", "director@test.example"])
    assert result.exit_code == 0, result.output
    assert token_count(db) == 1


@pytest.mark.parametrize("failure", ["exception", "click", "exit"])
def test_a_command_that_fails_after_writing_leaves_nothing(runner, make_user, db, monkeypatch, failure):
    from facilities.auth import services

    make_user("director")
    real_create = services.create_token

    def create_then_fail(*args, **kwargs):
        created = real_create(*args, **kwargs)
        from facilities.extensions import db as database

        database.session.flush()
        if failure == "exception":
            raise RuntimeError("failure after writing")
        if failure == "click":
            raise click.ClickException("refused after writing")
        sys.exit(3)
        return created

    monkeypatch.setattr(services, "create_token", create_then_fail)
    result = runner.invoke(args=["users", "token", "director@test.example"])
    assert result.exit_code != 0
    assert token_count(db) == 0


def test_a_command_whose_commit_fails_says_nothing_was_saved(runner, make_user, db):
    make_user("director")
    with failing_commit(db, integrity_error()):
        result = runner.invoke(args=["users", "token", "director@test.example"])
    assert result.exit_code == 1
    assert "nothing was saved" in result.output
    assert token_count(db) == 0


def test_every_command_has_the_wrapper(app):
    def leaves(group, path=()):
        for name, command in group.commands.items():
            yield (*path, name), command
            if isinstance(command, click.Group):
                yield from leaves(command, (*path, name))

    unwrapped = [" ".join(path) for path, command in leaves(app.cli)
                 if command.callback is not None and not getattr(command.callback, "__unit_of_work__", False)]
    assert unwrapped == []


# ---------------------------------------------------------------- nobody else commits


def test_no_route_service_or_command_commits_by_hand():
    """The wrapper (facilities/database.py) commits; a background job is its own unit of work, committed once by
    the job runner (facilities/jobs/queue.py)."""
    allowed = {ROOT / "facilities" / "database.py", ROOT / "facilities" / "jobs" / "queue.py"}
    offenders = []
    for path in sorted((ROOT / "facilities").rglob("*.py")):
        if path in allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.commit\(\)", line) and not line.lstrip().startswith("#"):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
