"""Unpaid CP carried over (report de crédits) and a PPI that always balances, with hand-computed figures."""

from datetime import date

import pytest

from facilities.validation import ValidationError
from facilities.works import rules, services, views
from facilities.works.models import CpCarryOver, Operation
from tests.conftest import bearer, page_text

EUR = 100  # cents
K = 1_000 * EUR


def _voted(env, label, start, months, ap_eur, cp=None):
    raw = {"label": label, "envelope_id": env.id, "nature": "renovation", "ap_eur": ap_eur,
           "start": start, "duration_months": months, "ap_voted_on": "2023-12-10", "ap_reason": "BP",
           "status": "voted", "draft": True}
    if cp is not None:
        raw["cp"] = cp
    return services.create_operation(rules.clean_operation(raw))


@pytest.fixture
def issue_case(db, envelope):
    """Issue 16: AP 1 000 000 €, CP 500 000 € (2030) + 500 000 € (2031), 300 000 € paid in 2030."""
    op = _voted(envelope, "Issue case", "2030-01-01", 24, "1000000")
    services.set_actual(op, {"year": 2030, "committed_cents": 600 * K, "paid_cents": 300 * K})
    db.session.commit()
    return op


def test_the_issue_case_balances_before_and_after_the_carry_over(db, issue_case):
    row = views.ppi_row(issue_case, 2031)
    # before: the 200 000 € not paid in 2030 show as CP to re-spread, and the row balances
    assert (row.paid_before_cents, row.to_respread_cents, row.cp_years[0]) == (300 * K, 200 * K, 500 * K)
    assert row.accounted_cents == 1_000 * K and row.balanced and row.carried_over_cents == 0
    record = services.carry_over(issue_case, 2030, "next", on=date(2031, 1, 5))
    db.session.commit()
    assert record.amount_cents == 200 * K and record.cents_by_year == {2031: 200 * K} and record.mode == "next"
    assert issue_case.cp_by_year == {2030: 300 * K, 2031: 700 * K}  # ΣCP still 1 000 000 = AP
    row = views.ppi_row(issue_case, 2031)
    assert (row.paid_before_cents, row.to_respread_cents, row.cp_years[0], row.carried_over_cents) == (
        300 * K, 0, 700 * K, 200 * K)
    assert row.balanced
    assert services.carry_over(issue_case, 2030, "next") is None  # nothing left unpaid: nothing recorded twice


def test_even_re_spread_over_the_remaining_years(db, envelope):
    op = _voted(envelope, "Three years", "2030-01-01", 36, "1000000",
                cp={"2030": "400000", "2031": "300000", "2032": "300000"})
    services.set_actual(op, {"year": 2030, "committed_cents": 100 * K, "paid_cents": 100 * K})
    services.carry_over(op, 2030, "even", on=date(2031, 1, 5))
    # 300 000 € unpaid, halved onto 2031 and 2032
    assert op.cp_by_year == {2030: 100 * K, 2031: 450 * K, 2032: 450 * K}
    rows, total = views.ppi_rows([op], 2031)
    assert total.carried_over_cents == 300 * K and rows[0].balanced


def test_carry_over_beyond_the_operations_end_is_refused(db, envelope):
    op = _voted(envelope, "One year", "2030-01-01", 12, "500000")
    services.set_actual(op, {"year": 2030, "committed_cents": 500 * K, "paid_cents": 300 * K})
    db.session.commit()
    with pytest.raises(ValidationError) as refused:
        services.carry_over_envelope(envelope, {"year": 2030, "mode": "next"}, on=date(2031, 1, 5))
    message = " ".join(refused.value.errors.values())
    assert "200\u202f000\u00a0€" in message and "2030" in message
    db.session.rollback()
    assert db.session.query(CpCarryOver).count() == 0
    assert db.session.get(Operation, op.id).cp_by_year == {2030: 500 * K}
    with pytest.raises(ValidationError):  # a year that has not started
        services.carry_over_envelope(envelope, {"year": 2032, "mode": "next"}, on=date(2031, 1, 5))


@pytest.fixture
def past(db, envelope):
    """The same figures two years back, so that the pages and the API (today's date) may carry them over."""
    year = date.today().year - 2
    op = _voted(envelope, "Past case", f"{year}-01-01", 24, "1000000")
    services.set_actual(op, {"year": year, "committed_cents": 600 * K, "paid_cents": 300 * K})
    db.session.commit()
    return op, year


def test_ppi_api_shape_and_carry_over_through_the_api(db, client, token_for, past):
    op, year = past
    headers = bearer(token_for("facilities_manager"))
    body = client.get(f"/api/v1/envelopes/{op.envelope_id}/ppi?year={year + 1}", headers=headers).get_json()
    row = next(r for r in body["rows"] if r["operation_id"] == op.id)
    assert body["year"] == year + 1
    assert (row["ap_eur"], row["paid_before_eur"], row["to_respread_eur"]) == ("1000000.00", "300000.00", "200000.00")
    assert row["cp_by_year"][str(year + 1)] == "500000.00" and row["balanced"] is True
    assert set(row["cp_by_year"]) == {str(year + 1 + k) for k in range(4)}
    assert client.get(f"/api/v1/envelopes/{op.envelope_id}/ppi?year=abc", headers=headers).status_code == 400
    response = client.post(f"/api/v1/envelopes/{op.envelope_id}/carry-over", headers=headers,
                           json={"year": year, "mode": "next"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["carried_over_eur"] == "200000.00"
    body = client.get(f"/api/v1/envelopes/{op.envelope_id}/ppi?year={year + 1}", headers=headers).get_json()
    row = next(r for r in body["rows"] if r["operation_id"] == op.id)
    assert (row["to_respread_eur"], row["carried_over_eur"]) == ("0.00", "200000.00")
    assert row["cp_by_year"][str(year + 1)] == "700000.00" and row["balanced"] is True
    response = client.post(f"/api/v1/envelopes/{op.envelope_id}/carry-over", headers=headers,
                           json={"year": year, "mode": "sideways"})
    assert response.status_code == 422 and "mode" in [e["field"] for e in response.get_json()["errors"]]


def test_the_envelope_page_shows_what_is_to_re_spread_and_carries_it_over(db, client_as, past):
    op, year = past
    client = client_as("facilities_manager")
    page = page_text(client.get(f"/envelopes/{op.envelope_id}?year={year + 1}"))
    assert 'id="to-respread"' in page and "200\u202f000\u00a0€" in page
    response = client.post(f"/envelopes/{op.envelope_id}/carry-over", data={"year": str(year), "mode": "next"})
    assert response.status_code == 302
    page = page_text(client.get(f"/envelopes/{op.envelope_id}?year={year + 1}"))
    assert 'id="to-respread"' not in page and "700\u202f000\u00a0€" in page
    assert client_as("director").post(f"/envelopes/{op.envelope_id}/carry-over",
                                      data={"year": str(year)}).status_code == 403


def test_carry_over_command(db, runner, past):
    op, year = past
    result = runner.invoke(args=["works", "carry-over", "--year", str(year)])
    assert result.exit_code == 0, result.output
    assert "200000 €" in result.output
    db.session.expire_all()
    assert db.session.get(Operation, op.id).cp_by_year[year + 1] == 700 * K
