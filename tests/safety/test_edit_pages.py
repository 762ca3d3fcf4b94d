"""Pages to correct and delete a check and a commission visit, and to correct a finding (issue 18): the API's rules
and the audit trail, bad input refused with nothing saved, reachable from where checks and visits are shown."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import page_text
from tests.safety.test_checks import PDF


@pytest.fixture
def recorded(factory, db):
    """A W building of category 4 with a lift, a check with a report and a finding, and a visit with a prescription."""
    from facilities.safety import reference, report_files, rules, services

    reference.ensure_seeded()
    building = factory.building(erp_types=["W"], public_capacity=250, staff_capacity=30)
    item = services.create_equipment(building, rules.clean_equipment({"category": "lift", "name": "Ascenseur A"}))
    done = date.today() - timedelta(days=40)
    report = report_files.store(io.BytesIO(PDF), "premier.pdf")
    check = services.record_check(item, rules.clean_check({"check_type": "lift_five_yearly",
                                                           "done_on": done.isoformat(), "body": "Apave",
                                                           "result": "compliant"}), report)
    finding = services.raise_finding(building, rules.clean_finding({"description": "Cabine", "severity": "minor",
                                                                    "raised_on": done.isoformat()}), check)
    visit = services.record_visit(building, rules.clean_visit({"visited_on": "2025-03-31", "opinion": "favourable"}),
                                  ["Dégager l'issue nord"])
    db.session.commit()
    return building, check, finding, visit


def test_edit_a_check_replaces_its_report_and_reschedules(client_as, recorded, db, app):
    from facilities.safety import report_files
    from facilities.trail.models import AuditEntry

    building, check, _finding, _visit = recorded
    old_file = check.report_file
    client = client_as("facilities_manager")
    client.set_cookie("lang", "en")
    assert "edit-check" in page_text(client.get(f"/buildings/{building.id}/safety"))
    assert f"/checks/{check.id}/edit" in page_text(client.get(f"/checks/{check.id}"))
    form = page_text(client.get(f"/checks/{check.id}/edit"))
    assert "premier.pdf" in form and 'name="version"' in form
    done = date.today() - timedelta(days=5)
    response = client.post(f"/checks/{check.id}/edit", data={
        "check_type": "lift_five_yearly", "done_on": done.isoformat(), "body": "Bureau Veritas",
        "result": "observations", "notes": "Repris", "version": str(check.version),
        "report": (io.BytesIO(PDF), "second.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302, page_text(response)[:2000]
    db.session.refresh(check)
    assert (check.done_on, check.body, check.result, check.report_name) == (done, "Bureau Veritas", "observations",
                                                                             "second.pdf")
    assert check.next_due_on.year == done.year + 5
    assert report_files.path_of(old_file) is None and report_files.path_of(check.report_file) is not None
    changes = {}
    for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "check",
                                                             AuditEntry.action == "update")):
        changes.update(entry.changes)
    assert changes["body"] == {"old": "Apave", "new": "Bureau Veritas"} and "report_name" in changes
    history = page_text(client.get(f"/buildings/{building.id}/history"))
    assert "Bureau Veritas" in history and "Done by (body or technician)" in history


def test_a_bad_check_edit_shows_every_error_and_saves_nothing(client_as, recorded, db):
    building, check, _finding, _visit = recorded
    client = client_as("facilities_manager")
    client.set_cookie("lang", "en")
    future = (date.today() + timedelta(days=3)).isoformat()
    response = client.post(f"/checks/{check.id}/edit", data={
        "check_type": "lift_five_yearly", "done_on": future, "body": "", "result": "maybe"})
    assert response.status_code == 422
    text = page_text(response)
    assert "Done on must be at most" in text and "is required" in text and "must be one of" in text
    db.session.refresh(check)
    assert check.body == "Apave" and check.result == "compliant"


def test_delete_a_check_with_its_findings_after_confirmation(client_as, recorded, db):
    from facilities.safety.models import Check, Finding

    building, check, finding, _visit = recorded
    client = client_as("facilities_manager")
    client.set_cookie("lang", "en")
    confirm = client.get(f"/checks/{check.id}/delete")
    assert confirm.status_code == 200 and "1 findings and its report" in page_text(confirm)
    assert db.session.get(Check, check.id) is not None
    assert client.post(f"/checks/{check.id}/delete").status_code == 302
    assert db.session.get(Check, check.id) is None and db.session.get(Finding, finding.id) is None


def test_edit_and_delete_a_visit(client_as, recorded, db):
    from facilities.safety.models import Finding, SafetyVisit

    building, _check, _finding, visit = recorded
    client = client_as("facilities_manager")
    client.set_cookie("lang", "en")
    page = page_text(client.get(f"/buildings/{building.id}/safety"))
    assert f"/safety-visits/{visit.id}/edit" in page and f"/safety-visits/{visit.id}/delete" in page
    assert client.post(f"/safety-visits/{visit.id}/edit", data={
        "visited_on": "2025-04-30", "opinion": "unfavourable", "commission": "CCS", "notes": "",
        "version": str(visit.version)}).status_code == 302
    db.session.refresh(visit)
    assert visit.opinion == "unfavourable" and visit.visited_on == date(2025, 4, 30)
    assert visit.next_visit_due_on == date(2030, 4, 30)  # category 4 offices: every 5 years, from the new date
    refused = client.post(f"/safety-visits/{visit.id}/edit", data={"visited_on": "", "opinion": "later"})
    assert refused.status_code == 422 and "Visited on is required" in page_text(refused)
    prescription = visit.prescriptions[0].id
    assert "1 prescriptions are deleted" in page_text(client.get(f"/safety-visits/{visit.id}/delete"))
    assert client.post(f"/safety-visits/{visit.id}/delete").status_code == 302
    assert db.session.get(SafetyVisit, visit.id) is None and db.session.get(Finding, prescription) is None


def test_edit_a_finding(client_as, recorded, db):
    building, check, finding, _visit = recorded
    client = client_as("facilities_manager")
    client.set_cookie("lang", "en")
    assert f"/findings/{finding.id}/edit" in page_text(client.get(f"/checks/{check.id}"))
    refused = client.post(f"/findings/{finding.id}/edit", data={"description": "", "severity": "critical",
                                                               "raised_on": "1800-01-01"})
    assert refused.status_code == 422
    assert "Observation is required" in page_text(refused) and "Raised on must be at least" in page_text(refused)
    assert client.post(f"/findings/{finding.id}/edit", data={
        "description": "Éclairage de cabine", "severity": "critical", "raised_on": finding.raised_on.isoformat(),
        "version": str(finding.version)}).status_code == 302
    db.session.refresh(finding)
    assert (finding.description, finding.severity) == ("Éclairage de cabine", "critical")


@pytest.mark.parametrize("role", ["architect", "director"])
def test_only_who_may_edit_safety_sees_and_opens_the_edit_pages(client_as, recorded, role):
    building, check, finding, visit = recorded
    client = client_as(role)
    for url in (f"/checks/{check.id}/edit", f"/checks/{check.id}/delete", f"/safety-visits/{visit.id}/edit",
                f"/safety-visits/{visit.id}/delete", f"/findings/{finding.id}/edit"):
        assert client.get(url).status_code == 403, url
    assert "edit-check" not in page_text(client.get(f"/buildings/{building.id}/safety"))


def test_lifting_reports_the_day_before_raising_with_the_missing_evidence(client_as, recorded):
    _building, _check, finding, _visit = recorded
    client = client_as("facilities_manager")
    client.set_cookie("lang", "en")
    refused = client.post(f"/findings/{finding.id}/lift", data={"lifted_on": "2000-01-01", "lifted_evidence": ""})
    assert refused.status_code == 422
    text = page_text(refused)
    assert "cannot be lifted before it was raised" in text and "Evidence (invoice, report, photo reference) is required" in text
