"""Sign-in, safe redirects, cookies, remember-me revocation, CSRF and API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, bearer, login
from tests.inventory.helpers import english


def _fresh_app(tmp_path, **config):
    """A separate app on its own SQLite file, with the schema created."""
    from facilities import create_app
    from facilities.extensions import db

    fresh = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'auth.sqlite3'}",
                        "SECRET_KEY": "fresh-secret", **config})
    with fresh.app_context():
        db.create_all()
    return fresh


# ---------------------------------------------------------------- login and logout


def test_login_then_logout(client, make_user):
    make_user("director")
    english(client)
    assert client.get("/sites").status_code == 302
    response = login(client, "director@test.example")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/")  # every role lands on the home dashboard
    assert client.get("/sites").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/sites").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, make_user):
    make_user("director")
    english(client)
    response = login(client, "director@test.example", "wrong-password-123")
    assert response.status_code == 401
    assert "Invalid email or password" in response.get_data(as_text=True)
    assert client.get("/sites").status_code == 302


def test_email_is_case_insensitive(client, make_user):
    make_user("director")
    assert login(client, "  Director@Test.Example ").status_code == 302


def test_deactivated_account_cannot_sign_in(client, make_user, db):
    user = make_user("director")
    user.active = False
    db.session.commit()
    assert login(client, user.email).status_code == 401


def test_passwords_are_hashed(make_user, db, monkeypatch):
    from werkzeug import security

    from facilities.auth import models
    from facilities.auth.models import User

    monkeypatch.setattr(models, "generate_password_hash", security.generate_password_hash)  # the real default
    make_user("director")
    stored = db.session.execute(select(User.password_hash)).scalar_one()
    assert PASSWORD not in stored
    assert stored.startswith("scrypt:")
    user = db.session.execute(select(User)).scalar_one()
    assert user.check_password(PASSWORD) and not user.check_password(PASSWORD + "x")


def test_login_page_shows_no_demo_passwords_outside_demo_mode(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    assert "demo-admin-2026" not in client.get("/login").get_data(as_text=True)
    monkeypatch.setitem(app.config, "DEMO_MODE", True)
    assert "demo-admin-2026" in client.get("/login").get_data(as_text=True)


# ---------------------------------------------------------------- throttling: tests/auth/test_login_throttling.py


# ---------------------------------------------------------------- the `next` redirect


def test_next_redirects_within_the_site(client, make_user):
    make_user("director")
    response = client.post("/login", data={"email": "director@test.example", "password": PASSWORD,
                                           "next": "/sites?q=asn"})
    assert response.headers["Location"].endswith("/sites?q=asn")


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example", "\\\\evil.example",
                                    "http:/evil.example", "javascript:alert(1)", "/\\/evil.example",
                                    "https:evil.example"])
def test_next_never_leaves_the_site(client, make_user, target):
    make_user("director")
    response = client.post("/login", data={"email": "director@test.example", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil" not in location and "javascript" not in location
    assert location.endswith("/")


def test_next_from_the_query_string_is_checked_when_already_signed_in(client_as):
    client = client_as("director")
    response = client.get("/login?next=//evil.example")
    assert "evil" not in response.headers["Location"]


# ---------------------------------------------------------------- cookies


def test_session_cookie_is_httponly_and_lax(client, make_user):
    make_user("director")
    response = login(client, "director@test.example", remember=True)
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name], cookies[name]
        assert "SameSite=Lax" in cookies[name], cookies[name]


def test_cookies_are_secure_outside_debug(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("FACILITIES_INSECURE_COOKIES", raising=False)
    secure = _fresh_app(tmp_path)
    assert secure.config["SESSION_COOKIE_SECURE"] is True
    assert secure.config["REMEMBER_COOKIE_SECURE"] is True
    assert secure.config["SESSION_COOKIE_HTTPONLY"] is True
    assert secure.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert _fresh_app(tmp_path).config["SESSION_COOKIE_SECURE"] is False


# ---------------------------------------------------------------- remember-me


def test_remember_me_is_revoked_by_signing_out_everywhere(app, client, make_user):
    make_user("director")
    login(client, "director@test.example", remember=True)
    remembered = client.get_cookie("remember_token")
    assert remembered is not None

    other_device = app.test_client()
    other_device.set_cookie("remember_token", remembered.value)
    assert other_device.get("/sites").status_code == 200

    assert client.post("/account/sign-out-everywhere").status_code == 302
    stale = app.test_client()
    stale.set_cookie("remember_token", remembered.value)
    assert stale.get("/sites").status_code == 302
    assert client.get("/sites").status_code == 302


def test_changing_the_password_signs_out_everywhere(app, client, make_user, db):
    user = make_user("director")
    login(client, user.email)
    assert client.get("/sites").status_code == 200
    user.set_password("a-brand-new-password")
    db.session.commit()
    assert client.get("/sites").status_code == 302


# ---------------------------------------------------------------- CSRF


def test_csrf_is_enforced_on_forms(tmp_path):
    import re

    from facilities.auth.services import create_user
    from facilities.extensions import db

    fresh = _fresh_app(tmp_path, WTF_CSRF_ENABLED=True, SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    with fresh.app_context():
        create_user("manager@test.example", "facilities_manager", PASSWORD)
        db.session.commit()
        db.session.remove()

    def site_count():
        with fresh.app_context():
            count = db.session.execute(select(db.func.count()).select_from(db.metadata.tables["sites"])).scalar()
            db.session.remove()
            return count

    browser = fresh.test_client()  # each request in its own app context, as on a server
    refused = browser.post("/login", data={"email": "manager@test.example", "password": PASSWORD})
    assert refused.status_code == 400
    assert browser.get("/sites").status_code == 302

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', browser.get("/login").get_data(True))
    assert token, "the login form carries a CSRF token"
    accepted = browser.post("/login", data={"email": "manager@test.example", "password": PASSWORD,
                                            "csrf_token": token.group(1)})
    assert accepted.status_code == 302
    assert browser.get("/sites").status_code == 200

    before = site_count()
    forged = browser.post("/sites/new", data={"code": "EVIL", "name": "Evil", "kind": "other", "status": "open"})
    assert forged.status_code == 400
    assert browser.post("/logout").status_code == 400  # even signing out needs the token
    assert site_count() == before


# ---------------------------------------------------------------- API tokens


def test_api_needs_a_valid_token(client, token_for, db, demo):
    from facilities.auth.models import ApiToken
    from facilities.auth.services import revoke_token
    from facilities.timeutil import utcnow

    assert client.get("/api/v1/sites").status_code == 401
    assert client.get("/api/v1/sites", headers=bearer("fac_wrong")).status_code == 401
    assert client.get("/api/v1/sites", headers={"Authorization": "Basic abc"}).status_code == 401
    raw = token_for("director")
    assert client.get("/api/v1/sites", headers=bearer(raw)).status_code == 200

    token = db.session.execute(select(ApiToken)).scalar_one()
    assert token.token_hash != raw and raw not in token.token_hash  # only a digest is stored
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/sites", headers=bearer(raw)).status_code == 401

    token.expires_at = utcnow() + timedelta(days=1)
    db.session.commit()
    assert client.get("/api/v1/sites", headers=bearer(raw)).status_code == 200
    revoke_token(token)
    db.session.commit()
    response = client.get("/api/v1/sites", headers=bearer(raw))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 401 and response.json["title"]


def test_token_of_a_deactivated_account_is_refused(client, token_for, db):
    from facilities.auth.models import User

    raw = token_for("director")
    db.session.execute(select(User)).scalar_one().active = False
    db.session.commit()
    assert client.get("/api/v1/sites", headers=bearer(raw)).status_code == 401


def test_token_for_a_role_that_may_not_gets_403(tmp_path):
    from flask import jsonify

    from facilities.auth.services import create_token, create_user
    from facilities.extensions import db
    from facilities.permissions import Permission, requires

    fresh = _fresh_app(tmp_path, WTF_CSRF_ENABLED=False)

    @fresh.route("/api/v1/admin-only")
    @requires(Permission.MANAGE_USERS)
    def admin_only():
        return jsonify(ok=True)

    with fresh.app_context():
        director = create_user("d@test.example", "director", PASSWORD)
        admin = create_user("a@test.example", "admin", PASSWORD)
        (_t, director_token), (_u, admin_token) = create_token(director), create_token(admin)
        db.session.commit()
        db.session.remove()
    api = fresh.test_client()  # each request in its own app context, as on a server
    denied = api.get("/api/v1/admin-only", headers=bearer(director_token))
    assert denied.status_code == 403
    assert denied.mimetype == "application/problem+json"
    assert api.get("/api/v1/admin-only", headers=bearer(admin_token)).status_code == 200
    assert api.get("/api/v1/admin-only").status_code == 401


def test_tokens_are_created_and_revoked_from_the_account_page(client_as, client, db):
    import re

    from facilities.auth.models import ApiToken

    browser = client_as("architect")
    page = browser.post("/account", data={"name": "laptop", "password": PASSWORD}).get_data(as_text=True)
    raw = re.search(r"fac_[A-Za-z0-9_\-]+", page).group(0)
    assert client.get("/api/v1/sites", headers=bearer(raw)).status_code == 200
    token = db.session.execute(select(ApiToken)).scalar_one()
    assert browser.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/sites", headers=bearer(raw)).status_code == 401


def test_nobody_revokes_someone_elses_token(client_as, token_for, client, db):
    from facilities.auth.models import ApiToken

    raw = token_for("director")
    token = db.session.execute(select(ApiToken)).scalar_one()
    assert client_as("architect").post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert client.get("/api/v1/sites", headers=bearer(raw)).status_code == 200


def test_admin_creates_accounts_and_others_may_not(client_as, db):
    from facilities.auth.models import User

    admin = client_as("admin")
    response = admin.post("/admin/users", data={"email": "new@test.example", "role": "architect"})
    assert response.status_code == 200 and "/reset/" in response.get_data(as_text=True)
    assert db.session.execute(select(User).where(User.email == "new@test.example")).scalar_one().role == "architect"
    count = db.session.scalar(select(db.func.count(User.id)))
    refused = admin.post("/admin/users", data={"email": "x@test.example", "role": "emperor"})
    assert refused.status_code == 422 and db.session.scalar(select(db.func.count(User.id))) == count
    assert client_as("facilities_manager").get("/admin/users").status_code == 403
