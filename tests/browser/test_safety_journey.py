"""The facilities manager follows the dashboard's overdue check to its building, records the check with its PDF
report and a finding, lifts the finding, and the alert is gone (clicks only; the form is typed)."""

from __future__ import annotations

import re
from datetime import date

import pytest

pytestmark = pytest.mark.browser

ALERT = re.compile(r"Ascenseur : visite d'entretien .* en retard depuis")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_manager_records_an_overdue_check_and_lifts_its_finding(journey, tmp_path):
    page = journey.page
    journey.login("facilities_manager")
    alerts = page.locator("a", has_text=ALERT)
    assert alerts.count() == 1, "the demo has one overdue check, shown on the dashboard"
    journey.shot("dashboard")
    journey.check_accessibility()

    alerts.first.click()
    page.wait_for_load_state()
    overdue = page.locator("#planned-checks tr.planned-overdue")
    assert overdue.count() == 1
    journey.shot("building-safety")
    journey.check_accessibility()
    overdue.get_by_role("link", name="Enregistrer un contrôle").click()
    page.wait_for_load_state()

    report = tmp_path / "rapport-ascenseur.pdf"
    report.write_bytes(PDF)
    page.get_by_label("Fait le").fill(date.today().isoformat())
    page.get_by_label("Fait par (organisme ou technicien)").fill("Otis")
    page.get_by_label("Résultat").select_option("observations")
    page.get_by_label("Rapport (PDF)").set_input_files(str(report))
    page.get_by_label("Observation à suivre (facultatif)").fill("Bouton d'appel du palier R+3 à remplacer")
    page.get_by_label("Sa gravité").select_option("minor")
    journey.shot("check-form")
    journey.check_accessibility()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()

    assert "Contrôle enregistré" in page.locator("main").inner_text()
    assert page.locator("#report-link").inner_text().strip().endswith("rapport-ascenseur.pdf")
    journey.shot("check-detail")
    journey.check_accessibility()
    page.get_by_role("link", name="Retour aux contrôles du bâtiment").click()
    page.wait_for_load_state()
    assert page.locator("#planned-checks tr.planned-overdue").count() == 0

    finding = page.locator("tr", has_text="Bouton d'appel du palier R+3")
    finding.get_by_role("link", name="Lever").click()
    page.wait_for_load_state()
    page.get_by_label("Levée le").fill(date.today().isoformat())
    page.get_by_label("Justificatif (facture, rapport, référence de photo)").fill("Facture Otis 2026-118")
    journey.check_accessibility()
    page.get_by_role("button", name="Lever l'observation").click()
    page.wait_for_load_state()
    assert page.locator("tr", has_text="Bouton d'appel du palier R+3").count() == 0
    journey.shot("finding-lifted")

    page.get_by_role("link", name="Tableau de bord").click()
    page.wait_for_load_state()
    assert page.locator("a", has_text=ALERT).count() == 0, "the overdue alert is gone"
    journey.shot("dashboard-after")
