"""The request lists' SQL statements do not grow with the number of requests (pages, API, the dashboard panel)."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import count_queries


def add_requests(db, site, assignee, requester, count: int) -> None:
    from facilities.requests.models import WorkRequest

    building = site.buildings[0]
    db.session.add_all([
        WorkRequest(site=site, building=building, title=f"R{index}", description="x", urgency="normal",
                    status=("new", "assigned", "in_progress")[index % 3], priority="high", assignee=assignee,
                    due_on=date.today() - timedelta(days=index % 5), requester=requester)
        for index in range(count)])
    db.session.commit()


def statements_of(db, call) -> int:
    call()  # warm-up: the first call of a session loads what it caches
    with count_queries(db) as statements:
        assert call().status_code == 200
    return len(statements)


def test_lists_run_as_many_statements_for_3_or_40_requests(browser_as, api, site, assignee, db):
    manager_page = browser_as("facilities_manager")
    requester_page = browser_as("requester")
    manager_api = api("facilities_manager")
    calls = {
        "page": lambda: manager_page.get("/requests"),
        "late page": lambda: manager_page.get("/requests?late=1"),
        "requester page": lambda: requester_page.get("/requests"),
        "site page": lambda: requester_page.get(f"/sites/{site.id}"),
        "API": lambda: manager_api("GET", "/api/v1/work-requests?limit=100"),
        "dashboard": lambda: manager_page.get("/"),
    }
    add_requests(db, site, assignee, requester_page.user, 3)
    few = {name: statements_of(db, call) for name, call in calls.items()}
    add_requests(db, site, assignee, requester_page.user, 37)
    many = {name: statements_of(db, call) for name, call in calls.items()}
    assert many == few
