"""The retrofit plan of an envelope from the database: targets from the energy records, candidates and caps from
the works area; the page, the API and "apply as proposed operations".

Worked example (weights 1: gas and electricity; the 2030 target is Créf × (1 − 40 %)):
- building A, 1,000 m²: gas 200,000 kWh in 2019 (the reference: 200 kWh/m²), 180,000 kWh in 2025 (180).
  Target 120 kWh/m²: 60,000 kWh to save. Candidates: A1 saves 70,000 kWh of gas for 50,000 € (one year), A2
  saves 40,000 kWh for 30,000 € (too little alone, and A1 + A2 costs more than A1).
- building B, 1,200 m²: electricity 150,000 kWh in 2019 and in 2025 (125 kWh/m²). Target 75: 60,000 kWh to
  save. Candidate B1 saves 60,000 kWh for 90,000 € over two years (45,000 € a year).
- building C has a candidate but no consumption, building D (800 m²) is not subject to the Décret tertiaire:
  no target, listed apart.

Caps 100,000 € in 2027 and 2028, with an operation already taking 20,000 € of 2028: A1 in 2027 and B1 in
2027–2028 fit (2027: 95,000 €; 2028: 45,000 of 80,000 €). The plan costs 140,000 €; A goes to 110 kWh/m²,
B to exactly 75.

With caps of 60,000 € (2027) and 70,000 € (2028, 50,000 € left): B1's 45,000 € a year and A1's 50,000 €
never fit together, so one building only, the cheaper: A (50,000 €). B is left out by the caps, 50 kWh/m²
above its target. To reach both: A1 in 2027 beside B1 asks 95,000 € in 2027 (35,000 € more than the cap),
A1 in 2028 asks 95,000 € in 2028 (45,000 € more than is left): the least extra cap is 35,000 € in 2027.
"""

from __future__ import annotations

import pytest

from tests.conftest import bearer, page_text


@pytest.fixture
def plan_case(db, seeded, factory):
    """Buildings A, B, C, their candidates and an envelope capped 100,000 € in 2027 and 2028."""
    from facilities.energy import services as energy
    from facilities.works import retrofit, rules
    from facilities.works import services as works

    a = factory.building(gross_floor_area_m2="1000", name="Bâtiment A")
    b = factory.building(gross_floor_area_m2="1200", name="Bâtiment B")
    c = factory.building(gross_floor_area_m2="1500", name="Bâtiment C")
    d = factory.building(gross_floor_area_m2="800", name="Bâtiment D")
    for building, carrier, kwh_2019, kwh_2025 in ((a, "natural_gas", 200_000, 180_000),
                                                   (b, "electricity", 150_000, 150_000),
                                                   (d, "electricity", 100_000, 100_000)):
        for year, kwh in ((2019, kwh_2019), (2025, kwh_2025)):
            energy.record_consumption(building, energy.clean_entry(
                building, {"year": year, "carrier": carrier, "kwh": str(kwh)}))
    envelope = works.create_envelope(rules.clean_envelope({
        "label": "Décret tertiaire 2030", "caps": {"2027": "100000", "2028": "100000"}}))
    works.create_operation(rules.clean_operation({
        "label": "Déjà programmée", "envelope_id": envelope.id, "nature": "renovation", "ap_eur": "20000",
        "start": "2028-01-01", "duration_months": 12, "ap_voted_on": "2026-11-01", "ap_reason": "Initial"}))
    ids = {}
    for name, building, cost, carrier, kwh, years in (
            ("A1", a, "50000", "natural_gas", 70_000, 1), ("A2", a, "30000", "natural_gas", 40_000, 1),
            ("B1", b, "90000", "electricity", 60_000, 2), ("C1", c, "10000", "electricity", 5_000, 1),
            ("D1", d, "10000", "electricity", 5_000, 1)):
        ids[name] = retrofit.create_candidate(envelope.id, retrofit.clean_candidate({
            "label": name, "building_id": building.id, "cost_eur": cost, "earliest_start_year": 2027,
            "duration_years": years, "illustrative": name == "A1", f"savings_{carrier}": kwh})).id
    db.session.commit()
    return {"envelope": envelope, "a": a, "b": b, "c": c, "d": d, "candidates": ids}


def _plan(client, envelope_id, body=None, token=None):
    return client.post(f"/api/v1/envelopes/{envelope_id}/retrofit-plan", json=body if body is not None else {},
                       headers=bearer(token))


def test_api_plan_with_hand_figures(client, token_for, plan_case):
    case = plan_case
    response = _plan(client, case["envelope"].id, {"first_year": 2027}, token_for("director"))
    assert response.status_code == 200, response.get_json()
    plan = response.get_json()
    assert plan["status"] == "optimal" and plan["gap"] == 0 and plan["solver"].startswith("HiGHS")
    assert plan["target_year"] == 2030 and plan["first_year"] == 2027
    chosen = {op["label"]: (op["start_year"], op["end_year"], op["cost_eur"]) for op in plan["operations"]}
    assert chosen == {"A1": (2027, 2027, "50000.00"), "B1": (2027, 2028, "90000.00")}
    assert plan["total_cost_eur"] == "140000.00"
    assert plan["cost_by_year"] == {"2027": "95000.00", "2028": "45000.00", "2029": "0.00"}
    assert plan["available_by_year"] == {"2027": "100000.00", "2028": "80000.00", "2029": "0.00"}
    buildings = {b["building_id"]: b for b in plan["buildings"]}
    a, b = buildings[case["a"].id], buildings[case["b"].id]
    assert (a["before_kwh_m2"], a["projected_kwh_m2"], a["target_kwh_m2"], a["status"]) == (180, 110, 120, "reached")
    assert (b["before_kwh_m2"], b["projected_kwh_m2"], b["target_kwh_m2"], b["status"]) == (125, 75, 75, "reached")
    assert plan["unreachable"] == [] and plan["extra_cap_by_year"] == {} and plan["extra_cap_status"] == "none_needed"
    assert plan["excluded"] == [{"building_id": case["c"].id, "code": case["c"].code, "reason": "no_consumption"},
                                {"building_id": case["d"].id, "code": case["d"].code, "reason": "not_subject"}]
    assert [op["illustrative"] for op in plan["operations"] if op["label"] == "A1"] == [True]


