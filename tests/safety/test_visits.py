"""Safety commission visits: the next visit from the periodicity of the ERP's types and category, prescriptions
followed as findings, an unfavourable opinion on the dashboard, bad input refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import page_text
from tests.safety.conftest import api_errors


@pytest.fixture
def seeded(db):
    from facilities.safety import reference

    reference.ensure_seeded()


@pytest.mark.parametrize(("types", "public", "months"), [
    (["W"], 250, 60),  # offices of category 4: every 5 years
    (["W", "U"], 250, 36),  # health care too: every 3 years (the most frequent applies)
    (["W"], 1000, 36),  # offices of category 2
    (["W"], 150, None),  # 5th category: no periodic visit
])
def test_next_visit_from_the_periodicity_of_types_and_category(seeded, factory, types, public, months):
    from facilities.safety import rules, services
    from facilities.safety.planning import add_months

    building = factory.building(erp_types=types, public_capacity=public, staff_capacity=0)
    visit = services.record_visit(building, rules.clean_visit({"visited_on": "2025-03-31", "opinion": "favourable"}))
    assert visit.next_visit_due_on == (add_months(date(2025, 3, 31), months) if months else None)


def test_visit_api_prescriptions_compliance_and_bad_input(seeded, manager, factory, db):
    from facilities.safety.models import SafetyVisit

    building = factory.building(erp_types=["W", "U"], public_capacity=250, staff_capacity=30)
    body = {"building_id": building.id, "visited_on": "2025-06-30", "opinion": "unfavourable",
            "commission": "Sous-commission départementale",
            "prescriptions": ["Remplacer les blocs BAES du R+1", "Dégager l'issue de secours nord"]}
    future = (date.today() + timedelta(days=1)).isoformat()
    assert "Visited on must be at most" in api_errors(
        manager("POST", "/api/v1/safety-visits", {**body, "visited_on": future}))["visited_on"]
    assert "must be one of" in api_errors(manager("POST", "/api/v1/safety-visits", {**body, "opinion": "maybe"}))["opinion"]
    assert db.session.query(SafetyVisit).count() == 0
    created = manager("POST", "/api/v1/safety-visits", body)
    assert created.status_code == 201, created.get_json()
    visit = created.get_json()
    assert visit["next_visit_due_on"] == "2028-06-30" and len(visit["prescriptions"]) == 2
    findings = manager("GET", f"/api/v1/findings?building_id={building.id}&status=open").get_json()
    assert {f["visit_id"] for f in findings["items"]} == {visit["id"]}
    answer = manager("GET", f"/api/v1/buildings/{building.id}/compliance").get_json()
    assert answer["last_visit"] == {"id": visit["id"], "visited_on": "2025-06-30", "opinion": "unfavourable"}
    assert answer["next_visit_due_on"] == "2028-06-30" and answer["open_findings"] == 2
    listed = manager("GET", "/api/v1/safety-visits?status=unfavourable&due_before=2030-01-01").get_json()
    assert [v["id"] for v in listed["items"]] == [visit["id"]]


def test_an_unfavourable_opinion_is_on_the_dashboard_and_the_building_page(seeded, client_as, factory):
    from facilities.safety import rules, services

    building = factory.building(name="Pôle Avis", erp_types=["W"], public_capacity=250)
    services.record_visit(building, rules.clean_visit({"visited_on": "2026-01-15", "opinion": "unfavourable"}),
                          ["Mettre en conformité le désenfumage"])
    client = client_as("facilities_manager")
    client.set_cookie("lang", "en")
    assert "Pôle Avis: unfavourable opinion of the safety commission" in page_text(client.get("/"))
    page = page_text(client.get(f"/buildings/{building.id}/safety"))
    assert "Unfavourable (défavorable)" in page and "Mettre en conformité le désenfumage" in page
    response = client.post(f"/buildings/{building.id}/safety-visits/new", data={
        "visited_on": "2026-03-01", "opinion": "favourable", "prescriptions": ""})
    assert response.status_code == 302
    assert "unfavourable opinion of the safety commission" not in page_text(client.get("/"))
