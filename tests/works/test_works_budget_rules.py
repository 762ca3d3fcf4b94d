"""The AP/CP budget rules (CGCT L3312-4), each case of issue 16 with its hand-computed figures, refused alike
through the form, the API and the import; nothing saved when refused."""

from datetime import date

import pytest

from facilities.works import budget, rules, services
from facilities.works.models import ApRevision, Operation, OperationActual
from tests.conftest import bearer, page_text

EUR = 100  # cents


def M(euros: int) -> str:  # noqa: N802 — an amount as the French pages print it
    from facilities.formatting import format_money

    return format_money(euros * EUR)


@pytest.fixture
def voted(db, envelope):
    """A voted AP of 1 000 000 € with CP 500 000 € in 2030 and 500 000 € in 2031 (even over 24 months)."""
    op = services.create_operation(rules.clean_operation({
        "label": "Voted AP", "envelope_id": envelope.id, "nature": "renovation", "ap_eur": "1000000",
        "start": "2030-01-01", "duration_months": 24, "ap_voted_on": "2029-12-10", "ap_reason": "BP 2030",
        "status": "voted", "draft": True}))
    db.session.commit()
    assert op.cp_by_year == {2030: 500_000 * EUR, 2031: 500_000 * EUR}
    return op


@pytest.fixture
def manager(token_for):
    return bearer(token_for("facilities_manager"))


def _csv(*lines: str) -> bytes:
    return ("operation_id;kind;year;committed_eur;paid_eur;amount_eur;voted_on;reason;cp\n"
            + "\n".join(lines) + "\n").encode()


def _import(client, op, *lines):
    from io import BytesIO

    return client.post(f"/envelopes/{op.envelope_id}/import",
                       data={"file": (BytesIO(_csv(*lines)), "ledger.csv")}, content_type="multipart/form-data")


# ---------------------------------------------------------------- the pure rules


def test_pure_rules_name_the_amounts():
    ledger = budget.Ledger(400_000 * EUR, {2030: 500_000 * EUR, 2031: 500_000 * EUR}, {2030: 900_000 * EUR},
                           {2030: 500_000 * EUR}, voted=True)
    errors = budget.ledger_errors(ledger, checking_ap=True)
    assert "400\u202f000\u00a0€" in errors["amount_eur"] and "900\u202f000\u00a0€" in errors["amount_eur"]
    assert "500\u202f000\u00a0€" in errors["amount_eur"]
    assert "1\u202f000\u202f000\u00a0€" in errors["cp"]  # ΣCP 1 000 000 against an AP of 400 000
    fine = budget.Ledger(1_000_000 * EUR, {2030: 500_000 * EUR, 2031: 500_000 * EUR}, {2030: 900_000 * EUR},
                         {2030: 500_000 * EUR}, voted=True)
    assert budget.ledger_errors(fine) == {}
    over = budget.Ledger(1_000_000 * EUR, {2030: 500_000 * EUR}, {2030: 1_200_000 * EUR}, {2030: 700_000 * EUR})
    errors = budget.ledger_errors(over)
    assert "1\u202f200\u202f000\u00a0€" in errors["committed_eur"] and "200\u202f000\u00a0€" in errors["committed_eur"]
    assert "700\u202f000\u00a0€" in errors["paid_eur"] and "2030" in errors["paid_eur"]


# ---------------------------------------------------------------- case 1: a revision below what is committed


