"""The architect's journey: correct a floor of the Asnières hub and see the totals follow."""

import re

import pytest

pytestmark = pytest.mark.browser


def total(page, section: str, name: str) -> str:
    return page.locator(f"#{section} [data-total={name}]").inner_text().strip()


def test_architect_adds_an_interview_office_and_corrects_its_area(journey):
    page = journey.page
    journey.login("architect")
    journey.shot("home")
    journey.check_accessibility()
    page.get_by_role("link", name="Sites", exact=True).click()
    journey.shot("sites")
    journey.check_accessibility()

    page.get_by_role("link", name=re.compile(r"Asnières \/ Gennevilliers")).first.click()
    journey.shot("site")
    journey.check_accessibility()
    page.locator("main h3 a", has_text="Pôle social Asnières / Gennevilliers").first.click()  # the building's heading
    journey.shot("building")
    journey.check_accessibility()

    page.get_by_role("link", name="R+1", exact=True).click()
    journey.shot("floor-before")
    journey.check_accessibility()
    assert total(page, "floor-totals", "interview_offices") == "5"
    assert total(page, "building-totals", "interview_offices") == "10"

    page.get_by_role("link", name=re.compile("Nouveau local")).click()
    page.get_by_label("Code").fill("1.16")
    page.get_by_label("Nom").fill("Bureau d'entretien 11")
    page.get_by_label("Type").select_option("interview_office")
    journey.check_accessibility()
    page.get_by_label("Surface (m²)").fill("-12")
    page.get_by_role("button", name="Enregistrer").click()
    journey.shot("bad-area")
    error = page.locator("#area_m2-error")
    assert "Surface : la valeur doit être supérieure à 0" in error.inner_text()  # grammatical, names the field
    assert page.get_by_label("Surface (m²)").get_attribute("aria-describedby") == "area_m2-error"
    journey.check_accessibility()

    page.get_by_label("Surface (m²)").fill("12,5")
    page.get_by_role("button", name="Enregistrer").click()
    journey.shot("floor-after")
    journey.check_accessibility()
    assert "Local 1.16 créé" in page.locator(".alert").first.inner_text()
    assert total(page, "floor-totals", "interview_offices") == "6"
    assert total(page, "building-totals", "interview_offices") == "11"
    assert "12,5" in page.locator("#spaces").inner_text()

    # Correct the area again: a bad value first, then a good one; the net area follows.
    before = total(page, "floor-totals", "net_area")
    building_before = total(page, "building-totals", "net_area")
    page.get_by_role("link", name=re.compile(r"Modifier\s+1\.16")).click()
    page.get_by_label("Surface (m²)").fill("2 000 000")
    page.get_by_role("button", name="Enregistrer").click()
    assert "au plus égale à 1" in page.locator("#area_m2-error").inner_text()
    journey.shot("area-too-large")
    journey.check_accessibility()
    page.get_by_label("Surface (m²)").fill("14")
    page.get_by_role("button", name="Enregistrer").click()
    journey.shot("floor-corrected")
    after = total(page, "floor-totals", "net_area")
    assert "184,5" in before and "186" in after  # 172 m² + 12.5, then 172 + 14
    building_after = total(page, "building-totals", "net_area")
    assert building_after != building_before and "369" in building_after  # 1 355 m² + 14
    journey.check_accessibility()
    assert not journey.foreign_requests()
