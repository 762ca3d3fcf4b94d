"""The energy API on the demo data, and the energy pages by role."""


from sqlalchemy import select

from facilities.energy.models import BuildingEnergySettings, EnergyConsumption
from tests.conftest import bearer, french, page_text


def rule_message(label: str, error: str, **variables) -> str:
    """A message of the rule engine as the page shows it by default (French): the field's label, then the fault."""
    return french("%(field)s %(problem)s", field=french(label), problem=french(error, **variables))


def test_api_shape_on_demo_data(client, token_for, energy_demo, building_id):
    response = client.get(f"/api/v1/buildings/{building_id('PS-CLI-B1')}/energy",
                          headers=bearer(token_for("director")))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= {"scale", "years", "tertiaire"}
    assert body["scale"] == "tertiary_office"
    assert [y["year"] for y in body["years"]] == list(range(2018, 2026))
    first = body["years"][0]
    assert set(first) >= {"year", "area_m2", "final_kwh_m2", "primary_kwh_m2", "ghg_kg_m2", "dpe_class",
                          "tertiaire_kwh_m2", "by_carrier"}
    # 2018, 1,250 m²: gas 190,000 + electricity 60,000 kWh.
    # final 250,000 / 1,250 = 200; primary (190,000 + 60,000 × 2.3) / 1,250 = 328,000 / 1,250 = 262.4 → D;
    # GHG (190,000 × 0.227 + 60,000 × 0.079) / 1,250 = (43,130 + 4,740) / 1,250 = 38.296 → 38.3.
    assert first["area_m2"] == 1250.0
    assert first["final_kwh_m2"] == 200.0
    assert first["primary_kwh_m2"] == 262.4
    assert first["ghg_kg_m2"] == 38.3
    assert first["dpe_class"] == "D"
    assert first["tertiaire_kwh_m2"] == 200.0
    assert first["by_carrier"] == {"electricity": 60000.0, "natural_gas": 190000.0}
    tertiaire = body["tertiaire"]
    assert set(tertiaire) >= {"subject", "reference_year", "reference_kwh_m2", "targets", "status"}
    # Decreasing series: the highest year of the window is the first, 2018 at 200 kWh/m² → 120 / 100 / 80.
    assert tertiaire["subject"] is True
    assert tertiaire["reference_year"] == 2018 and tertiaire["reference_kwh_m2"] == 200.0
    assert tertiaire["targets"] == {"2030": 120.0, "2040": 100.0, "2050": 80.0}
    assert tertiaire["status"] == "on_track"


def test_api_continuous_scale_and_off_track(client, token_for, energy_demo, building_id):
    body = client.get(f"/api/v1/buildings/{building_id('FOY-RUE-B1')}/energy",
                      headers=bearer(token_for("director"))).get_json()
    assert body["scale"] == "tertiary_continuous"
    assert body["tertiaire"]["status"] == "off_track"


def test_api_asnieres_is_a_good_class(client, token_for, energy_demo, building_id):
    body = client.get(f"/api/v1/buildings/{building_id('PS-ASN-B1')}/energy",
                      headers=bearer(token_for("director"))).get_json()
    assert [y["year"] for y in body["years"]] == [2023, 2024, 2025]
    assert {y["dpe_class"] for y in body["years"]} <= {"A", "B"}


def test_api_needs_a_token(client, energy_demo):
    assert client.get("/api/v1/buildings/1/energy").status_code == 401


def test_api_unknown_building_is_404(client, token_for, energy_demo):
    assert client.get("/api/v1/buildings/999999/energy", headers=bearer(token_for("director"))).status_code == 404


def test_pages_answer_for_a_director(client_as, energy_demo, building_id):
    director = client_as("director")
    bid = building_id("PS-CLI-B1")
    page = director.get(f"/buildings/{bid}/energy")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and 'role="img"' in html  # the trajectory chart, inline
    assert "indicators-table" in html and "Électricité × 2,3" in html  # the factor used is shown, in French
    assert 'id="entry"' not in html  # no entry form for a reader
    building_page = director.get(f"/buildings/{bid}").get_data(as_text=True)
    assert 'id="energy-panel"' in building_page and 'data-dpe="C"' in building_page
    assert director.get("/energy").status_code == 200


def test_forms_are_refused_to_director_and_architect(client_as, energy_demo, building_id, db):
    bid = building_id("PS-CLI-B1")
    before = db.session.query(EnergyConsumption).count()
    for role in ("director", "architect"):
        user = client_as(role)
        data = {"year": "2025", "carrier": "wood", "kwh": "10"}
        assert user.post(f"/buildings/{bid}/energy/consumption", data=data).status_code == 403
        assert user.post(f"/buildings/{bid}/energy/settings", data={"scale_code": "residential"}).status_code == 403
        assert user.get("/energy/import").status_code == 403
        assert user.get("/energy/reference").status_code == 403
    assert db.session.query(EnergyConsumption).count() == before


