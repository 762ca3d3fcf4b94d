"""Candidate retrofit operations: the page to list, add, edit and delete them; bad input refused, nothing saved."""

from __future__ import annotations

import pytest

from tests.conftest import french, page_text


@pytest.fixture
def building(factory):
    return factory.building(gross_floor_area_m2="1500")


def _form(building, **changes) -> dict:
    data = {"label": "Isolation des combles", "building_id": str(building.id), "cost_eur": "120 000,50",
            "earliest_start_year": "2027", "duration_years": "2", "savings_natural_gas": "40000",
            "savings_electricity": ""}
    data.update(changes)
    return data


def _candidates(db):
    from facilities.works.retrofit_models import RetrofitCandidate

    return db.session.query(RetrofitCandidate).all()


def test_create_list_edit_delete(client_as, envelope, building, db):
    client = client_as("facilities_manager")
    response = client.post(f"/envelopes/{envelope.id}/retrofit-candidates/new", data=_form(building))
    assert response.status_code == 302
    [candidate] = _candidates(db)
    assert (candidate.cost_cents, candidate.earliest_start_year, candidate.duration_years) == (12_000_050, 2027, 2)
    assert candidate.savings_by_carrier == {"natural_gas": 40_000}
    page = client.get(f"/envelopes/{envelope.id}/retrofit-candidates")
    text = page_text(page)
    assert page.status_code == 200 and "Isolation des combles" in text and "40\u202f000" in text
    assert f"/envelopes/{envelope.id}/retrofit-candidates" in client.get(f"/envelopes/{envelope.id}").get_data(
        as_text=True)

    edit = client.get(f"/retrofit-candidates/{candidate.id}/edit")
    assert edit.status_code == 200 and "120000.50" in edit.get_data(as_text=True)
    response = client.post(f"/retrofit-candidates/{candidate.id}/edit", data=_form(
        building, savings_natural_gas="0", savings_electricity="15000", duration_years="1"))
    assert response.status_code == 302
    db.session.expire_all()
    [candidate] = _candidates(db)
    assert candidate.savings_by_carrier == {"electricity": 15_000} and candidate.duration_years == 1

    assert client.post(f"/retrofit-candidates/{candidate.id}/delete", data={"confirm": "1"}).status_code == 302
    assert _candidates(db) == []


def _bound(label: str, message: str, **variables) -> str:
    return french("%(field)s %(problem)s", field=french(label), problem=french(message, **variables))


@pytest.mark.parametrize(("changes", "message"), [
    ({"cost_eur": ""}, lambda: french("%(field)s is required", field=french("Cost (€)"))),
    ({"cost_eur": "0"}, lambda: _bound("Cost (€)", "must be greater than %(n)s%(unit)s", n="0", unit=" €")),
    ({"savings_natural_gas": "", "savings_electricity": "0"}, lambda: french(
        "A candidate must save energy: give its expected savings (kWh/year) for at least one carrier.")),
    ({"savings_natural_gas": "-5"}, lambda: _bound("Natural gas", "must be at least %(n)s%(unit)s", n="0",
                                                   unit=" kWh")),
    ({"duration_years": "0"}, lambda: _bound("Duration (years)", "must be at least %(n)s%(unit)s", n="1", unit="")),
    ({"building_id": "999999"}, lambda: french("Building %(id)s does not exist", id=999999)),
])
def test_bad_input_refused_with_a_clear_message_nothing_saved(client_as, envelope, building, db, changes, message):
    client = client_as("facilities_manager")
    response = client.post(f"/envelopes/{envelope.id}/retrofit-candidates/new", data=_form(building, **changes))
    assert response.status_code == 422
    assert message() in page_text(response)
    assert _candidates(db) == []


def test_readers_see_the_list_but_cannot_edit(client_as, envelope, building):
    client = client_as("director")
    assert client.get(f"/envelopes/{envelope.id}/retrofit-candidates").status_code == 200
    assert client.get(f"/envelopes/{envelope.id}/retrofit-candidates/new").status_code == 403
    assert client.post(f"/envelopes/{envelope.id}/retrofit-candidates/new", data=_form(building)).status_code == 403


# ---------------------------------------------------------------- the API (same rules as the form)


def test_api_create_read_change_delete(client, token_for, envelope, building):
    from tests.conftest import bearer

    headers = bearer(token_for("facilities_manager"))
    body = {"label": "Pompe à chaleur", "building_id": building.id, "cost_eur": "85000.50",
            "earliest_start_year": 2027, "duration_years": 2, "savings_kwh": {"natural_gas": 30000}}
    created = client.post(f"/api/v1/envelopes/{envelope.id}/retrofit-candidates", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    item = created.get_json()
    assert (item["cost_eur"], item["savings_kwh"], item["illustrative"]) == ("85000.50", {"natural_gas": 30000}, False)
    listed = client.get(f"/api/v1/envelopes/{envelope.id}/retrofit-candidates", headers=headers).get_json()
    assert [c["id"] for c in listed["items"]] == [item["id"]]
    read = client.get(f"/api/v1/retrofit-candidates/{item['id']}", headers=headers)
    changed = client.patch(f"/api/v1/retrofit-candidates/{item['id']}", json={"savings_kwh": {"electricity": 9000}},
                           headers={**headers, "If-Match": read.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.get_json()["savings_kwh"] == {"electricity": 9000} and changed.get_json()["label"] == "Pompe à chaleur"
    stale = client.patch(f"/api/v1/retrofit-candidates/{item['id']}", json={"label": "x"},
                         headers={**headers, "If-Match": read.headers["ETag"]})
    assert stale.status_code == 412
    assert client.delete(f"/api/v1/retrofit-candidates/{item['id']}", headers=headers).status_code == 204


@pytest.mark.parametrize(("changes", "field"), [
    ({"cost_eur": "0"}, "cost_eur"), ({"cost_eur": None}, "cost_eur"), ({"savings_kwh": {}}, "savings"),
    ({"savings_kwh": {"natural_gas": 0}}, "savings"), ({"savings_kwh": {"coal": 5}}, "savings_kwh"),
])
def test_api_refuses_a_candidate_without_cost_or_savings(client, token_for, envelope, building, db, changes, field):
    from tests.conftest import bearer

    body = {"label": "Sans chiffres", "building_id": building.id, "cost_eur": "1000", "earliest_start_year": 2027,
            "duration_years": 1, "savings_kwh": {"natural_gas": 100}, **changes}
    response = client.post(f"/api/v1/envelopes/{envelope.id}/retrofit-candidates", json=body,
                           headers=bearer(token_for("facilities_manager")))
    assert response.status_code == 422
    assert field in [error["field"] for error in response.get_json()["errors"]]
    assert _candidates(db) == []
