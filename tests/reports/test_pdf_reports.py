"""The PDF reports: fact sheet and inventory read back with pypdf."""

from __future__ import annotations

import re

import pytest

from tests.reports.conftest import pdf_pages


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
    assert re.search(r"Total du bâtiment \(7 \w+\) 53 1 355 m² 10 4 4 96", text), text[:1500]
    assert text.count("Floor total") + text.count("Total de l") >= 7  # one total per floor


def test_reports_of_a_missing_building_are_404(client_as):
    client = client_as("director")
    for url in ["/buildings/999999/fact-sheet.pdf", "/buildings/999999/inventory.pdf",
                "/buildings/999999/inventory.xlsx"]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("url", ["/reports", "/buildings/1/fact-sheet.pdf", "/buildings/1/inventory.pdf",
                                 "/buildings/1/inventory.xlsx", "/sites.xlsx", "/sites.csv", "/reports/jobs/x"])
def test_reports_need_a_sign_in(client, url):
    response = client.get(url)
    assert response.status_code in (302, 401)


def test_a_signed_in_user_without_read_cannot_start_jobs(client, app):
    # Every reports endpoint declares a permission (deny by default otherwise).
    from facilities.permissions import required_permission

    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("reports."):
            assert required_permission(view) is not None, endpoint
