"""The projection after the retrofit works on the energy tab and in the API, from works operations in the database.

The figures are the worked example of test_projection.py: 2,000 m², reference 2020 at 170.5 kWh/m²,
latest year 2024 at (300,000 × 0.77 + 100,000) / 2,000 = 165.5 kWh/m²; a retrofit received in 2025 saving
100,000 kWh of district heating → 2026 at (200,000 × 0.77 + 100,000) / 2,000 = 127 kWh/m², on track against
the path (129.58), 24.7 kWh/m² above the 2030 target (102.3).
"""

from __future__ import annotations

import pytest

from tests.conftest import bearer, french, page_text


@pytest.fixture
def retrofit_building(db, seeded, factory):
    """A 2,000 m² building with 2020 and 2024 consumption, a received retrofit and a planned one."""
    from facilities.energy import services as energy
    from facilities.works import rules
    from facilities.works import services as works

    building = factory.building(gross_floor_area_m2="2000")
    for year, heat, power in ((2020, "300000", "110000"), (2024, "300000", "100000")):
        for carrier, kwh in (("district_heating", heat), ("electricity", power)):
            energy.record_consumption(building, energy.clean_entry(
                building, {"year": year, "carrier": carrier, "kwh": kwh}))
    envelope = works.create_envelope(rules.clean_envelope({
        "label": "Rénovation énergétique", "category": "Énergie",
        "caps": {str(y): "1000000" for y in range(2024, 2029)}}))
    received = works.create_operation(rules.clean_operation({
        "label": "Raccordement et isolation", "envelope_id": envelope.id, "nature": "energy_retrofit",
        "ap_eur": "500000", "start": "2024-01-01", "duration_months": 24, "site_id": building.site_id,
        "building_id": building.id, "phases": "DET 2024-01-01 2025-10-31 95\nAOR 2025-11-01 2025-12-31 5",
        "ap_voted_on": "2023-12-01", "ap_reason": "Initial"}))
    works.update_operation(received, {"status": "received"})
    works.set_saving(received, {"carrier": "district_heating", "kwh_per_year": 100_000})
    planned = works.create_operation(rules.clean_operation({
        "label": "Remplacement des menuiseries", "envelope_id": envelope.id, "nature": "energy_retrofit",
        "ap_eur": "300000", "start": "2026-01-01", "duration_months": 18, "building_id": building.id,
        "ap_voted_on": "2025-12-01", "ap_reason": "Initial", "status": "voted"}))
    works.set_saving(planned, {"carrier": "electricity", "kwh_per_year": 10_000})
    works.create_scenario(envelope, "Variante")  # its copies are a plan: never listed
    db.session.commit()
    return building


def test_api_projection_worked_example(client, token_for, retrofit_building):
    body = client.get(f"/api/v1/buildings/{retrofit_building.id}/energy",
                      headers=bearer(token_for("director"))).get_json()
    assert body["years"][-1]["tertiaire_kwh_m2"] == 165.5  # the existing fields are unchanged
    projection = body["projection"]
    assert (projection["base_year"], projection["year"]) == (2024, 2026)  # réception 2025 (AOR phase)
    assert projection["base_tertiaire_kwh_m2"] == 165.5 and projection["tertiaire_kwh_m2"] == 127.0
    assert projection["status"] == "on_track" and projection["path_kwh_m2"] == 129.58
    assert (projection["target_year"], projection["gap_to_target_kwh_m2"]) == (2030, 24.7)
    roles = [(o["label"], o["role"], o["reception_year"]) for o in projection["operations"]]
    assert roles == [("Raccordement et isolation", "counted", 2025),
                     ("Remplacement des menuiseries", "planned", 2027)]  # 2026-01 + 18 months → mid-2027


