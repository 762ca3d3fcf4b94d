"""Work requests through the API: raising, who sees which, triage, the workflow, bad input refused whole."""

from __future__ import annotations

from datetime import date, timedelta

from tests.requests.conftest import api_errors


def raise_one(call, site, **extra):
    body = {"title": "Fuite", "description": "Sous l'évier", "urgency": "urgent", "site_id": site.id, **extra}
    response = call("POST", "/api/v1/work-requests", body)
    assert response.status_code == 201, response.get_data(as_text=True)[:400]
    return response.get_json()


def test_every_role_raises_a_request_and_a_requester_sees_only_theirs(api, site):
    requester, other, manager = api("requester"), api("requester"), api("facilities_manager")
    mine = raise_one(requester, site)
    theirs = raise_one(other, site, title="Autre")
    for role in ("admin", "architect", "director"):
        raise_one(api(role), site, title=role)
    assert mine["status"] == "new" and mine["requester_id"] == requester.user.id and mine["priority"] is None
    listed = requester("GET", "/api/v1/work-requests").get_json()
    assert [item["id"] for item in listed["items"]] == [mine["id"]]
    assert requester("GET", f"/api/v1/work-requests/{theirs['id']}").status_code == 404
    assert requester("PATCH", f"/api/v1/work-requests/{theirs['id']}", {"comment": "x"}).status_code == 404
    assert manager("GET", "/api/v1/work-requests").get_json()["total"] == 5


def test_a_request_needs_one_place_that_exists(api, site, factory):
    manager = api("facilities_manager")
    before = manager("GET", "/api/v1/work-requests").get_json()["total"]
    body = {"title": "Fuite", "description": "x", "urgency": "normal"}
    assert "location" in api_errors(manager("POST", "/api/v1/work-requests", body))
    building = site.buildings[0]
    assert "location" in api_errors(manager("POST", "/api/v1/work-requests",
                                            {**body, "site_id": site.id, "building_id": building.id}))
    assert "site_id" in api_errors(manager("POST", "/api/v1/work-requests", {**body, "site_id": 999_999}))
    assert "building_id" in api_errors(manager("POST", "/api/v1/work-requests", {**body, "building_id": None}))
    assert manager("GET", "/api/v1/work-requests").get_json()["total"] == before


def test_the_place_is_the_most_precise_one_given(api, site):
    manager = api("facilities_manager")
    floor = site.buildings[0].floors[0]
    space = floor.spaces[0]
    body = {"title": "Lampe", "description": "x", "urgency": "low", "space_id": space.id}
    created = manager("POST", "/api/v1/work-requests", body).get_json()
    assert (created["site_id"], created["building_id"], created["floor_id"], created["space_id"]) == (
        site.id, floor.building_id, floor.id, space.id)


def test_a_requester_raises_only_on_their_sites(api, site, other_site):
    requester = api("requester")
    response = requester("POST", "/api/v1/work-requests", {"title": "x", "description": "x", "urgency": "low",
                                                           "site_id": other_site.id})
    assert response.status_code == 403
    assert requester("GET", "/api/v1/work-requests").get_json()["total"] == 0


def test_triage_sets_the_due_date_from_the_priority_and_refuses_one_before_the_request(api, site, assignee, app):
    requester, manager = api("requester"), api("facilities_manager")
    created = raise_one(requester, site)
    url = f"/api/v1/work-requests/{created['id']}"
    done = manager("PATCH", url, {"priority": "high", "assignee_id": assignee.id, "comment": "On s'en occupe"})
    assert done.status_code == 200, done.get_data(as_text=True)
    days = app.config["REQUEST_RESPONSE_DAYS"]["high"]
    raised = date.fromisoformat(created["created_at"][:10])
    assert done.get_json()["due_on"] == (raised + timedelta(days=days)).isoformat()
    errors = api_errors(manager("PATCH", url, {"due_on": (raised - timedelta(days=1)).isoformat()}))
    assert "due_on" in errors
    assert manager("GET", url).get_json()["due_on"] == (raised + timedelta(days=days)).isoformat()
    assert "assignee_id" in api_errors(manager("PATCH", url, {"assignee_id": 999_999}))
    # A requester may only comment their own request: triage fields are refused.
    assert requester("PATCH", url, {"priority": "low"}).status_code == 403
    assert requester("PATCH", url, {"comment": "Merci"}).status_code == 200
    assert api("director")("PATCH", url, {"comment": "x"}).status_code == 403


def test_the_workflow_from_new_to_closed_and_its_mails(api, site, assignee):
    from facilities import mail

    requester, manager = api("requester"), api("facilities_manager")
    created = raise_one(requester, site)
    url = f"/api/v1/work-requests/{created['id']}/transitions"
    # Assigning needs a priority and an assignee; skipping the workflow is refused; nothing is saved.
    assert set(api_errors(manager("POST", url, {"to": "assigned"}))) == {"priority", "assignee_id"}
    assert "to" in api_errors(manager("POST", url, {"to": "closed"}))
    assert requester("POST", url, {"to": "assigned"}).status_code == 403
    manager("PATCH", f"/api/v1/work-requests/{created['id']}", {"priority": "normal", "assignee_id": assignee.id})
    assert mail.outbox == []
    for status in ("assigned", "in_progress", "done", "closed"):
        response = manager("POST", url, {"to": status})
        assert response.status_code == 200, (status, response.get_data(as_text=True))
    record = requester("GET", f"/api/v1/work-requests/{created['id']}").get_json()
    assert record["status"] == "closed" and record["closed_at"]
    assert [m["To"] for m in mail.outbox] == [assignee.email, requester.user.email]
    assert f"#{created['id']}" in mail.outbox[1]["Subject"]
    assert "to" in api_errors(manager("POST", url, {"to": "in_progress"}))


