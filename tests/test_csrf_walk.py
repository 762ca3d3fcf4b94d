"""Every form route of the app refuses a POST without its CSRF token (a page of another site making the signed-in
browser submit it), and the API, exempt from the token, never takes the session cookie as a login for a write.
The walk reads `app.url_map`: every route other areas add is covered."""

from __future__ import annotations

from tests.conftest import login
from tests.test_routes_permissions import build_url, guarded_rules, is_api, real_ids  # noqa: F401


def test_every_form_post_without_its_token_is_refused(app, make_user, real_ids, monkeypatch):  # noqa: F811
    from facilities.permissions import PUBLIC_ENDPOINTS

    user = make_user("admin", email="csrf-admin@test.example")
    browser = app.test_client()
    assert login(browser, user.email).status_code == 302
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    checked = 0
    for rule in list(guarded_rules(app)) + [r for r in app.url_map.iter_rules() if r.endpoint in PUBLIC_ENDPOINTS]:
        if "POST" not in rule.methods or is_api(rule):
            continue
        url, _reason = build_url(app, rule, real_ids)
        if url is None:
            continue
        response = browser.post(url, data={"title": "forged", "comment": "forged", "to": "cancelled"})
        assert response.status_code == 400, (url, response.status_code)
        checked += 1
    print(f"\n{checked} form routes refuse a POST without the token")
    assert checked >= 40


def test_the_api_takes_no_session_cookie_for_a_write(app, make_user, real_ids):  # noqa: F811
    user = make_user("admin", email="cookie-admin@test.example")
    browser = app.test_client()
    assert login(browser, user.email).status_code == 302
    checked = 0
    for rule in guarded_rules(app):
        if not is_api(rule) or not rule.methods & {"POST", "PUT", "PATCH", "DELETE"}:
            continue
        url, _reason = build_url(app, rule, real_ids)
        if url is None:
            continue
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            response = browser.open(url, method=method, json={})
            assert response.status_code == 401, (method, url, response.status_code)
            checked += 1
    assert checked >= 20