def test_revision_below_commitments_refused_by_form_api_and_import(db, client_as, client, manager, voted):
    services.set_actual(voted, {"year": 2030, "committed_cents": 900_000 * EUR, "paid_cents": 500_000 * EUR})
    db.session.commit()
    page = client_as("facilities_manager")
    response = page.post(f"/operations/{voted.id}/ap", data={"amount_eur": "400000", "voted_on": "2030-06-01",
                                                             "reason": "DM1", "cp": "2030 200000\n2031 200000"})
    assert response.status_code == 422
    text = page_text(response)
    assert M(400_000) in text and M(900_000) in text and M(500_000) in text
    response = client.post(f"/api/v1/operations/{voted.id}/revisions", headers=manager, json={
        "amount_eur": "400000", "voted_on": "2030-06-01", "reason": "DM1", "cp": {"2030": "200000", "2031": "200000"}})
    assert response.status_code == 422
    assert "amount_eur" in [e["field"] for e in response.get_json()["errors"]]
    response = _import(page, voted, f"{voted.id};revision;;;;400000;2030-06-01;DM1;\"2030: 200000; 2031: 200000\"")
    assert response.status_code == 422 and M(900_000) in page_text(response)
    db.session.expire_all()
    assert db.session.query(ApRevision).filter_by(operation_id=voted.id).count() == 1
    assert db.session.get(Operation, voted.id).current_ap_cents == 1_000_000 * EUR
    # revising to what is committed is allowed (900 000 €, CP re-spread with it)
    response = client.post(f"/api/v1/operations/{voted.id}/revisions", headers=manager, json={
        "amount_eur": "900000", "voted_on": "2030-06-01", "reason": "DM1", "cp": {"2030": "500000", "2031": "400000"}})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["ap_eur"] == "900000.00"


# ---------------------------------------------------------------- case 2: commitments above the AP


def test_commitments_above_the_ap_refused_by_form_api_and_import(db, client_as, client, manager, voted):
    page = client_as("facilities_manager")
    response = page.post(f"/operations/{voted.id}/actuals",
                         data={"year": "2030", "committed_eur": "1200000", "paid_eur": "0"})
    assert response.status_code == 422
    assert M(1_200_000) in page_text(response) and M(1_000_000) in page_text(response)
    response = client.post(f"/api/v1/operations/{voted.id}/actuals", headers=manager,
                           json={"year": 2030, "committed_eur": "1200000", "paid_eur": "0"})
    assert response.status_code == 422
    assert "committed_eur" in [e["field"] for e in response.get_json()["errors"]]
    # split over two years, the total still counts: 700 000 + 500 000 = 1 200 000 > 1 000 000
    response = _import(page, voted, f"{voted.id};actuals;2030;700000;0;;;;", f"{voted.id};actuals;2031;500000;0;;;;")
    assert response.status_code == 422 and "line 3 · committed_eur" in page_text(response).replace("ligne", "line")
    db.session.expire_all()
    assert db.session.query(OperationActual).count() == 0  # the whole file refused, its good first line too


# ---------------------------------------------------------------- case 3: payments above the year's CP