def test_api_tight_caps_name_the_unreachable_building_and_the_extra_cap(client, token_for, plan_case, db):
    from facilities.works import rules, services

    envelope = plan_case["envelope"]
    services.update_envelope(envelope, rules.clean_envelope({"label": envelope.label,
                                                             "caps": {"2027": "60000", "2028": "70000"}}))
    db.session.commit()
    plan = _plan(client, envelope.id, {"first_year": 2027}, token_for("director")).get_json()
    assert [op["label"] for op in plan["operations"]] == ["A1"] and plan["total_cost_eur"] == "50000.00"
    assert plan["unreachable"] == [{"building_id": plan_case["b"].id, "code": plan_case["b"].code,
                                    "gap_kwh_m2": 50, "reason": "budget"}]
    # B1 takes 45,000 € in 2027 and in 2028 (50,000 € left): A1 fits nowhere beside it; 35,000 € more in 2027
    # (A1 then) is the least extra money.
    assert plan["extra_cap_by_year"] == {"2027": "35000.00"} and plan["extra_cap_status"] == "found"
    assert plan["extra_cap_reaches"] == [plan_case["b"].id]


def test_api_bad_options_refused(client, token_for, plan_case):
    token = token_for("director")
    envelope_id = plan_case["envelope"].id
    response = _plan(client, envelope_id, {"first_year": 2030}, token)
    assert response.status_code == 422
    assert [error["field"] for error in response.get_json()["errors"]] == ["first_year"]
    assert _plan(client, envelope_id, {"time_limit_s": 60}, token).status_code == 422
    assert _plan(client, envelope_id, {"cost": 1}, token).status_code == 422
    assert _plan(client, 999_999, {}, token).status_code == 404


def test_page_shows_the_plan_and_applies_it(client_as, plan_case, db):
    from facilities.works.models import Operation

    envelope = plan_case["envelope"]
    client = client_as("facilities_manager")
    detail = client.get(f"/envelopes/{envelope.id}").get_data(as_text=True)
    assert f"/envelopes/{envelope.id}/retrofit-plan" in detail  # the energy area's button on the works page
    page = client.get(f"/envelopes/{envelope.id}/retrofit-plan?first_year=2027")
    text = page_text(page)
    assert page.status_code == 200
    assert "140\u202f000\u00a0€" in text and 'id="apply"' in text and 'id="illustrative-note"' in text
    assert client.get(f"/envelopes/{envelope.id}/retrofit-plan?first_year=2031").status_code == 422

    response = client.post(f"/envelopes/{envelope.id}/retrofit-plan/apply",
                           data={"target_year": "2030", "first_year": "2027"})
    assert response.status_code == 302
    created = {op.label: op for op in db.session.query(Operation).filter(Operation.envelope_id == envelope.id)
               if op.label in ("A1", "B1")}
    assert set(created) == {"A1", "B1"}
    b1 = created["B1"]
    assert (b1.status, b1.nature, b1.current_ap_cents, b1.cp_by_year) == (
        "proposed", "energy_retrofit", 9_000_000, {2027: 4_500_000, 2028: 4_500_000})
    assert [(s.carrier, s.kwh_per_year) for s in b1.savings] == [("electricity", 60_000)]
    assert created["A1"].illustrative and created["A1"].start.isoformat() == "2027-01-01"

    # Planned now, their savings count: the plan has nothing left to do, and no money to spend.
    again = client.get(f"/envelopes/{envelope.id}/retrofit-plan?first_year=2027")
    assert 'id="apply"' not in again.get_data(as_text=True)


def test_readers_see_the_plan_but_cannot_apply(client_as, plan_case):
    envelope = plan_case["envelope"]
    client = client_as("director")
    page = client.get(f"/envelopes/{envelope.id}/retrofit-plan?first_year=2027")
    assert page.status_code == 200 and 'id="apply"' not in page.get_data(as_text=True)
    assert client.post(f"/envelopes/{envelope.id}/retrofit-plan/apply",
                       data={"target_year": "2030", "first_year": "2027"}).status_code == 403


def test_demo_has_illustrative_candidates_for_the_off_track_buildings(demo, db):
    from facilities.energy.portfolio import portfolio_standings
    from facilities.energy.retrofit_demo import ENVELOPE
    from facilities.energy.tertiaire import OFF_TRACK
    from facilities.works.models import Envelope
    from facilities.works.retrofit_models import RetrofitCandidate

    envelope = db.session.query(Envelope).filter(Envelope.label == ENVELOPE).one()
    candidates = db.session.query(RetrofitCandidate).filter(RetrofitCandidate.envelope_id == envelope.id).all()
    off_track = {s.building_id for s in portfolio_standings() if s.status == OFF_TRACK}
    assert candidates and {c.building_id for c in candidates} == off_track
    assert all(c.illustrative and "illustratif" in c.label and c.note for c in candidates)
