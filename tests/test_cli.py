"""Command line: `flask demo` (idempotent), `flask users create`, `flask users token`."""

from __future__ import annotations

from sqlalchemy import select, text

from tests.conftest import bearer
from tests.inventory.helpers import row_counts


def snapshot(db) -> dict[str, list]:
    """Every row of every inventory table, updated_at included."""
    tables = ("sites", "site_services", "buildings", "floors", "spaces", "users")
    return {table: [tuple(row) for row in db.session.execute(text(f'SELECT * FROM "{table}" ORDER BY 1, 2'))]
            for table in tables}


def test_demo_twice_changes_nothing(runner, db):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Demo data loaded" in first.output
    counts, rows = row_counts(db), snapshot(db)
    assert counts["Site"] == 11 and counts["Space"] > 40
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert "0 sites, 0 buildings, 0 floors, 0 spaces" in second.output
    db.session.expire_all()
    assert row_counts(db) == counts
    assert snapshot(db) == rows  # no updated_at moved either


def test_demo_mode_creates_one_user_per_role_once(runner, app, db, monkeypatch):
    from facilities.auth.models import User

    monkeypatch.setitem(app.config, "DEMO_MODE", True)
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    roles = sorted(db.session.execute(select(User.role)).scalars())
    assert roles == ["admin", "architect", "director", "facilities_manager", "requester"]
    assert "architect@demo.example" in result.output
    runner.invoke(args=["demo"])
    assert db.session.scalar(select(db.func.count(User.id))) == 5


def test_demo_without_demo_mode_creates_no_account(runner, app, db, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0
    assert row_counts(db)["User"] == 0
    assert "demo-admin" not in result.output


def test_users_create_prints_a_reset_link_instead_of_asking_a_password(runner, db):
    from facilities.auth.models import User

    result = runner.invoke(args=["users", "create", "Arch@Test.example", "--role", "architect"])
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User)).scalar_one()
    assert (user.email, user.role) == ("arch@test.example", "architect")
    assert "/reset/" in result.output.splitlines()[-1]  # the owner chooses the password (tests/auth/test_passwords.py)


def test_users_create_refuses_an_unknown_role(runner, db):
    before = row_counts(db)
    result = runner.invoke(args=["users", "create", "x@test.example", "--role", "superuser"])
    assert result.exit_code != 0
    assert "Role must be one of: admin, facilities_manager, architect, director" in result.output
    assert row_counts(db) == before


def test_users_create_refuses_a_duplicate(runner, db, make_user):
    make_user("director", email="taken@test.example")
    before = row_counts(db)
    duplicate = runner.invoke(args=["users", "create", "TAKEN@test.example", "--role", "admin"])
    assert duplicate.exit_code != 0 and "taken@test.example" in duplicate.output
    assert row_counts(db) == before


def test_users_token_prints_a_working_token_on_the_last_line(runner, client, make_user, demo):
    make_user("director", email="reader@test.example")
    result = runner.invoke(args=["users", "token", "reader@test.example", "--name", "script"])
    assert result.exit_code == 0, result.output
    token = result.output.rstrip("\n").splitlines()[-1]
    assert token == token.strip() and " " not in token and token.startswith("fac_")
    response = client.get("/api/v1/sites", headers=bearer(token))
    assert response.status_code == 200 and response.json["total"] == 11


def test_users_token_for_an_unknown_account_fails_cleanly(runner, db):
    result = runner.invoke(args=["users", "token", "ghost@test.example"])
    assert result.exit_code != 0
    assert "No account for ghost@test.example" in result.output
    assert row_counts(db)["ApiToken"] == 0
