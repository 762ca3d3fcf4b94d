"""Walk every route of the app: login required unless public, a declared permission, 403 for roles that may not.

The walk reads `app.url_map`, so the routes that other areas add are covered without changing this file.
"""

from __future__ import annotations

import re
import uuid
import warnings

import pytest
from flask import url_for

from facilities.permissions import PUBLIC_ENDPOINTS, ROLE_PERMISSIONS, Role, required_permission
from tests.conftest import bearer

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
WRITE_PAGE = re.compile(r"/(new|edit|delete|copy)$")
PLACEHOLDERS = {"int": 999_999, "string": "x", "default": "x", "path": "x", "float": 1.0, "any": None,
                "uuid": uuid.UUID(int=1)}


def guarded_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in PUBLIC_ENDPOINTS]


def is_api(rule) -> bool:
    from facilities.errors import is_api_path

    return is_api_path(rule.rule)


def methods_of(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def is_write(rule, method: str) -> bool:
    return method in WRITE_METHODS or bool(WRITE_PAGE.search(rule.rule))


@pytest.fixture
def real_ids(app, db, demo, make_user):
    """An id of a real row for each URL argument we can name: `<thing>_id` → a row of table `<thing>s`."""
    from sqlalchemy import text

    from facilities.auth.services import create_token

    user = make_user("director", email="owner@test.example")
    create_token(user, "walk")
    db.session.commit()
    ids = {}
    for table in db.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        found = db.session.execute(text(f'SELECT MIN(id) FROM "{table.name}"')).scalar()
        if found is not None:
            ids[table.name] = found
    return ids


def _table_for(argument: str) -> list[str]:
    stem = argument.removesuffix("_id")
    names = [stem + "s", stem + "es", stem]
    if stem.endswith("y"):
        names.append(stem[:-1] + "ies")
    if stem == "token":
        names.append("api_tokens")
    if stem == "visit":  # a safety commission's visit
        names.append("safety_visits")
    return names


def build_url(app, rule, real_ids) -> tuple[str | None, str]:
    """The URL of a rule with real ids where known; (None, reason) when an argument cannot be made up."""
    values = {}
    for argument in rule.arguments:
        if rule.defaults and argument in rule.defaults:
            continue
        converter = type(rule._converters[argument]).__name__.removesuffix("Converter").lower()
        real = next((real_ids[name] for name in _table_for(argument) if name in real_ids), None)
        if converter in ("integer", "int") and real is not None:
            values[argument] = real
        elif converter in ("integer", "int"):
            # The guard answers before the view, so any well-formed id proves the access rule.
            values[argument] = PLACEHOLDERS["int"]
        elif converter == "unicode":
            values[argument] = "x"
        elif PLACEHOLDERS.get(converter) is not None:
            values[argument] = PLACEHOLDERS[converter]
        else:
            return None, f"cannot build argument {argument} ({converter}) of {rule.rule}"
    with app.test_request_context():
        return url_for(rule.endpoint, **values, _external=False), ""


def send(client, method: str, url: str, headers=None):
    return client.open(url, method=method, headers=headers or {}, json={} if method in WRITE_METHODS and
                       url.startswith("/api/") else None)


def test_every_endpoint_is_public_or_declares_a_permission(app):
    undeclared = [rule.endpoint for rule in guarded_rules(app)
                  if required_permission(app.view_functions[rule.endpoint]) is None]
    assert undeclared == []


def test_the_allow_list_is_short_and_known(app):
    assert {"auth.login", "static", "health"} <= PUBLIC_ENDPOINTS
    assert {"inventory.site_list", "api.sites", "auth.account"}.isdisjoint(PUBLIC_ENDPOINTS)
    # Of the account pages, only signing in, the language and choosing a password through a one-time link
    # (whose owner has no usable password yet) are open without a session.
    assert {e for e in PUBLIC_ENDPOINTS if e.startswith("auth.")} == {"auth.login", "auth.set_language",
                                                                       "auth.reset_password"}
    # Of the safety area, only the public accessibility register (page and PDF) and the calendar feed a calendar
    # program reads, each at an unguessable address (tests/safety/test_public_register.py, test_due.py).
    assert {e for e in PUBLIC_ENDPOINTS if "safety" in e or "accessibility" in e or "calendar" in e} == {
        "safety.public_register", "reports.accessibility_register_pdf", "safety.calendar_feed"}


def test_every_guarded_route_needs_a_login(app, client, real_ids):
    checked, skipped = 0, []
    for rule in guarded_rules(app):
        url, reason = build_url(app, rule, real_ids)
        if url is None:
            skipped.append(reason)
            continue
        for method in methods_of(rule):
            response = send(client, method, url)
            if is_api(rule):
                assert response.status_code == 401, (method, url, response.status_code)
                assert response.mimetype == "application/problem+json"
            else:
                assert response.status_code == 302, (method, url, response.status_code)
                assert response.headers["Location"].split("?")[0].endswith("/login"), (method, url)
            checked += 1
    print(f"\n{checked} route/method pairs need a login; skipped: {skipped or 'none'}")
    assert checked >= 40
    for reason in skipped:
        warnings.warn(f"route not walked: {reason}", stacklevel=1)


def test_a_bad_bearer_token_is_not_a_login(app, client, real_ids):
    for rule in guarded_rules(app):
        if not is_api(rule):
            continue
        url, _reason = build_url(app, rule, real_ids)
        if url is None:
            continue
        for method in methods_of(rule):
            assert send(client, method, url, bearer("fac_not-a-token")).status_code == 401, (method, url)


def _role_clients(app, client_as, token_for):
    return {role: (client_as(role.value), token_for(role.value)) for role in Role}


def test_write_routes_answer_403_to_roles_without_the_permission(app, client_as, token_for, real_ids):
    clients = _role_clients(app, client_as, token_for)
    denied = allowed = 0
    for rule in guarded_rules(app):
        permission = required_permission(app.view_functions[rule.endpoint])
        url, reason = build_url(app, rule, real_ids)
        if url is None:
            warnings.warn(f"route not walked: {reason}", stacklevel=1)
            continue
        for method in methods_of(rule):
            if not is_write(rule, method):
                continue
            for role, (client, token) in clients.items():
                may = permission in ROLE_PERMISSIONS[role]
                headers = bearer(token) if is_api(rule) else None
                if not may:
                    response = send(client, method, url, headers)
                    assert response.status_code == 403, (role.value, method, url, response.status_code)
                    denied += 1
                elif method == "GET":
                    # A role that may write reaches the form (or a 404 for a placeholder id), never a 403.
                    response = send(client, method, url, headers)
                    assert response.status_code in (200, 404), (role.value, method, url, response.status_code)
                    allowed += 1
    print(f"\nwrite routes: {denied} refusals checked, {allowed} allowed form pages checked")
    assert denied >= 50 and allowed >= 10


def test_inventory_write_permissions_match_the_roles(app):
    expected = {
        "inventory.site_create": "edit_sites", "inventory.site_edit": "edit_sites",
        "inventory.site_delete": "edit_sites", "inventory.building_create": "edit_buildings",
        "inventory.building_delete": "edit_buildings", "inventory.floor_copy": "edit_buildings",
        "inventory.space_edit": "edit_buildings", "auth.users": "manage_users", "api.sites": "read",
    }
    for endpoint, permission in expected.items():
        assert required_permission(app.view_functions[endpoint]) == permission, endpoint
    assert Role.ARCHITECT in [r for r, perms in ROLE_PERMISSIONS.items() if "edit_buildings" in perms]
    assert "edit_sites" not in ROLE_PERMISSIONS[Role.ARCHITECT]
    assert ROLE_PERMISSIONS[Role.DIRECTOR] == {"read", "own_account", "raise_requests"}


def test_an_undeclared_route_is_closed_to_everyone(tmp_path):
    from facilities import create_app

    fresh = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                        "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False})

    @fresh.route("/forgotten")
    def forgotten():
        return "open"

    assert fresh.test_client().get("/forgotten").status_code == 403


def test_anonymous_pages_redirect_with_next(client, real_ids):
    response = client.get(f"/sites/{real_ids['sites']}")
    assert response.status_code == 302
    assert f"next=/sites/{real_ids['sites']}" in response.headers["Location"].replace("%2F", "/")
