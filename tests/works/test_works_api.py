"""Works JSON API on the demo: shapes, bad input (422 naming the field, nothing saved), 403, schedule."""

from decimal import Decimal

import pytest

from facilities.works.models import Envelope, Operation
from tests.conftest import bearer


@pytest.fixture
def manager(token_for):
    return bearer(token_for("facilities_manager"))


def _env(db, label="Bâtiments médico-sociaux 2023"):
    return db.session.query(Envelope).filter_by(label=label).one()


def test_envelope_list_and_detail_shapes(db, demo, client, token_for):
    headers = bearer(token_for("director"))
    items = client.get("/api/v1/envelopes", headers=headers).get_json()["items"]
    main = next(i for i in items if i["label"] == "Bâtiments médico-sociaux 2023")
    assert {"id", "label", "caps", "cp_by_year", "committed_eur", "paid_eur"} <= set(main)
    assert Decimal(main["caps"]["2023"]) == Decimal("12500000")
    assert Decimal(main["cp_by_year"]["2023"]) <= Decimal("12500000")
    detail = client.get(f"/api/v1/envelopes/{main['id']}", headers=headers).get_json()
    op = detail["operations"][0]
    assert {"id", "label", "ap_eur", "cp", "start", "end", "priority", "fixed"} <= set(op)
    assert sum(Decimal(v) for v in op["cp"].values()) == Decimal(op["ap_eur"])


def test_create_envelope_and_operation(db, demo, client, manager):
    response = client.post("/api/v1/envelopes", headers=manager,
                           json={"label": "Accessibilité", "category": "ERP", "caps": {"2026": "500000.50"}})
    assert response.status_code == 201, response.get_json()
    env_id = response.get_json()["id"]
    assert response.get_json()["caps"] == {"2026": "500000.50"}
    response = client.post("/api/v1/operations", headers=manager, json={
        "label": "Rampes", "envelope_id": env_id, "nature": "accessibility", "ap_eur": 400000,
        "start": "2026-01-01", "duration_months": 6, "priority": 1, "fixed": False,
        "phases": [{"code": "PRO", "start": "2026-01-01", "end": "2026-02-28", "share_bp": 2000},
                   {"code": "DET", "start": "2026-03-01", "end": "2026-06-30", "share_bp": 8000}]})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["cp"] == {"2026": "400000.00"}


BAD = [
    ("ap_eur", {"ap_eur": "-1"}),
    ("ap_eur", {"ap_eur": "abc"}),
    ("ap_eur", {"ap_eur": "1e30"}),
    ("ap_eur", {"ap_eur": 12.345}),
    ("phases[0].end", {"phases": [{"code": "DET", "start": "2026-05-01", "end": "2026-02-01", "share_bp": 10000}]}),
    ("cp.2031", {"cp": {"2031": "400000"}}),
    ("envelope_id", {"envelope_id": 99999}),
    ("site_id", {"site_id": 99999}),
    ("bogus", {"bogus": 1}),
]


@pytest.mark.parametrize(("field", "change"), BAD, ids=[f"{f}-{i}" for i, (f, _c) in enumerate(BAD)])
def test_bad_operation_input_is_422_naming_the_field(db, demo, client, manager, field, change):
    env = _env(db)
    before = db.session.query(Operation).count()
    body = {"label": "Bad", "envelope_id": env.id, "nature": "renovation", "ap_eur": "400000",
            "start": "2026-01-01", "duration_months": 6, **change}
    response = client.post("/api/v1/operations", headers=manager, json=body)
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert field in [e["field"] for e in response.get_json()["errors"]]
    assert db.session.query(Operation).count() == before


def test_cap_year_given_twice_and_bad_caps(db, client, manager):
    raw = '{"label": "E", "category": "c", "caps": {"2024": "10", "2024": "20"}}'
    response = client.post("/api/v1/envelopes", headers={**manager, "Content-Type": "application/json"}, data=raw)
    assert response.status_code == 422 and "caps.2024" in [e["field"] for e in response.get_json()["errors"]]
    response = client.post("/api/v1/envelopes", headers=manager, json={"label": "E", "caps": {"2024": "-5"}})
    assert response.status_code == 422 and "caps.2024" in [e["field"] for e in response.get_json()["errors"]]
    assert db.session.query(Envelope).count() == 0


def test_overflowing_operation_needs_draft_flag(db, demo, client, manager):
    env = _env(db)
    body = {"label": "Big", "envelope_id": env.id, "nature": "renovation", "ap_eur": "5000000",
            "start": "2023-01-01", "duration_months": 12}
    response = client.post("/api/v1/operations", headers=manager, json=body)
    assert response.status_code == 422 and "draft" in [e["field"] for e in response.get_json()["errors"]]
    response = client.post("/api/v1/operations", headers=manager, json={**body, "draft": True})
    assert response.status_code == 201 and response.get_json()["draft"] is True


@pytest.mark.parametrize("role", ["director", "architect", "admin"])
def test_writes_forbidden_to_non_managers(db, demo, client, token_for, role):
    headers = bearer(token_for(role))
    env = _env(db)
    assert client.post("/api/v1/envelopes", headers=headers, json={"label": "x"}).status_code == 403
    assert client.post("/api/v1/operations", headers=headers, json={"label": "x"}).status_code == 403
    assert client.post(f"/api/v1/envelopes/{env.id}/schedule", headers=headers, json={"apply": True}).status_code == 403


def test_schedule_without_and_with_apply(db, demo, client, manager):
    env = _env(db)
    client.post("/api/v1/operations", headers=manager, json={
        "label": "Big", "envelope_id": env.id, "nature": "renovation", "ap_eur": "3000000", "priority": 9,
        "start": "2023-01-01", "duration_months": 12, "draft": True})
    proposal = client.post(f"/api/v1/envelopes/{env.id}/schedule", headers=manager, json={}).get_json()
    assert proposal["applied"] is False and proposal["feasible"] is True
    big = next(o for o in proposal["operations"] if o["label"] == "Big")
    assert big["shifted_months"] > 0 and {"start", "cp", "shifted_months"} <= set(big)
    assert all(o["shifted_months"] == 0 for o in proposal["operations"] if o["fixed"])
    stored = client.get(f"/api/v1/envelopes/{env.id}", headers=manager).get_json()
    assert next(o for o in stored["operations"] if o["label"] == "Big")["start"] == "2023-01-01"  # not saved
    applied = client.post(f"/api/v1/envelopes/{env.id}/schedule", headers=manager, json={"apply": True}).get_json()
    assert applied["applied"] is True and applied["moved"] >= 1
    stored = client.get(f"/api/v1/envelopes/{env.id}", headers=manager).get_json()
    assert next(o for o in stored["operations"] if o["label"] == "Big")["start"] == big["start"]
    assert stored["overflow_by_year"] == {}


def test_infeasible_schedule_reports_shortfall(db, client, manager):
    env = client.post("/api/v1/envelopes", headers=manager, json={"label": "Tiny", "caps": {"2030": "100"}}).get_json()
    client.post("/api/v1/operations", headers=manager, json={
        "label": "Too big", "envelope_id": env["id"], "nature": "studies", "ap_eur": "1000", "start": "2030-01-01",
        "duration_months": 12, "draft": True})
    proposal = client.post(f"/api/v1/envelopes/{env['id']}/schedule", headers=manager, json={}).get_json()
    assert proposal["feasible"] is False and proposal["shortfall_by_year"] == {"2030": "900.00"}
