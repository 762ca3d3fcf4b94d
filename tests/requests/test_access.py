"""The requester role: no READ (the portfolio, the map, the reports, the dashboard are closed), the pages of the
sites it is assigned to, its requests. The walk reads `app.url_map`: every route other areas add is covered."""

from __future__ import annotations

from facilities.permissions import ROLE_PERMISSIONS, Permission, Role, required_permission, site_of_view
from tests.conftest import bearer
from tests.test_routes_permissions import build_url, guarded_rules, is_api, methods_of, send


def test_the_requester_holds_no_portfolio_permission():
    assert ROLE_PERMISSIONS[Role.REQUESTER] == {Permission.OWN_ACCOUNT, Permission.RAISE_REQUESTS,
                                                Permission.READ_OWN_SITES}
    assert all(Permission.RAISE_REQUESTS in ROLE_PERMISSIONS[role] for role in Role)
    assert [role for role in Role if Permission.TRIAGE_REQUESTS in ROLE_PERMISSIONS[role]] == [
        Role.FACILITIES_MANAGER]


def test_every_route_a_requester_may_not_use_answers_403(app, client_as, token_for, real_ids, db):
    """Every route (page or API, read or write) whose permission the requester lacks answers 403, except the pages
    of a site it is assigned to; it is assigned to none here."""
    client, token = client_as("requester"), token_for("requester")
    denied = 0
    for rule in guarded_rules(app):
        view = app.view_functions[rule.endpoint]
        permission = required_permission(view)
        if permission in ROLE_PERMISSIONS[Role.REQUESTER]:
            continue
        url, _reason = build_url(app, rule, real_ids)
        if url is None:
            continue
        for method in methods_of(rule):
            response = send(client, method, url, bearer(token) if is_api(rule) else None)
            assert response.status_code == 403, (method, url, response.status_code)
            denied += 1
    print(f"\nrequester: {denied} refusals checked")
    assert denied >= 200


def test_the_requester_reads_the_pages_of_its_sites_and_no_others(app, client_as, make_user, real_ids, db):
    from facilities.inventory.models import Building, Floor, Site
    from facilities.requests import services

    sites = db.session.query(Site).order_by(Site.id).limit(2).all()
    user = make_user("requester", email="scoped@test.example")
    services.set_user_sites(user, [sites[0].id])
    db.session.commit()
    from tests.conftest import login

    client = app.test_client()
    assert login(client, user.email).status_code == 302
    scoped = [rule for rule in guarded_rules(app) if site_of_view(app.view_functions[rule.endpoint])]
    assert {rule.endpoint for rule in scoped} == {"inventory.site_detail", "inventory.building_detail",
                                                  "inventory.floor_detail"}
    for site, expected in ((sites[0], 200), (sites[1], 403)):
        building = db.session.query(Building).filter_by(site_id=site.id).first()
        floor = db.session.query(Floor).filter_by(building_id=building.id).first()
        urls = [f"/sites/{site.id}", f"/buildings/{building.id}"] + ([f"/floors/{floor.id}"] if floor else [])
        for url in urls:
            assert client.get(url).status_code == expected, url
    # Writing is never open through the scope.
    assert client.post(f"/sites/{sites[0].id}").status_code == 405
    assert client.get(f"/sites/{sites[0].id}/edit").status_code == 403