def test_refusing_needs_a_reason_and_a_requester_cancels_their_new_request(api, site):
    requester, manager = api("requester"), api("facilities_manager")
    first, second = raise_one(requester, site), raise_one(requester, site, title="Deux")
    url = f"/api/v1/work-requests/{first['id']}/transitions"
    assert "reason" in api_errors(manager("POST", url, {"to": "refused"}))
    refused = manager("POST", url, {"to": "refused", "reason": "Hors périmètre"}).get_json()
    assert refused["status"] == "refused" and refused["refusal_reason"] == "Hors périmètre"
    cancelled = requester("POST", f"/api/v1/work-requests/{second['id']}/transitions", {"to": "cancelled"})
    assert cancelled.get_json()["status"] == "cancelled"
    assert manager("POST", f"/api/v1/work-requests/{second['id']}/transitions",
                   {"to": "assigned"}).status_code == 422


def test_a_requester_sees_only_the_comments_meant_for_them(api, site):
    requester, manager = api("requester"), api("facilities_manager")
    created = raise_one(requester, site)
    url = f"/api/v1/work-requests/{created['id']}"
    manager("PATCH", url, {"comment": "Pour vous", "comment_for_requester": True})
    manager("PATCH", url, {"comment": "Interne : devis à demander", "comment_for_requester": False})
    seen = [c["body"] for c in requester("GET", url).get_json()["comments"]]
    assert seen == ["Pour vous"]
    assert len(manager("GET", url).get_json()["comments"]) == 2


def test_filters_late_and_no_mail_for_a_rolled_back_change(api, site, db, assignee):
    from facilities import mail
    from facilities.requests.models import WorkRequest

    manager = api("facilities_manager")
    created = raise_one(manager, site)
    manager("PATCH", f"/api/v1/work-requests/{created['id']}", {"priority": "critical"})
    row = db.session.get(WorkRequest, created["id"])
    row.due_on = date.today() - timedelta(days=3)
    db.session.commit()
    late = manager("GET", f"/api/v1/work-requests?late=true&site_id={site.id}&priority=critical").get_json()
    assert [item["id"] for item in late["items"]] == [created["id"]] and late["items"][0]["late"]
    assert manager("GET", "/api/v1/work-requests?status=closed").get_json()["total"] == 0
    # A bad field in the same body: the assignment is refused whole and no mail goes.
    response = manager("PATCH", f"/api/v1/work-requests/{created['id']}", {"assignee_id": assignee.id,
                                                                          "priority": "bad"})
    assert response.status_code == 422 and mail.outbox == []


def test_user_sites_are_set_by_an_administrator(api, site, other_site, make_user):
    admin, requester = api("admin"), api("requester")
    url = f"/api/v1/users/{requester.user.id}/sites"
    assert admin("GET", url).get_json() == {"site_ids": [site.id]}
    assert admin("PUT", url, {"site_ids": [other_site.id, site.id]}).get_json() == {
        "site_ids": sorted([site.id, other_site.id])}
    assert "site_ids" in api_errors(admin("PUT", url, {"site_ids": [999_999]}))
    assert api("facilities_manager")("PUT", url, {"site_ids": []}).status_code == 403


def test_assignees_list_for_facilities_managers(api):
    manager = api("facilities_manager")
    created = manager("POST", "/api/v1/request-assignees", {"kind": "team", "name": "Équipe Sud"})
    assert created.status_code == 201
    assert "name" in api_errors(manager("POST", "/api/v1/request-assignees", {"kind": "team", "name": "Équipe Sud"}))
    assert "email" in api_errors(manager("POST", "/api/v1/request-assignees", {"kind": "team", "name": "B",
                                                                               "email": "pas une adresse"}))
    assert api("requester")("GET", "/api/v1/request-assignees").status_code == 403


def test_a_requester_cancels_their_new_request_by_patch_and_nothing_else(api, site):
    requester, manager = api("requester"), api("facilities_manager")
    created = raise_one(requester, site)
    url = f"/api/v1/work-requests/{created['id']}"
    assert "status" in api_errors(requester("PATCH", url, {"status": "closed"}))
    assert manager("PATCH", url, {"status": "cancelled"}).status_code == 403  # not theirs to cancel
    done = requester("PATCH", url, {"status": "cancelled", "comment": "Réparé par le gardien"})
    assert done.status_code == 200 and done.get_json()["status"] == "cancelled"
    assert "to" in api_errors(requester("PATCH", url, {"status": "cancelled"}))  # a cancelled one stays so
