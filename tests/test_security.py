"""Hardening: security headers on pages, API answers and errors; request size limit; API rate limits."""

from __future__ import annotations

import io

from tests.conftest import bearer


def assert_hardened(response) -> str:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "default-src 'self'" in csp
    return csp


def test_headers_on_a_page(client_as):
    csp = assert_hardened(client_as("director").get("/sites"))
    assert "'unsafe-inline'" not in csp
    assert "img-src 'self' data:;" in csp
    assert "https://" not in csp  # no external origin outside the map


def test_headers_on_the_login_page_errors_and_the_api(client, token_for):
    response = client.get("/api/v1/sites", headers=bearer(token_for("director")))
    assert response.status_code == 200
    assert_hardened(response)
    assert_hardened(client.get("/login"))
    assert_hardened(client.get("/no-such-page"))


def test_map_pages_allow_the_tile_server_only(app):
    from facilities.security import content_security_policy, tile_origin

    config = {"TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png"}
    csp = content_security_policy("maps.site_map", config)
    assert "script-src 'self';" in csp and "style-src 'self';" in csp  # the map has no inline script or style
    assert "img-src 'self' data: https://tile.openstreetmap.org" in csp
    assert "'unsafe-inline'" in content_security_policy("docs.page", {"CSP_INLINE_ENDPOINT_PREFIXES": ("docs.",)})
    other = content_security_policy("inventory.site_list", config)
    assert "unsafe-inline" not in other and "openstreetmap" not in other
    assert tile_origin("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png") == "https://*.tile.example.org:8443"
    assert tile_origin("none") is None and tile_origin("javascript:alert(1)") is None


def test_map_page_headers(client_as):
    response = client_as("director").get("/map")
    csp = assert_hardened(response)
    assert "'unsafe-inline'" not in csp


def test_oversized_request_gets_413(client_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    client = client_as("facilities_manager")
    response = client.post("/inventory/import", data={"file": (io.BytesIO(b"x" * 10_000), "big.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert_hardened(response)


def test_unauthenticated_api_answer_is_hardened(client):
    response = client.get("/api/v1/sites")
    assert response.status_code == 401
    assert_hardened(response)


def test_api_rate_limit_answers_429_problem(client, token_for, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", 3)
    token = token_for("director")
    statuses = [client.get("/api/v1/sites", headers=bearer(token)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/sites", headers=bearer(token))
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1
    assert_hardened(response)
    # another client (another token) has its own counter
    other = token_for("architect")
    assert client.get("/api/v1/sites", headers=bearer(other)).status_code == 200


def test_default_rate_limit_is_high():
    from facilities.security import DEFAULTS

    assert DEFAULTS["API_RATE_LIMIT"] >= 600


def test_nul_in_a_query_string_is_a_400_naming_the_parameter(client, client_as, token_for):
    response = client.get("/api/v1/sites?q=a%00b", headers=bearer(token_for("director")))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == ["q"]
    assert client_as("director").get("/sites?q=a%00b").status_code == 400