def test_facilities_manager_enters_a_year(client_as, energy_demo, building_id, db):
    manager = client_as("facilities_manager")
    bid = building_id("PS-CLI-B1")
    assert 'id="entry"' in manager.get(f"/buildings/{bid}/energy").get_data(as_text=True)
    response = manager.post(f"/buildings/{bid}/energy/consumption",
                            data={"year": "2025", "carrier": "wood", "kwh": "12 000", "source": "invoice"})
    assert response.status_code == 302
    record = db.session.execute(select(EnergyConsumption).where(
        EnergyConsumption.building_id == bid, EnergyConsumption.carrier == "wood")).scalar_one()
    assert (record.year, int(record.kwh), record.source) == (2025, 12000, "invoice")


def test_bad_entry_is_422_with_message_and_nothing_saved(client_as, energy_demo, building_id, db):
    manager = client_as("facilities_manager")
    bid = building_id("PS-CLI-B1")
    before = db.session.query(EnergyConsumption).count()
    response = manager.post(f"/buildings/{bid}/energy/consumption",
                            data={"year": "2025", "carrier": "electricity", "kwh": "-3"})
    assert response.status_code == 422
    assert rule_message("Consumption (kWh final)", "must be at least %(n)s%(unit)s", n="0", unit=" kWh") in page_text(
        response)
    response = manager.post(f"/buildings/{bid}/energy/consumption",
                            data={"year": "1990", "carrier": "electricity", "kwh": "3"})
    assert response.status_code == 422 and rule_message("Year", "must be at least %(n)s%(unit)s", n="2000",
                                                        unit="") in page_text(response)
    assert db.session.query(EnergyConsumption).count() == before


def test_settings_form(client_as, energy_demo, building_id, db):
    manager = client_as("facilities_manager")
    bid = building_id("PS-CLI-B1")
    refused = manager.post(f"/buildings/{bid}/energy/settings",
                           data={"scale_code": "tertiary_other", "reference_year": "2009"})
    assert refused.status_code == 422
    assert french("The reference year must be between %(first)s and %(last)s.", first=2010, last=2022) in page_text(
        refused)
    assert db.session.get(BuildingEnergySettings, bid) is None
    saved = manager.post(f"/buildings/{bid}/energy/settings",
                         data={"scale_code": "tertiary_other", "reference_year": "2019", "cabs_kwh_m2": "95"})
    assert saved.status_code == 302
    settings = db.session.get(BuildingEnergySettings, bid)
    assert (settings.scale_code, settings.reference_year, int(settings.cabs_kwh_m2)) == ("tertiary_other", 2019, 95)


def test_web_import_all_or_nothing(client_as, energy_demo, db):
    import io

    manager = client_as("facilities_manager")
    before = db.session.query(EnergyConsumption).count()
    bad = b"building_code,year,carrier,kwh\nPS-CLI-B1,2025,wood,100\nNOPE-B1,2025,wood,100\n"
    response = manager.post("/energy/import", data={"file": (io.BytesIO(bad), "c.csv")},
                            content_type="multipart/form-data")
    html = page_text(response)
    assert response.status_code == 422
    # The line's own message names the code, in the user's language.
    assert french("unknown building code %(value)s", value="'NOPE-B1'") in html
    assert french("Nothing was written: correct the refused lines and import the file again.") in html
    assert db.session.query(EnergyConsumption).count() == before
    good = b"building_code,year,carrier,kwh\nPS-CLI-B1,2025,wood,100\nPS-CLI-B1,2025,electricity,100\n"
    response = manager.post("/energy/import", data={"file": (io.BytesIO(good), "c.csv")},
                            content_type="multipart/form-data")
    assert response.status_code == 200
    assert french("%(c)s created, %(r)s replaced, %(x)s refused.", c=1, r=1, x=0) in page_text(response)
    assert db.session.query(EnergyConsumption).count() == before + 1


