"""The demo loads and each main page answers for a signed-in director."""

from tests.conftest import bearer


def test_pages_answer_for_a_director(client_as, demo, db):
    from facilities.inventory.models import Building, Floor, Site

    client = client_as("director")
    site = db.session.query(Site).filter_by(code="PS-ASN").one()
    building = db.session.query(Building).filter_by(code="PS-ASN-B1").one()
    floor = db.session.query(Floor).filter_by(building_id=building.id, level=0).one()
    for url in ["/sites", f"/sites/{site.id}", f"/buildings/{building.id}", f"/floors/{floor.id}", "/account"]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:2000])


def test_api_building_inventory(token_for, client, demo, db):
    from facilities.inventory.models import Building

    building = db.session.query(Building).filter_by(code="PS-ASN-B1").one()
    response = client.get(f"/api/v1/buildings/{building.id}", headers=bearer(token_for("director")))
    assert response.status_code == 200
    assert response.json["inventory"] == {
        "floors": 7, "public_floors": 2, "interview_offices": 10, "medical_cabinets": 4, "digital_spaces": 2,
        "public_pcs": 4, "mediation_spaces": 3, "workstations": 96,
    }
    assert response.json["cost_eur"] == "11320000.00"
    assert response.json["opened_on"] == "2023-05-16"
