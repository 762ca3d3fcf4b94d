"""The PDF reports: fact sheet and inventory read back with pypdf."""

from __future__ import annotations

import io
import re

import pytest

from tests.reports.conftest import french, pdf_pages


def test_asnieres_fact_sheet_shows_the_published_figures_on_one_page(client_as, asnieres):
    response = client_as("director").get(f"/buildings/{asnieres.id}/fact-sheet.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert 'filename="fiche-PS-ASN-B1.pdf"' in response.headers["Content-Disposition"]
    pages = pdf_pages(response.data)
    assert len(pages) == 1
    text = pages[0]
    assert "Pôle social Asnières / Gennevilliers" in text
    assert "11 320 000 €" in text
    assert "4 rue Teddy Riner" in text
    assert "16 mai 2023" in text
    # Each key figure is printed above its label (French labels: the default language).
    for figure, label in [("7", "Niveaux"), ("10", "Bureaux d'entretien"), ("4", "Cabinets médicaux"),
                          ("96", "Postes de travail")]:
        assert re.search(rf"(?<!\d){figure} ?{label}", text), (figure, label, text)
    assert "page 1 / 1" in text.lower()
    assert "Source" in text  # provenance of the figures


def test_inventory_pdf_lists_the_floors_with_totals(client_as, asnieres):
    response = client_as("architect").get(f"/buildings/{asnieres.id}/inventory.pdf")
    assert response.status_code == 200
    assert 'filename="inventaire-PS-ASN-B1.pdf"' in response.headers["Content-Disposition"]
    text = " ".join(pdf_pages(response.data))
    for floor in asnieres.floors:
        assert floor.name in text
    building_total = re.escape(f"{french('Building total')} (7 {french('floors')})")
    assert re.search(building_total + r" 53 1 355 m² 10 4 4 96", text), text[:1500]
    assert text.count(french("Floor total")) == 7  # one total per floor


def test_reports_of_a_missing_building_are_404(client_as):
    client = client_as("director")
    for url in ["/buildings/999999/fact-sheet.pdf", "/buildings/999999/inventory.pdf",
                "/buildings/999999/inventory.xlsx"]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("url", ["/reports", "/buildings/1/fact-sheet.pdf", "/buildings/1/inventory.pdf",
                                 "/buildings/1/inventory.xlsx", "/sites.xlsx", "/sites.csv", "/jobs/x"])
def test_reports_need_a_sign_in(client, url):
    response = client.get(url)
    assert response.status_code in (302, 401)


def test_a_signed_in_user_without_read_cannot_start_jobs(client, app):
    # Every reports endpoint declares a permission (deny by default otherwise), but the public ones on the
    # allow-list (the public accessibility register, read without signing in at its secret address).
    from facilities.permissions import PUBLIC_ENDPOINTS, required_permission

    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("reports.") and endpoint not in PUBLIC_ENDPOINTS:
            assert required_permission(view) is not None, endpoint


def test_inventory_totals_are_printed_once_even_when_a_floor_spans_pages(client_as, factory):
    # 70 spaces on one floor: its table runs over two pages; the total must not repeat at each page's foot.
    building = factory.building(name="Grand plateau", floors=1, spaces_per_floor=70)
    pages = pdf_pages(client_as("director").get(f"/buildings/{building.id}/inventory.pdf").data)
    assert len(pages) >= 2
    text = " ".join(pages)
    assert text.count(french("Floor total")) == 1
    assert text.count(french("Building total")) == 1
    assert french("Floor total") in pages[-1]


def test_energy_report_shows_years_dpe_class_trajectory_and_sources(client_as, asnieres):
    response = client_as("director").get(f"/buildings/{asnieres.id}/energy.pdf")
    assert response.status_code == 200
    assert 'filename="energie-PS-ASN-B1.pdf"' in response.headers["Content-Disposition"]
    pages = pdf_pages(response.data)
    assert len(pages) <= 2  # with its trajectory chart (a reference year since the first-full-year rule)
    text = " ".join(pages)
    for year in ("2023", "2024", "2025"):
        assert year in text
    assert french("DPE today") in text and french("Yearly indicators") in text  # the DPE a diagnosis made today gives
    # Asnières opened in 2023: no year in 2010–2022, so its reference is the first complete year reported,
    # and the report says so (as the energy tab does).
    assert french("Reference year %(year)s: no complete year in %(first)s–%(last)s, so the first complete year "
                  "reported.", year=2023, first=2010, last=2022) in " ".join(text.split())
    assert "CCH R174-22" in text  # sources as sentences…
    assert "{'table'" not in text and "valid_from" not in text  # …never as raw data


def test_energy_report_projects_the_received_retrofit_as_the_energy_tab_does(client_as, demo, db):
    from facilities.inventory.models import Building

    building = db.session.query(Building).filter_by(code="PS-CHM-B1").one()  # the demo's received retrofit
    text = " ".join(pdf_pages(client_as("director").get(f"/buildings/{building.id}/energy.pdf").data))
    assert french("Projected after the retrofit works") in text  # the section and the chart's legend entry
    assert "187,4 kWh/m²" in text and "2027" in text


def test_energy_report_of_a_building_without_consumption(client_as, demo, factory):
    building = factory.building(name="Sans compteur")
    response = client_as("director").get(f"/buildings/{building.id}/energy.pdf")
    assert response.status_code == 200
    assert french("No consumption recorded for this building.") in " ".join(pdf_pages(response.data))


def test_works_programme_table_caps_and_numbered_gantt(client_as, demo, db):
    from pypdf import PdfReader

    from facilities.works.models import Envelope

    envelope = db.session.query(Envelope).filter(Envelope.scenario_of_id.is_(None)).order_by(Envelope.id).first()
    response = client_as("director").get(f"/envelopes/{envelope.id}/programme.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape: the PPI has a column per year
    pages = pdf_pages(response.data)
    text = " ".join(pages)
    assert envelope.label in text
    assert french("Consumption of each year's cap") in text
    assert text.count(french("Total")) >= 2  # PPI and caps, each once
    assert re.search(r"\d+ %", text)  # share of each year's cap consumed
    assert french("Calendar") in pages[-1]
    assert "1. " in pages[-1] and "2. " in pages[-1]  # Gantt rows numbered like the table


def test_programme_of_a_missing_envelope_is_404(client_as):
    assert client_as("director").get("/envelopes/999999/programme.pdf").status_code == 404


def test_location_map_is_drawn_offline_with_commune_outlines():
    import base64

    from shapely.geometry import Polygon

    from facilities.reports import locator

    lat, lon = 48.9146, 2.2874
    bare = locator.location_map_data_uri(lat, lon)
    commune = Polygon([(lon - 0.02, lat - 0.01), (lon + 0.02, lat - 0.01), (lon + 0.01, lat + 0.015),
                       (lon - 0.02, lat - 0.01)])
    outlined = locator.location_map_data_uri(lat, lon, [commune])
    for uri in (bare, outlined):
        assert uri.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(outlined.split(",", 1)[1]).decode()
    assert "<image" not in svg and 'href="http' not in svg and "url(http" not in svg  # nothing to fetch
    assert len(outlined) > len(bare)


def test_fact_sheet_embeds_the_location_map(app, asnieres):
    from facilities.reports import services
    from facilities.reports.pdf import render_html

    html = render_html("fact_sheet.html", title="x", **services.fact_sheet_context(asnieres))
    assert 'class="map" src="data:image/svg+xml;base64,' in html
