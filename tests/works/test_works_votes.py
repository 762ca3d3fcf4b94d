"""Budget votes (BP, DM1…) group AP creations, revisions and carry-overs; an operation's history reads vote by vote."""

from datetime import date

import pytest

from facilities.validation import ValidationError
from facilities.works import rules, services, views
from facilities.works.models import BudgetVote
from tests.conftest import bearer, page_text

K = 100_000  # 1 000 € in cents


@pytest.fixture
def votes(db):
    bp = services.create_vote(rules.clean_vote({"kind": "BP", "year": "2030", "voted_on": "2029-12-14",
                                                "deliberation_ref": "CD 2029-12-14 n° 29.101"}))
    dm1 = services.create_vote(rules.clean_vote({"kind": "DM", "number": "1", "year": "2030",
                                                 "voted_on": "2030-06-23", "deliberation_ref": "CD 2030-06-23 n° 30.044"}))
    db.session.commit()
    return bp, dm1


def test_history_reads_vote_by_vote(db, envelope, votes):
    bp, dm1 = votes
    op = services.create_operation(rules.clean_operation({
        "label": "Voted by the BP", "envelope_id": envelope.id, "nature": "renovation", "ap_eur": "1000000",
        "start": "2030-01-01", "duration_months": 24, "ap_vote_id": bp.id, "status": "voted", "draft": True}))
    services.set_actual(op, {"year": 2030, "committed_cents": 600 * K, "paid_cents": 300 * K})
    services.add_ap_revision(op, {"amount_cents": 1_200 * K, "vote_id": dm1.id, "reason": "Hausse des prix",
                                  "cp": {2030: 500 * K, 2031: 700 * K}})
    services.carry_over(op, 2030, "next", vote=dm1, on=dm1.voted_on)
    db.session.commit()
    history = views.history_by_vote(op)
    assert [g.vote.code for g in history] == ["BP", "DM1"]
    assert history[0].revisions[0].voted_on == date(2029, 12, 14)  # dated by its vote
    assert history[0].revisions[0].cp_by_year == {2030: 500 * K, 2031: 500 * K}  # the échéancier approved
    assert history[1].revisions[0].cp_by_year == {2030: 500 * K, 2031: 700 * K}
    assert history[1].carry_overs[0].amount_cents == 200 * K
    assert op.cp_by_year == {2030: 300 * K, 2031: 900 * K}
    assert [op.id for op, *_rest in views.vote_items(dm1)] == [op.id]


def test_bad_votes_and_revisions_are_refused(db, envelope, votes):
    bp, _dm1 = votes
    cases = [({"kind": "DM", "year": "2030", "voted_on": "2030-09-01", "deliberation_ref": "x"}, "number"),
             ({"kind": "BP", "number": "2", "year": "2030", "voted_on": "2030-09-01", "deliberation_ref": "x"},
              "number"),
             ({"kind": "XX", "year": "2030", "voted_on": "2030-09-01", "deliberation_ref": "x"}, "kind"),
             ({"kind": "BS", "year": "2030", "voted_on": "2030-09-01"}, "deliberation_ref")]
    for raw, field in cases:
        with pytest.raises(ValidationError) as refused:
            rules.clean_vote(raw)
        assert field in refused.value.errors
    with pytest.raises(ValidationError) as refused:  # the same vote twice
        services.create_vote(rules.clean_vote({"kind": "BP", "year": "2030", "voted_on": "2029-12-15",
                                               "deliberation_ref": "again"}))
    assert "kind" in refused.value.errors
    with pytest.raises(ValidationError) as refused:  # a revision with neither its date nor its vote
        rules.clean_ap_revision({"amount_eur": "100", "reason": "x"})
    assert "voted_on" in refused.value.errors
    op = envelope.operations[0]
    with pytest.raises(ValidationError) as refused:  # a date that is not its vote's
        services.add_ap_revision(op, {"amount_cents": 700 * K, "vote_id": bp.id, "voted_on": date(2030, 2, 1),
                                      "reason": "x"})
    assert "2029-12-14" in refused.value.errors["vote_id"]


def test_votes_pages_and_api(db, envelope, client_as, client, token_for, votes):
    bp, dm1 = votes
    manager = client_as("facilities_manager")
    response = manager.post("/votes", data={"kind": "DM", "number": "2", "year": "2030", "voted_on": "2030-11-20",
                                            "deliberation_ref": "CD 2030-11-20 n° 30.090"})
    assert response.status_code == 302
    dm2 = db.session.query(BudgetVote).filter_by(number=2).one()
    op = envelope.operations[0]
    response = manager.post(f"/operations/{op.id}/ap", data={"amount_eur": "650000", "vote_id": str(dm2.id),
                                                            "reason": "DM2", "cp": "2030 650000"})
    assert response.status_code == 302, page_text(response)
    page = page_text(manager.get(f"/operations/{op.id}"))
    assert "DM2</abbr> 2030" in page and "CD 2030-11-20 n° 30.090" in page
    assert manager.post("/votes", data={"kind": "DM", "year": "2030", "voted_on": "2030-11-20",
                                        "deliberation_ref": "x"}).status_code == 422
    assert "DM2" in page_text(client_as("director").get("/votes"))
    assert op.label in page_text(client_as("director").get(f"/votes/{dm2.id}"))
    assert client_as("director").post("/votes", data={"kind": "BS", "year": "2030", "voted_on": "2030-07-01",
                                                      "deliberation_ref": "x"}).status_code == 403
    headers = bearer(token_for("facilities_manager"))
    response = client.post("/api/v1/votes", headers=headers, json={
        "kind": "BS", "year": 2030, "voted_on": "2030-12-01", "deliberation_ref": "CD 2030-12-01 n° 30.050"})
    assert response.status_code == 201 and response.get_json()["code"] == "BS"
    response = client.post(f"/api/v1/operations/{op.id}/revisions", headers=headers, json={
        "amount_eur": "700000", "vote_id": response.get_json()["id"], "reason": "BS", "cp": {"2030": "700000"}})
    assert response.status_code == 201, response.get_json()
    history = response.get_json()["ap_history"]
    assert history[-1]["voted_on"] == "2030-12-01" and history[-1]["cp"] == {"2030": "700000.00"}
    listed = client.get("/api/v1/votes", headers=headers).get_json()["items"]
    assert {v["code"] for v in listed} == {"BP", "DM1", "DM2", "BS"}
    detail = client.get(f"/api/v1/votes/{dm2.id}", headers=headers).get_json()
    assert detail["revisions"][0]["amount_eur"] == "650000.00"
