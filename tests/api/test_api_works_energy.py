"""Works and energy through the API: lists, PATCH and DELETE, bounds the database and the calendar need."""

from __future__ import annotations

import pytest

from tests.conftest import bearer


@pytest.fixture
def manager(client, token_for):
    headers = bearer(token_for("facilities_manager"))

    def call(method: str, url: str, body=None):
        return client.open(url, method=method, headers=headers, json=body)

    return call


def fields(response) -> list[str]:
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)[:300]
    return [error["field"] for error in response.get_json()["errors"]]


def operation_body(envelope_id: int, **change) -> dict:
    return {"label": "Rampes", "envelope_id": envelope_id, "nature": "accessibility", "ap_eur": "400000",
            "start": "2026-01-01", "duration_months": 6, **change}


@pytest.fixture
def envelope_id(manager) -> int:
    response = manager("POST", "/api/v1/envelopes", {"label": "Accessibilité", "caps": {"2026": "500000"}})
    assert response.status_code == 201
    return response.get_json()["id"]


def test_envelope_and_operation_lifecycle(manager, envelope_id):
    created = manager("POST", "/api/v1/operations", operation_body(envelope_id))
    assert created.status_code == 201, created.get_json()
    op_id = created.get_json()["id"]
    listed = manager("GET", f"/api/v1/operations?envelope_id={envelope_id}&nature=accessibility&sort=-start").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == op_id
    moved = manager("PATCH", f"/api/v1/operations/{op_id}", {"start": "2026-03-01"})
    assert moved.status_code == 200 and moved.get_json()["start"] == "2026-03-01"
    over = manager("PATCH", f"/api/v1/envelopes/{envelope_id}", {"caps": {"2026": "100"}})
    assert over.status_code == 422 and fields(over) == ["draft"]
    renamed = manager("PATCH", f"/api/v1/envelopes/{envelope_id}", {"label": "Accès", "caps": {"2026": "100"},
                                                                     "draft": True})
    assert renamed.status_code == 200 and renamed.get_json()["label"] == "Accès"
    assert manager("GET", "/api/v1/envelopes?q=acc").get_json()["total"] == 1
    assert manager("DELETE", f"/api/v1/envelopes/{envelope_id}").status_code == 409
    assert manager("DELETE", f"/api/v1/operations/{op_id}").status_code == 204
    assert manager("DELETE", f"/api/v1/envelopes/{envelope_id}").status_code == 204
    assert manager("GET", f"/api/v1/envelopes/{envelope_id}").status_code == 404


BAD_OPERATIONS = [
    ("start", {"start": "9999-12-01"}),  # would overflow the scheduler's calendar
    ("start", {"start": "0001-01-01"}),
    ("envelope_id", {"envelope_id": 10**30}),
    ("site_id", {"site_id": 2**31}),
    ("label", {"label": "x" * 100_000}),
    ("ap_reason", {"ap_reason": "a\u0000b"}),
    ("phases[0].share_bp", {"phases": [{"code": "PRO", "start": "2026-01-01", "end": "2026-06-30",
                                        "share_bp": 10**30}]}),
]


@pytest.mark.parametrize(("field", "change"), BAD_OPERATIONS, ids=[f"{f}-{i}" for i, (f, _c) in
                                                                   enumerate(BAD_OPERATIONS)])
def test_bad_operation_is_422_naming_the_field(manager, envelope_id, field, change):
    response = manager("POST", "/api/v1/operations", {**operation_body(envelope_id), **change})
    assert response.status_code == 422 and field in fields(response)
    assert manager("GET", "/api/v1/operations").get_json()["total"] == 0


@pytest.mark.parametrize("role", ["director", "architect", "admin"])
def test_works_writes_are_for_facilities_managers(client, token_for, manager, envelope_id, role):
    headers = bearer(token_for(role))
    assert client.patch(f"/api/v1/envelopes/{envelope_id}", headers=headers, json={"label": "x"}).status_code == 403
    assert client.delete(f"/api/v1/envelopes/{envelope_id}", headers=headers).status_code == 403
    assert client.get("/api/v1/operations", headers=headers).status_code == 200


@pytest.fixture
def building(factory, db):
    from facilities.energy.services import ensure_reference_seeded

    ensure_reference_seeded()
    db.session.commit()
    return factory.building(gross_floor_area_m2="1200")


def test_report_without_reference_data_says_what_to_do(manager, factory):
    response = manager("GET", f"/api/v1/buildings/{factory.building().id}/energy")
    assert response.status_code == 503 and "seed-reference" in response.get_json()["detail"]


def test_energy_record_lifecycle(manager, building):
    body = {"building_id": building.id, "year": 2024, "carrier": "electricity", "kwh": 120000, "source": "invoice"}
    created = manager("POST", "/api/v1/energy-records", body)
    assert created.status_code == 201, created.get_json()
    record = created.get_json()
    assert manager("POST", "/api/v1/energy-records", {**body, "kwh": 130000}).status_code == 200  # replaced
    changed = manager("PATCH", f"/api/v1/energy-records/{record['id']}", {"kwh": "140 000,5"})
    assert changed.status_code == 200 and changed.get_json()["kwh"] == 140000.5
    listed = manager("GET", f"/api/v1/energy-records?building_id={building.id}&year=2024").get_json()
    assert listed["total"] == 1 and listed["items"][0]["source"] == "invoice"
    report = manager("GET", f"/api/v1/buildings/{building.id}/energy").get_json()
    assert [year["year"] for year in report["years"]] == [2024]
    assert fields(manager("PATCH", f"/api/v1/energy-records/{record['id']}", {"year": 2023})) == ["year"]
    assert manager("DELETE", f"/api/v1/energy-records/{record['id']}").status_code == 204
    assert manager("GET", f"/api/v1/energy-records/{record['id']}").status_code == 404


BAD_RECORDS = [
    ("kwh", {"kwh": 1e300}),
    ("kwh", {"kwh": -1}),
    ("kwh", {"kwh": [1]}),
    ("year", {"year": 10**30}),
    ("carrier", {"carrier": "x" * 100_000}),
    ("area_m2", {"area_m2": 0.001}),  # would be stored as 0 m²
    ("dju", {"dju": 0.01, "dju_mean": 2000}),
    ("building_id", {"building_id": 999_999}),
]


@pytest.mark.parametrize(("field", "change"), BAD_RECORDS, ids=[f"{f}-{i}" for i, (f, _c) in enumerate(BAD_RECORDS)])
def test_bad_energy_record_is_422_naming_the_field(manager, building, field, change):
    body = {"building_id": building.id, "year": 2024, "carrier": "electricity", "kwh": 1000, **change}
    response = manager("POST", "/api/v1/energy-records", body)
    assert response.status_code == 422 and field in fields(response)
    assert manager("GET", "/api/v1/energy-records").get_json()["total"] == 0


def test_energy_writes_follow_the_permissions(client, token_for, building):
    body = {"building_id": building.id, "year": 2024, "carrier": "electricity", "kwh": 1000}
    for role in ("architect", "director", "admin"):
        assert client.post("/api/v1/energy-records", headers=bearer(token_for(role)), json=body).status_code == 403
