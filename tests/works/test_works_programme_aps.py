"""Programme APs: voted for a programme (an envelope), assigned to its operations, Σ assigned ≤ voted."""

import pytest

from facilities.validation import ValidationError
from facilities.works import rules, services, views
from facilities.works.models import ApAssignment, ProgrammeAp
from tests.conftest import page_text

K = 100_000  # 1 000 € in cents


@pytest.fixture
def programme(db, envelope):
    """AP 5 000 000 € voted for the envelope; 3 000 000 € assigned to "First", 1 500 000 € to "Second"."""
    second = services.create_operation(rules.clean_operation({
        "label": "Second", "envelope_id": envelope.id, "nature": "renovation", "ap_eur": "1500000",
        "start": "2031-01-01", "duration_months": 12, "draft": True}))
    programme_ap = services.create_programme_ap(envelope, rules.clean_programme_ap(
        {"label": "AP programme 2030", "amount_eur": "5000000", "voted_on": "2029-12-14"}))
    first = envelope.operations[0]
    for op, amount in ((first, "3000000"), (second, "1500000")):
        services.assign(envelope, rules.clean_assignment({"programme_ap_id": programme_ap.id, "operation_id": op.id,
                                                          "amount_eur": amount, "voted_on": "2029-12-14"}))
    db.session.commit()
    return programme_ap, first, second


def test_voted_assigned_unassigned(db, envelope, programme):
    programme_ap, first, _second = programme
    figures = views.programme_ap_figures(envelope)
    assert (figures.voted_cents, figures.assigned_cents, figures.unassigned_cents) == (5_000 * K, 4_500 * K, 500 * K)
    # 3 000 000 → 4 000 000 € for "First": 5 500 000 € assigned against 5 000 000 € voted
    with pytest.raises(ValidationError) as refused:
        services.assign(envelope, rules.clean_assignment({"programme_ap_id": programme_ap.id, "operation_id": first.id,
                                                          "amount_eur": "4000000", "voted_on": "2030-06-01"}))
    message = refused.value.errors["amount_eur"]
    assert "5\u202f500\u202f000\u00a0€" in message and "5\u202f000\u202f000\u00a0€" in message
    assert "500\u202f000\u00a0€" in message
    db.session.rollback()
    with pytest.raises(ValidationError) as refused:  # a revision below what is assigned
        services.revise_programme_ap(programme_ap, rules.clean_programme_ap(
            {"label": "AP programme 2030", "amount_eur": "4000000", "voted_on": "2030-06-01"}))
    assert "4\u202f500\u202f000\u00a0€" in refused.value.errors["amount_eur"]
    db.session.rollback()
    assert db.session.get(ProgrammeAp, programme_ap.id).amount_cents == 5_000 * K
    with pytest.raises(ValidationError):  # neither a vote date nor a vote
        rules.clean_programme_ap({"label": "x", "amount_eur": "1"})


def test_programme_ap_pages(db, envelope, programme, client_as):
    programme_ap, first, second = programme
    manager = client_as("facilities_manager")
    page = page_text(manager.get(f"/envelopes/{envelope.id}"))
    assert 'id="programme-voted">5\u202f000\u202f000\u00a0€' in page
    assert 'id="programme-unassigned">500\u202f000\u00a0€' in page
    response = manager.post(f"/envelopes/{envelope.id}/assignments", data={
        "programme_ap_id": str(programme_ap.id), "operation_id": str(first.id), "amount_eur": "4000000",
        "voted_on": "2030-06-01"})
    assert response.status_code == 302
    page = page_text(manager.get(f"/envelopes/{envelope.id}"))
    assert "5\u202f500\u202f000\u00a0€" in page  # the refusal, naming the amounts
    assert db.session.query(ApAssignment).filter_by(operation_id=first.id).one().amount_cents == 3_000 * K
    response = manager.post(f"/programme-aps/{programme_ap.id}/revise", data={
        "label": programme_ap.label, "amount_eur": "6000000", "voted_on": "2030-06-01"})
    assert response.status_code == 302
    response = manager.post(f"/envelopes/{envelope.id}/assignments", data={
        "programme_ap_id": str(programme_ap.id), "operation_id": str(second.id), "amount_eur": "0",
        "voted_on": "2030-06-01"})
    db.session.expire_all()
    figures = views.programme_ap_figures(envelope)
    assert (figures.voted_cents, figures.assigned_cents, figures.unassigned_cents) == (6_000 * K, 3_000 * K, 3_000 * K)
    assert client_as("director").post(f"/envelopes/{envelope.id}/programme-aps", data={
        "label": "x", "amount_eur": "1", "voted_on": "2030-01-01"}).status_code == 403