def test_payments_above_the_years_cp_refused_by_form_api_and_import(db, client_as, client, manager, voted):
    page = client_as("facilities_manager")
    response = page.post(f"/operations/{voted.id}/actuals",
                         data={"year": "2030", "committed_eur": "900000", "paid_eur": "700000"})
    assert response.status_code == 422
    assert M(700_000) in page_text(response) and M(500_000) in page_text(response)
    response = client.post(f"/api/v1/operations/{voted.id}/actuals", headers=manager,
                           json={"year": 2030, "committed_eur": "900000", "paid_eur": "700000"})
    assert response.status_code == 422
    assert "paid_eur" in [e["field"] for e in response.get_json()["errors"]]
    response = _import(page, voted, f"{voted.id};actuals;2030;900000;700000;;;;")
    assert response.status_code == 422 and M(700_000) in page_text(response)
    db.session.expire_all()
    assert db.session.query(OperationActual).count() == 0
    # within the CP: accepted on every path
    response = client.post(f"/api/v1/operations/{voted.id}/actuals", headers=manager,
                           json={"year": 2030, "committed_eur": "900000", "paid_eur": "500000"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["actuals"] == [{"year": 2030, "committed_eur": "900000.00", "paid_eur": "500000.00"}]


# ---------------------------------------------------------------- case 4: ΣCP ≠ AP on a voted operation


@pytest.fixture
def small(db, envelope):
    op = services.create_operation(rules.clean_operation({
        "label": "Small voted AP", "envelope_id": envelope.id, "nature": "renovation", "ap_eur": "400000",
        "start": "2030-01-01", "duration_months": 24, "ap_voted_on": "2029-12-10", "ap_reason": "BP 2030",
        "status": "voted", "draft": True}))
    db.session.commit()
    return op


def test_cp_not_adding_up_to_the_ap_refused_by_form_api_and_import(db, client_as, client, manager, small):
    page = client_as("facilities_manager")
    # the échéancier page of a voted operation sends to the revision form
    response = page.post(f"/operations/{small.id}/cp", data={"cp": "2030 700000\n2031 700000"})
    assert response.status_code == 302
    assert f"/api/v1/operations/{small.id}/revisions" in page_text(page.get(response.headers["Location"]))
    response = client.patch(f"/api/v1/operations/{small.id}", headers=manager,
                            json={"cp": {"2030": "700000", "2031": "700000"}})
    assert response.status_code == 422
    assert f"/api/v1/operations/{small.id}/revisions" in response.get_data(as_text=True)
    response = client.patch(f"/api/v1/operations/{small.id}", headers=manager, json={"ap_eur": "1400000"})
    assert response.status_code == 422 and "/revisions" in response.get_data(as_text=True)
    # a revision whose CP total 1 400 000 € against a new AP of 400 000 €
    response = page.post(f"/operations/{small.id}/ap", data={"amount_eur": "400000", "voted_on": "2030-06-01",
                                                            "reason": "DM1", "cp": "2030 700000\n2031 700000"})
    assert response.status_code == 422 and M(1_400_000) in page_text(response)
    response = client.post(f"/api/v1/operations/{small.id}/revisions", headers=manager, json={
        "amount_eur": "400000", "voted_on": "2030-06-01", "reason": "DM1", "cp": {"2030": "700000", "2031": "700000"}})
    assert response.status_code == 422 and "cp" in [e["field"] for e in response.get_json()["errors"]]
    response = _import(page, small, f"{small.id};revision;;;;400000;2030-06-01;DM1;\"2030: 700000; 2031: 700000\"")
    assert response.status_code == 422 and M(1_400_000) in page_text(response)
    db.session.expire_all()
    op = db.session.get(Operation, small.id)
    assert op.cp_by_year == {2030: 200_000 * EUR, 2031: 200_000 * EUR} and op.status == "voted"
    # the AP and its échéancier together, balanced: accepted
    response = client.post(f"/api/v1/operations/{small.id}/revisions", headers=manager, json={
        "amount_eur": "1400000", "voted_on": "2030-06-01", "reason": "DM1", "cp": {"2030": "700000", "2031": "700000"}})
    assert response.status_code == 201
    assert response.get_json()["cp"] == {"2030": "700000.00", "2031": "700000.00"}


def test_rescheduling_cannot_leave_payments_above_a_years_cp(db, voted):
    from facilities.validation import ValidationError

    services.set_actual(voted, {"year": 2030, "committed_cents": 900_000 * EUR, "paid_cents": 500_000 * EUR})
    db.session.commit()
    with pytest.raises(ValidationError) as refused:
        services.update_operation(voted, {"start": date(2030, 7, 1), "draft": True})  # 2030 CP would be 250 000 €
    assert "250\u202f000\u00a0€" in refused.value.errors["paid_eur"]


def test_import_applies_a_good_file_and_the_cli_refuses_a_bad_one(db, client_as, runner, voted, tmp_path):
    page = client_as("facilities_manager")
    response = _import(page, voted, f"{voted.id};actuals;2030;900000;500000;;;;",
                       f"{voted.id};revision;;;;1100000;2030-09-01;DM2;\"2030: 500000; 2031: 600000\"")
    assert response.status_code == 302, page_text(response)
    db.session.expire_all()
    op = db.session.get(Operation, voted.id)
    assert op.current_ap_cents == 1_100_000 * EUR and op.cp_by_year[2031] == 600_000 * EUR
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(f"{voted.id};actuals;2031;300000;0;;;;"))  # 900 000 + 300 000 > 1 100 000
    result = runner.invoke(args=["works", "import-ledger", str(bad)])
    assert result.exit_code == 1 and "committed_eur" in result.output
