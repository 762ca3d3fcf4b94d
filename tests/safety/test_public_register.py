"""The public accessibility register: no sign-in, an unguessable address, the register's fields and nothing else."""

from __future__ import annotations

import io
from datetime import date

from tests.conftest import page_text

SECRET_FIELDS = ("Secret-CODE-B9", "Note interne confidentielle", "987654", "Pôle secret")


def test_the_public_page_shows_the_register_and_nothing_else(client_as, client, factory, db):
    from facilities.safety import accessibility

    site = factory.site(name="Pôle secret", address="1 rue Cachée")
    building = factory.building(site=site, code="Secret-CODE-B9", name="Accueil public", cost_eur="987654",
                                provenance_note="Note interne confidentielle", erp_types=["W"], public_capacity=150)
    manager = client_as("facilities_manager")
    manager.set_cookie("lang", "en")
    response = manager.post(f"/buildings/{building.id}/accessibility/edit", data={
        "public_name": "Accueil du public", "services": "Accueil social, PMI",
        "status": "certificate", "status_reference": "Attestation du 12 mars 2024",
        "derogations": "", "staff_training": "Agents d'accueil formés en 2025",
        "equipment_upkeep": "Rampe vérifiée chaque année", "updated_on": date.today().isoformat()})
    assert response.status_code == 302, page_text(response)[:2000]
    register = accessibility.register_of(building)
    url = f"/accessibility/{register.public_token}"
    public = client.get(url)  # no session
    text = page_text(public)
    assert public.status_code == 200 and "Accueil du public" in text and "Agents d'accueil formés en 2025" in text
    for hidden in SECRET_FIELDS:
        assert hidden not in text, hidden
    assert "/login" not in text and "navbar-nav" not in text  # no link into the application
    assert client.get(url[:-3] + "xyz").status_code == 404
    pdf = client.get(f"/accessibility/{register.public_token}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Accueil du public" in text and "Agents d'accueil formés en 2025" in text
    for hidden in SECRET_FIELDS:
        assert hidden not in text, hidden
    assert client.get(f"/buildings/{building.id}/accessibility/qr.svg").status_code == 302  # signed-in only
    assert manager.get(f"/buildings/{building.id}/accessibility/qr.svg").mimetype == "image/svg+xml"


def test_the_safety_register_pdf_of_a_site(client_as, factory, db):
    import io as _io

    from pypdf import PdfReader

    from facilities.safety import reference, rules, services

    reference.ensure_seeded()
    site = factory.site(name="Pôle Registre")
    building = factory.building(site=site, name="Bâtiment R", erp_types=["W"], public_capacity=250)
    item = services.create_equipment(building, rules.clean_equipment({"category": "lift", "name": "Ascenseur R"}))
    services.record_check(item, rules.clean_check({"check_type": "lift_yearly", "done_on": "2026-01-10",
                                                   "body": "Otis", "result": "compliant"}))
    client = client_as("director")
    client.set_cookie("lang", "en")
    assert f"/sites/{site.id}/safety-register.pdf" in page_text(client.get(f"/sites/{site.id}"))
    pdf = client.get(f"/sites/{site.id}/safety-register.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(_io.BytesIO(pdf.data)).pages)
    assert "Bâtiment R" in text and "Ascenseur R" in text and "Otis" in text