def test_missing_reference_rows_answer_503_with_the_fix_not_500(client_as, token_for, factory, db):
    """A database migrated but never seeded: the energy tab, its PDF and the API say how to load the tables."""
    from facilities.energy.services import record_consumption

    building = factory.building(floors=1)
    record_consumption(building, {"year": 2024, "carrier": "electricity", "kwh": 50_000, "source": "invoice"})
    db.session.commit()
    client = client_as("facilities_manager")
    for url in (f"/buildings/{building.id}/energy", f"/buildings/{building.id}/energy.pdf"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert "seed-reference" in response.get_data(as_text=True), url
    api = client.get(f"/api/v1/buildings/{building.id}/energy",
                     headers={"Authorization": f"Bearer {token_for('director')}"})
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert "seed-reference" in api.get_data(as_text=True)


def test_web_import_speaks_the_users_language(client_as, energy_demo, db):
    """Line and file errors on the import page: French by default, English for an English user."""
    import io

    manager = client_as("facilities_manager")
    bad = b"building_code,year,carrier,kwh\nPS-CLI-B1,1999,wood,-1\nPS-CLI-B1,2025,coal,abc\nPS-CLI-B1,2025\n"
    html = page_text(manager.post("/energy/import", data={"file": (io.BytesIO(bad), "c.csv")},
                                  content_type="multipart/form-data"))
    for expected in (
        rule_message("Year", "must be at least %(n)s%(unit)s", n="2000", unit=""),
        rule_message("Consumption (kWh final)", "must be at least %(n)s%(unit)s", n="0", unit=" kWh"),
        rule_message("Consumption (kWh final)", "must be a number"),
        french("expected %(expected)s fields (%(columns)s), got %(count)s", expected=4,
               columns="building_code,year,carrier,kwh", count=2),
    ):
        assert expected in html
    assert "must be" not in html and "expected 4 fields" not in html
    header = b"building_code,year,kwh,price\nPS-CLI-B1,2025,1,2\n"
    html = page_text(manager.post("/energy/import", data={"file": (io.BytesIO(header), "c.csv")},
                                  content_type="multipart/form-data"))
    assert french("missing column(s): %(columns)s", columns="carrier") in html
    assert french("unknown column(s): %(columns)s", columns="'price'") in html
    manager.set_cookie("lang", "en")
    html = page_text(manager.post("/energy/import", data={"file": (io.BytesIO(bad), "c.csv")},
                                  content_type="multipart/form-data"))
    assert "Consumption (kWh final) must be a number" in html
    assert "expected 4 fields (building_code,year,carrier,kwh)" in html


def test_api_entry_errors_in_the_users_language(client, token_for, energy_demo, building_id):
    body = {"building_id": building_id("PS-CLI-B1"), "year": 2025, "carrier": "wood", "kwh": "10", "dju": "2000"}
    response = client.post("/api/v1/energy-records", headers=bearer(token_for("facilities_manager")), json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert [(e["field"], e["message"]) for e in errors] == [("dju_mean", french("give both dju and dju_mean, or neither"))]


def test_reference_year_sentence_in_french_and_english(client_as, energy_demo, building_id):
    # Asnières opened in 2023: no year in 2010–2022, so 2023 (the first complete year reported) is the reference.
    director = client_as("director")
    bid = building_id("PS-ASN-B1")
    french_page = page_text(director.get(f"/buildings/{bid}/energy"))
    assert french("Reference year %(year)s: no complete year in %(first)s–%(last)s, so the first complete year "
                  "reported.", year=2023, first=2010, last=2022) in french_page
    assert "Année de référence 2023 : aucune année complète en 2010–2022" in french_page
    director.post("/language", data={"lang": "en", "next": "/sites"})
    english_page = page_text(director.get(f"/buildings/{bid}/energy"))
    assert "Reference year 2023: no complete year in 2010–2022, so the first complete year reported." in english_page
    assert "Reference area:" in english_page


def test_reference_sentence_says_basis_and_provisional_date(app):
    from flask_babel import force_locale

    from facilities.energy.views import reference_sentence

    base = {"reference_year": 2019, "reference_window": [2010, 2022], "reference_chosen_by": "highest",
            "reference_basis": "climate_adjusted", "reference_compared_kwh_m2": 192.86, "reference_kwh_m2": 180.0,
            "reference_area_m2": 1000.0, "reference_provisional": False, "reference_provisional_until": None}
    with app.test_request_context(), force_locale("en"):
        assert reference_sentence(base) == (
            "Reference year 2019: highest consumption in 2010–2022, compared on the climate-adjusted estimates "
            "(192.9 kWh/m² adjusted, 180.0 recorded). Reference area: 1,000 m².")
        fallback = {**base, "reference_year": 2024, "reference_chosen_by": "first_full_year",
                    "reference_provisional": True, "reference_provisional_until": "2027-09-30"}
        assert "Provisional until September 30, 2027" in reference_sentence(fallback)
    with app.test_request_context(), force_locale("fr"):
        assert "Provisoire jusqu’au 30 septembre 2027" in reference_sentence(fallback)
        assert reference_sentence({**base, "reference_year": None}) is None


def test_todays_dpe_in_the_api_and_on_the_page(client, client_as, token_for, energy_demo, building_id):
    from datetime import date

    from facilities.energy.dpe_current import last_complete_years

    bid = building_id("PS-CLI-B1")  # consumption recorded 2018–2025
    body = client.get(f"/api/v1/buildings/{bid}/energy", headers=bearer(token_for("director"))).get_json()
    current = body["dpe_current"]
    today = date.today()
    assert current["factors_date"] == today.isoformat()
    assert current["years"] == [y for y in last_complete_years(today) if 2018 <= y <= 2025]
    assert current["dpe_class"] in set("ABCDEFG")
    assert body["years"][-1]["factors_date"] == "2025-12-31"  # each year as labelled at the time
    director = client_as("director")
    french_page = page_text(director.get(f"/buildings/{bid}/energy"))
    assert 'id="dpe-current"' in french_page and "DPE d’aujourd’hui" in french_page
    assert "Chaque année telle qu’étiquetée à l’époque" in french_page
    director.post("/language", data={"lang": "en", "next": "/sites"})
    english_page = page_text(director.get(f"/buildings/{bid}/energy"))
    assert "Today's DPE" in english_page and "As a DPE made today: the average of" in english_page
    assert "Each year as labelled at the time: converted with the factors in force at the end of that year." in (
        english_page)
