"""Periodic checks: due dates from a periodicity, statuses, recording a check with its PDF report and a finding,
lifting it; bad input refused with nothing saved; the compliance answer's shape."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from tests.conftest import bearer, page_text

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# ---------------------------------------------------------------- pure: due dates and statuses


@pytest.mark.parametrize(("done", "months", "due"), [
    (date(2025, 3, 15), 12, date(2026, 3, 15)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),  # no 29 February next year: the month's last day
    (date(2025, 8, 31), 6, date(2026, 2, 28)),
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2021, 6, 30), 60, date(2026, 6, 30)),  # the five-yearly technical check of a lift
    (date(2025, 11, 30), 3, date(2026, 2, 28)),
])
def test_due_date_from_a_periodicity(done, months, due):
    from facilities.safety.planning import RuleRow, add_months, next_due

    assert add_months(done, months) == due
    rule = RuleRow(1, "x", "lift", (), (), months, "approved_body", "s", False)
    assert next_due(done, rule) == due and next_due(done, None) is None


def test_statuses_around_today_and_the_row_that_applies():
    from facilities.safety.planning import Item, LastCheck, RuleRow, plan, rule_for, status

    today = date(2026, 11, 30)
    assert status(date(2026, 11, 29), True, today, 30) == "overdue"
    assert status(today, True, today, 30) == "due_soon"
    assert status(today + timedelta(days=30), True, today, 30) == "due_soon"
    assert status(today + timedelta(days=31), True, today, 30) == "ok"
    assert status(None, False, today, 30) == "never_done"
    cat_1_4 = RuleRow(1, "electrical", "electrical", (), (1, 2, 3, 4), 12, "approved_body", "EL 19", False)
    cat_5 = RuleRow(2, "electrical", "electrical", (), (5,), 24, "competent_technician", "PE 4", False)
    only_u = RuleRow(3, "legionella", "hot_water", ("U",), (), 12, "competent_technician", "x", False)
    assert rule_for([cat_1_4, cat_5], "electrical", ["W"], 5) is cat_5
    assert rule_for([cat_1_4, cat_5], "electrical", ["W"], None) is None
    assert rule_for([only_u], "legionella", ["W"], 4) is None
    items = [Item(10, "electrical", "TGBT"), Item(11, "hot_water", "ECS")]
    planned = plan(items, [cat_1_4, cat_5, only_u], ["W", "U"], 4,
                   {(10, "electrical"): LastCheck(7, date(2025, 10, 1), date(2026, 10, 1))}, today, 30)
    assert [(p.equipment_id, p.check_type, p.status, p.due_on) for p in planned] == [
        (10, "electrical", "overdue", date(2026, 10, 1)), (11, "legionella", "never_done", None)]


# ---------------------------------------------------------------- pages and API


@pytest.fixture
def lift_building(factory, db):
    """A W building of category 4 (public 250 + staff 30) with a lift and the seeded reference rows."""
    from facilities.safety import reference, services
    from facilities.safety.rules import clean_equipment

    reference.ensure_seeded()
    building = factory.building(erp_types=["W"], public_capacity=250, staff_capacity=30)
    item = services.create_equipment(building, clean_equipment({"category": "lift", "name": "Ascenseur A"}))
    return building, item


def test_record_a_check_with_its_report_and_a_finding_then_lift_it(client_as, lift_building, db):
    from facilities.safety.models import Check, Finding

    building, item = lift_building
    client = client_as("facilities_manager")
    client.set_cookie("lang", "en")
    page = page_text(client.get(f"/buildings/{building.id}/safety"))
    assert page.count("Never done") == 2  # the yearly and the five-yearly checks of the lift
    done = date.today() - timedelta(days=10)
    response = client.post(f"/equipment/{item.id}/checks/new", data={
        "check_type": "lift_five_yearly", "done_on": done.isoformat(), "body": "Bureau Veritas",
        "result": "observations", "report": (io.BytesIO(PDF), "Rapport contrôle ascenseur é.pdf"),
        "finding_description": "Éclairage de cabine défaillant", "finding_severity": "major"},
        content_type="multipart/form-data")
    assert response.status_code == 302, page_text(response)[:3000]
    check = db.session.query(Check).one()
    assert check.next_due_on.year == done.year + 5 and check.rule.periodicity_months == 60
    assert check.report_name == "Rapport-controle-ascenseur-e.pdf"
    report = client.get(f"/checks/{check.id}/report")
    assert report.status_code == 200 and report.data == PDF and report.mimetype == "application/pdf"
    assert "attachment" in report.headers["Content-Disposition"]
    finding = db.session.query(Finding).one()
    assert finding.is_open and finding.raised_on == done
    assert "Éclairage de cabine défaillant" in page_text(client.get(f"/buildings/{building.id}/safety"))
    too_early = client.post(f"/findings/{finding.id}/lift", data={
        "lifted_on": (done - timedelta(days=1)).isoformat(), "lifted_evidence": "Facture"})
    assert too_early.status_code == 422 and "cannot be lifted before it was raised" in page_text(too_early)
    assert client.post(f"/findings/{finding.id}/lift", data={
        "lifted_on": date.today().isoformat(), "lifted_evidence": "Facture 2026-118"}).status_code == 302
    page = page_text(client.get(f"/buildings/{building.id}/safety"))
    assert "No open finding." in page and page.count("Never done") == 1
    assert client_as("director").get(f"/checks/{check.id}/report").status_code == 200


@pytest.mark.parametrize(("report", "name", "message"), [
    (b"GIF89a not a pdf", "report.pdf", "The report is not a PDF file"),
    (PDF, "report.exe", "The report must be a PDF file (.pdf)"),
    (PDF + b"x" * 2048, "big.pdf", "The report is larger than"),
])
def test_a_report_that_is_not_a_pdf_or_too_big_is_refused_and_nothing_saved(client_as, lift_building, db, app,
                                                                              report, name, message):
    from facilities.safety.models import Check, Finding

    building, item = lift_building
    client = client_as("facilities_manager")
    client.set_cookie("lang", "en")
    app.config["SAFETY_REPORT_MAX_BYTES"] = 1024 * 1024 if message != "The report is larger than" else 1024
    try:
        response = client.post(f"/equipment/{item.id}/checks/new", data={
            "check_type": "lift_yearly", "done_on": date.today().isoformat(), "body": "X", "result": "compliant",
            "report": (io.BytesIO(report), name), "finding_description": "a", "finding_severity": "minor"},
            content_type="multipart/form-data")
    finally:
        app.config.pop("SAFETY_REPORT_MAX_BYTES")
    assert response.status_code == 422 and message in page_text(response)
    assert db.session.query(Check).count() == 0 and db.session.query(Finding).count() == 0


def test_a_check_in_the_future_or_of_another_kind_of_equipment_is_refused(client, token_for, lift_building, db):
    from facilities.safety.models import Check

    building, item = lift_building
    headers = bearer(token_for("facilities_manager"))
    client.set_cookie("lang", "en")
    body = {"equipment_id": item.id, "check_type": "lift_yearly", "done_on": date.today().isoformat(),
            "body": "Otis", "result": "compliant"}
    future = client.post("/api/v1/checks", json={**body, "done_on": (date.today() + timedelta(days=1)).isoformat()},
                         headers=headers)
    assert future.status_code == 422 and future.get_json()["errors"][0]["field"] == "done_on"
    wrong = client.post("/api/v1/checks", json={**body, "check_type": "gas"}, headers=headers)
    assert wrong.status_code == 422 and "does not apply to this kind of equipment" in wrong.get_json()["errors"][0]["message"]
    assert db.session.query(Check).count() == 0
    created = client.post("/api/v1/checks", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    from facilities.safety.planning import add_months

    assert created.get_json()["next_due_on"] == add_months(date.today(), 12).isoformat()


def test_compliance_answer_and_findings_api(client, token_for, lift_building, db):
    building, item = lift_building
    headers = bearer(token_for("facilities_manager"))
    done = (date.today() - timedelta(days=400)).isoformat()
    check = client.post("/api/v1/checks", headers=headers, json={
        "equipment_id": item.id, "check_type": "lift_yearly", "done_on": done, "body": "Otis",
        "result": "non_compliant"}).get_json()
    finding = client.post("/api/v1/findings", headers=headers, json={
        "building_id": building.id, "check_id": check["id"], "description": "Porte palière", "severity": "critical",
        "raised_on": done})
    assert finding.status_code == 201, finding.get_json()
    answer = client.get(f"/api/v1/buildings/{building.id}/compliance", headers=headers).get_json()
    assert set(answer) == {"erp_category", "checks", "open_findings", "last_visit", "next_visit_due_on"}
    assert answer["erp_category"] == 4 and answer["open_findings"] == 1
    statuses = {c["check_type"]: c for c in answer["checks"]}
    assert statuses["lift_yearly"]["status"] == "overdue" and statuses["lift_yearly"]["last_done_on"] == done
    assert statuses["lift_five_yearly"] == {"check_type": "lift_five_yearly", "equipment_id": item.id,
                                            "last_done_on": None, "due_on": None, "status": "never_done"}
    url = f"/api/v1/findings/{finding.get_json()['id']}"
    before = client.patch(url, headers=headers, json={"lifted_on": "2020-01-01", "lifted_evidence": "x"})
    assert before.status_code == 422
    assert client.get(url, headers=headers).get_json()["status"] == "open"
    lifted = client.patch(url, headers=headers, json={"lifted_on": date.today().isoformat(), "lifted_evidence": "OK"})
    assert lifted.get_json()["status"] == "lifted"
    assert client.get(f"/api/v1/findings?building_id={building.id}&status=open", headers=headers).get_json()["total"] == 0
    assert client.get(f"/api/v1/checks?building_id={building.id}&due_before=2100-01-01",
                      headers=headers).get_json()["total"] == 1