def test_energy_tab_in_french(client_as, retrofit_building):
    page = client_as("director").get(f"/buildings/{retrofit_building.id}/energy")
    assert page.status_code == 200
    text = page_text(page)
    assert 'id="projection"' in text and french("Projected after the retrofit works") in text
    summary = text[text.index('id="projection-summary"'):]
    summary = summary[:summary.index("</p>")]
    assert "127,0" in summary and "165,5" in summary and "2026" in summary
    assert french("on track") in summary and "24,7" in summary and "2030" in summary
    assert 'data-role="counted"' in text and 'data-role="planned"' in text
    assert french("planned savings (not yet received)") in text
    assert "Raccordement et isolation" in text and "Remplacement des menuiseries" in text
    assert text.count("Raccordement et isolation") == 1  # the scenario's copy is not listed
    assert 'id="projected-row"' in text  # the indicators table carries the projected year too
    # The chart: the projected point has its own legend entry, and its figures are in the text beside it.
    assert f"{french('Projected after the retrofit works')} (2026)" in text
    caption = text[text.index("<figcaption"):text.index("</figcaption>")]
    assert "127,0" in caption


def test_energy_tab_in_english(client_as, retrofit_building):
    client = client_as("director")
    client.set_cookie("lang", "en")
    text = page_text(client.get(f"/buildings/{retrofit_building.id}/energy"))
    assert "Projected after the retrofit works" in text and "127.0" in text
    assert "planned savings (not yet received)" in text


def test_building_without_operations_shows_no_section(client_as, client, token_for, db, seeded, factory):
    from facilities.energy import services as energy

    building = factory.building(gross_floor_area_m2="2000")
    energy.record_consumption(building, energy.clean_entry(
        building, {"year": 2020, "carrier": "electricity", "kwh": "100000"}))
    db.session.commit()
    text = page_text(client_as("director").get(f"/buildings/{building.id}/energy"))
    assert 'id="projection"' not in text and 'id="projected-row"' not in text
    assert french("Projected after the retrofit works") not in text
    body = client.get(f"/api/v1/buildings/{building.id}/energy", headers=bearer(token_for("director"))).get_json()
    assert body["projection"] is None


def test_projection_query_count_does_not_grow_with_operations(db, retrofit_building):
    from facilities.energy import services as energy
    from facilities.works import services as works
    from facilities.works.models import Envelope
    from tests.conftest import count_queries

    energy.forget_reference_data()
    with count_queries(db) as few:
        energy.building_report(retrofit_building.id)
    envelope = db.session.query(Envelope).filter_by(label="Rénovation énergétique", scenario_of_id=None).one()
    for n in range(3):
        op = works.create_operation({"label": f"Op {n}", "envelope_id": envelope.id, "nature": "energy_retrofit",
                                     "ap_cents": 100, "start": __import__("datetime").date(2027, 1, 1),
                                     "duration_months": 3, "building_id": retrofit_building.id})
        works.set_saving(op, {"carrier": "electricity", "kwh_per_year": 1000})
    db.session.commit()
    energy.forget_reference_data()
    with count_queries(db) as many:
        energy.building_report(retrofit_building.id)
    assert len(many) == len(few)


def test_chart_projected_point_is_drawn_and_cached_apart():
    from facilities.energy import charts

    plain = charts.trajectory_svg({2020: 170.5, 2024: 165.5}, {}, {2030: 102.3}, reference=(2020, 170.5))
    projected = charts.trajectory_svg({2020: 170.5, 2024: 165.5}, {}, {2030: 102.3}, reference=(2020, 170.5),
                                      projected=(2026, 127.0), labels={"projected": "Projeté"})
    assert "Projeté (2026)" in projected and "Projeté" not in plain
    other = charts.trajectory_svg({2020: 170.5, 2024: 165.5}, {}, {2030: 102.3}, reference=(2020, 170.5),
                                  projected=(2026, 140.0), labels={"projected": "Projeté"})
    assert ">140<" in other and ">127<" in projected  # another projection is another drawing


def test_demo_has_an_illustrative_received_retrofit(client_as, energy_demo, building_id):
    from facilities.works.models import Operation

    retrofit = Operation.query.filter_by(nature="energy_retrofit").one()
    assert retrofit.illustrative and retrofit.status == "received" and "illustratifs" in retrofit.note
    assert {s.carrier: s.kwh_per_year for s in retrofit.savings} == {"natural_gas": 100_000}
    text = page_text(client_as("director").get(f"/buildings/{building_id('PS-CHM-B1')}/energy"))
    assert 'id="projection"' in text and 'data-role="counted"' in text and french("illustrative") in text
    assert 'id="projection"' not in page_text(client_as("director").get(
        f"/buildings/{building_id('PS-CLI-B1')}/energy"))  # received works, but no energy retrofit
