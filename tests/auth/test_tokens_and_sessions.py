"""API tokens open the API only; pages take a session alone; logout ends the session on the server (issue 12)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import PASSWORD, bearer, login


def _page_get_routes(app):
    from facilities.errors import is_api_path
    from facilities.permissions import PUBLIC_ENDPOINTS

    for rule in app.url_map.iter_rules():  # the APIs (/api/v1, the OGC API at /ogc) take tokens; pages never do
        if rule.endpoint in PUBLIC_ENDPOINTS or is_api_path(rule.rule) or rule.arguments:
            continue
        if "GET" in rule.methods:
            yield rule.rule


def test_a_bearer_token_never_opens_a_page(app, client, token_for):
    raw = token_for("admin")
    walked = 0
    for url in _page_get_routes(app):
        response = client.get(url, headers=bearer(raw))
        assert response.status_code == 302, (url, response.status_code)
        assert response.headers["Location"].split("?")[0].endswith("/login"), url
        walked += 1
    assert walked >= 10


def test_a_token_cannot_mint_a_token_that_outlives_it(app, client, db, token_for):
    from facilities.auth.models import ApiToken
    from facilities.auth.services import revoke_token, user_for_token
    from facilities.timeutil import utcnow

    raw = token_for("director")
    short = db.session.execute(select(ApiToken)).scalar_one()
    short.expires_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    response = client.post("/account", data={"name": "forever"}, headers=bearer(raw))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count(ApiToken.id))) == 1
    revoke_token(short)
    db.session.commit()
    assert user_for_token(raw) is None  # nothing minted through it survives


def test_an_admin_token_cannot_manage_users(app, client, db, token_for):
    from facilities.auth.models import User

    raw = token_for("admin")
    before = db.session.scalar(select(func.count(User.id)))
    created = client.post("/admin/users", data={"email": "intruder@test.example", "role": "admin",
                                                "password": "a-long-admin-password"}, headers=bearer(raw))
    assert created.status_code == 302 and "/login" in created.headers["Location"]
    admin = db.session.execute(select(User)).scalar_one()
    toggled = client.post(f"/admin/users/{admin.id}/toggle", headers=bearer(raw))
    assert toggled.status_code == 302 and "/login" in toggled.headers["Location"]
    assert db.session.scalar(select(func.count(User.id))) == before
    db.session.refresh(admin)
    assert admin.active


def test_a_session_with_a_bad_bearer_header_is_refused_by_the_api(client_as, demo):
    browser = client_as("director")
    assert browser.get("/api/v1/sites").status_code == 200  # reading with the session stays possible
    assert browser.get("/api/v1/sites", headers=bearer("fac_not-a-token")).status_code == 401


def test_api_writes_need_a_token_not_a_header(client_as, db):
    browser = client_as("facilities_manager")
    response = browser.post("/api/v1/sites", json={"code": "X1", "name": "X"},
                            headers={"Authorization": "Basic eDp5"})
    assert response.status_code == 401


def test_the_bearer_scheme_is_read_case_insensitively_and_with_any_spacing(client, token_for, demo):
    raw = token_for("director")
    for header in (f"Bearer {raw}", f"bearer {raw}", f"BEARER  {raw}", f"Bearer\t{raw} ", f"  Bearer {raw}"):
        assert client.get("/api/v1/sites", headers={"Authorization": header}).status_code == 200, header
    for header in (f"Bearer{raw}", f"Bearer {raw} extra", "Bearer", f"Basic {raw}"):
        assert client.get("/api/v1/sites", headers={"Authorization": header}).status_code == 401, header


def test_a_token_without_expiry_needs_the_password_again(client_as, db):
    from facilities.auth.models import ApiToken

    browser = client_as("architect")
    refused = browser.post("/account", data={"name": "forever"})
    assert refused.status_code == 422
    wrong = browser.post("/account", data={"name": "forever", "password": "not-my-password"})
    assert wrong.status_code == 422
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0
    assert browser.post("/account", data={"name": "forever", "password": PASSWORD}).status_code == 200
    assert browser.post("/account", data={"name": "month", "expires_in_days": "30"}).status_code == 200
    tokens = db.session.execute(select(ApiToken).order_by(ApiToken.id)).scalars().all()
    assert [(t.name, t.expires_at is None) for t in tokens] == [("forever", True), ("month", False)]


# ---------------------------------------------------------------- logout


def test_logout_ends_the_session_on_the_server(app, client, make_user):
    make_user("director")
    login(client, "director@test.example")
    copied = client.get_cookie("session")
    assert copied is not None
    assert client.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied.value)
    assert thief.get("/sites").status_code == 302


def test_logout_ends_a_remembered_session_too(app, client, make_user):
    make_user("director")
    login(client, "director@test.example", remember=True)
    remembered = client.get_cookie("remember_token")
    assert client.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("remember_token", remembered.value)
    assert thief.get("/sites").status_code == 302


def test_a_token_never_becomes_a_session_cookie(app, client, token_for, demo):
    raw = token_for("director")
    response = client.get("/api/v1/sites", headers=bearer(raw))
    assert response.status_code == 200
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith(("session=", "remember_token="))]
    assert client.get("/sites").status_code == 302


def test_a_remembered_browser_with_a_token_is_the_token(app, client, make_user, token_for, demo):
    make_user("architect")
    login(client, "architect@test.example", remember=True)
    client.delete_cookie("session")  # a browser reopened: only the remember-me cookie is left
    raw = token_for("director")
    assert client.get("/api/v1/sites", headers=bearer(raw)).status_code == 200
    assert client.get("/api/v1/sites", headers=bearer("fac_wrong")).status_code == 401


def test_a_signed_in_session_cannot_guess_the_password_freely(app, client_as, monkeypatch):
    """Typing the password again (a permanent token, a password change) counts like a failed sign-in."""
    monkeypatch.setitem(app.config, "LOGIN_FREE_FAILURES", 3)
    browser = client_as("architect")
    statuses = [browser.post("/account", data={"name": "x", "password": f"guess-number-{n}"}).status_code
                for n in range(4)]
    statuses += [browser.post("/account/password", data={"current_password": "guess-number-9",
                                                         "new_password": "un cheval bleu dort",
                                                         "confirmation": "un cheval bleu dort"}).status_code]
    assert statuses == [422, 422, 422, 422, 429]
    assert browser.post("/account", data={"name": "x", "password": PASSWORD}).status_code == 422  # waits too


def test_the_account_page_shows_how_to_send_a_token(client_as):
    page = client_as("director").get("/account").get_data(as_text=True)
    assert "Bearer &lt;token&gt;" in page  # shown as text, not swallowed as an unknown tag
