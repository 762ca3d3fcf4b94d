"""A requester raises a work request with a photo, a facilities manager assigns it and closes it, and the requester
sees it closed (issue 19, Done when): mouse clicks only after each sign-in, the forms typed."""

from __future__ import annotations

import pytest

from tests.requests.conftest import png_bytes

pytestmark = pytest.mark.browser

TITLE = "Robinet qui goutte aux sanitaires du R+1"


def sign_out(page) -> None:
    page.locator("header .dropdown-toggle").last.click()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()


def test_a_requester_raises_a_request_that_a_manager_assigns_and_closes(journey, tmp_path):
    page = journey.page
    journey.login("requester")
    assert page.url.endswith("/requests"), "a requester lands on their requests"
    assert page.get_by_role("heading", name="Mes demandes").count() == 1
    journey.check_accessibility()
    page.get_by_role("link", name="Nouvelle demande").click()
    page.wait_for_load_state()

    photo = tmp_path / "robinet.png"
    photo.write_bytes(png_bytes((64, 48)))
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("Emplacement").select_option(
        label="Pôle social départemental d'Asnières / Gennevilliers › Pôle social Asnières / Gennevilliers")
    page.get_by_label("Description").fill("Le robinet du lavabo de gauche goutte en continu.")
    page.get_by_label("Urgence").select_option("normal")
    page.get_by_label("Photo (facultative)").set_input_files(str(photo))
    journey.shot("requester-form")
    journey.check_accessibility()
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_load_state()
    assert "créée" in page.locator("main").inner_text()
    assert page.locator("#request-photo").evaluate("img => img.naturalWidth") == 64
    journey.shot("requester-raised")
    journey.check_accessibility()
    sign_out(page)

    journey.login("facilities_manager")
    page.get_by_role("link", name="Demandes", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_load_state()
    page.get_by_label("Priorité", exact=True).select_option("high")
    page.get_by_label("Affectée à").select_option(label="Plomberie Seine Nord (illustratif) (Entreprise)")
    page.locator("#triage-form").get_by_label("Commentaire").fill("Le plombier passe jeudi matin.")
    journey.check_accessibility()
    page.locator("#save-triage").click()
    page.wait_for_load_state()
    assert "Haute" in page.locator("#request-priority").inner_text()
    for button in ("Attribuer", "Commencer l'intervention", "Marquer comme terminée", "Clôturer la demande"):
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()
    assert page.locator("#request-status").inner_text().strip() == "Clôturée"
    journey.shot("manager-closed")
    journey.check_accessibility()
    sign_out(page)

    journey.login("requester")
    row = page.locator("tr", has_text=TITLE)
    assert "Clôturée" in row.inner_text()
    row.get_by_role("link", name=TITLE).click()
    page.wait_for_load_state()
    assert "Le plombier passe jeudi matin." in page.locator("#request-comments").inner_text()
    journey.shot("requester-sees-closed")
    journey.check_accessibility()
