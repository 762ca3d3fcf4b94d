"""OPERAT per EFA (issue 15, point 4): one row per EFA, figures with their units, the mapping in one place;
the declarations still to make and the days left before 30 September. Hand-computed figures."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

TODAY = date(2026, 6, 1)


@pytest.fixture
def mixed_site(factory, seeded, db):
    """A site with a mixed building M (1,400 m² gross: 900 m² of offices, 500 m² of staff housing) and a 600 m²
    office building O: 900 + 600 = 1,500 m² of tertiary area on the site, both subject (site total); one EFA."""
    from facilities.energy import efas, services

    site = factory.site(code="S-OP", name="Site mixte", address="2 rue B", postcode="92000", commune_code="92050")
    mixed = factory.building(site=site, code="M", name="Mixte", gross_floor_area_m2="1400", tertiary_area_m2="900",
                             housing_area_m2="500")
    office = factory.building(site=site, code="O", name="Bureaux", gross_floor_area_m2="600")
    for building, year, carrier, kwh in [
        (mixed, 2019, "natural_gas", "154000"), (office, 2019, "electricity", "66000"),
        (mixed, 2024, "natural_gas", "140000"), (office, 2024, "electricity", "60000"),
        (office, 2024, "district_heating", "10000")]:
        services.record_consumption(building, services.clean_entry(
            building, {"year": year, "carrier": carrier, "kwh": kwh}))
    first, second = efas.propose_efas([site.id])
    efas.merge_efas(first, [second])
    db.session.commit()
    return site, mixed, office, first


def test_one_row_per_efa_with_hand_computed_figures(mixed_site):
    from facilities.energy import operat

    text, count = operat.operat_csv(2024, today=TODAY)
    assert count == 1
    [row] = list(csv.DictReader(io.StringIO(text)))
    # 2024: M's 140,000 kWh of gas spread over 1,400 m² → its 900 m² tertiary part: 90,000 kWh;
    # O whole: 60,000 kWh electricity + 10,000 kWh district heating. Raw 160,000 kWh;
    # weighted 90,000 + 60,000 + 10,000 × 0.77 = 157,700 kWh; area 900 + 600 = 1,500 m².
    assert (row["buildings"], row["tertiary_area_m2"], row["kwh_final_natural_gas"], row["kwh_final_electricity"],
            row["kwh_final_district_heating"], row["kwh_final_total"], row["kwh_weighted_total"],
            row["year_status"]) == ("M O", "1500.00", "90000", "60000", "10000", "160000", "157700", "complete")
    # Reference 2019 (the only complete year in 2010–2022): 154,000 × 900 / 1,400 = 99,000 + 66,000 = 165,000 kWh
    # raw and weighted; 165,000 / 1,500 = 110 kWh/m².
    assert (row["reference_year"], row["reference_kwh_final_total"], row["reference_kwh_weighted_total"],
            row["reference_area_m2"], row["reference_kwh_weighted_per_m2"]) == (
        "2019", "165000", "165000", "1500.00", "110.00")
    assert (row["site_code"], row["address"], row["commune_insee_code"]) == ("S-OP", "2 rue B", "92050")


def test_xlsx_has_the_same_columns(mixed_site):
    from openpyxl import load_workbook

    from facilities.energy import operat

    data, count = operat.operat_xlsx(2024, today=TODAY)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == operat.HEADERS and count == 1
    assert dict(zip(rows[0], rows[1], strict=True))["kwh_weighted_total"] == "157700"


def test_pending_declarations_and_days_left(mixed_site, db):
    from facilities.energy import operat, services

    _site, mixed, office, efa = mixed_site
    # 1 June 2026: year 2025 is due by 30 September 2026, 121 days later (29 + 31 + 31 + 30); nothing recorded.
    year, deadline, pending = operat.pending_declarations(TODAY)
    assert (year, deadline, [(p.figures.efa.id, p.year.status, p.days_left) for p in pending]) == (
        2025, date(2026, 9, 30), [(efa.id, "missing", 121)])
    services.record_consumption(mixed, services.clean_entry(mixed, {"year": 2025, "carrier": "natural_gas",
                                                                     "kwh": "1"}))
    [p] = operat.pending_declarations(TODAY)[2]
    assert (p.year.status, p.year.missing_buildings) == ("incomplete", ("O",))
    services.record_consumption(office, services.clean_entry(office, {"year": 2025, "carrier": "electricity",
                                                                      "kwh": "1"}))
    assert operat.pending_declarations(TODAY)[2] == []
    # After the deadline the days left go negative: late.
    services.delete_consumption(office, services.consumption_records(office.id)[-1].id)
    [late] = operat.pending_declarations(date(2026, 10, 2))[2]
    assert late.days_left == -2


def test_pages_dashboard_home_and_download(client_as, mixed_site):
    client = client_as("director")
    client.set_cookie("lang", "en")
    dashboard = client.get("/energy").get_data(as_text=True)
    assert 'id="declaration"' in dashboard and "OPERAT declaration of" in dashboard
    assert "Mixte" in dashboard  # the EFA (its first building's name) has no consumption for last year
    home = client.get("/").get_data(as_text=True)
    assert 'id="home-operat"' in home and "OPERAT" in home
    response = client.get("/energy/operat/2024.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "kwh_weighted_total" in response.get_data(as_text=True)
    assert client.get("/energy/operat/2024.xlsx").status_code == 200
    assert client.get("/energy/operat/1990.csv").status_code == 404
    assert client.get("/energy/operat/2024.pdf").status_code == 404


def test_subject_buildings_in_no_efa_are_listed_and_proposed(client_as, factory, seeded, db):
    from facilities.energy import efas

    building = factory.building(code="ALONE", gross_floor_area_m2="1200")
    client = client_as("facilities_manager")
    client.set_cookie("lang", "en")
    assert "ALONE" in client.get("/energy").get_data(as_text=True)
    assert client.post("/energy/efas/propose").status_code == 302
    assert [p.building_id for e in efas.site_efas(building.site_id) for p in e.parts] == [building.id]
    assert efas.unassigned_subject_buildings() == []
