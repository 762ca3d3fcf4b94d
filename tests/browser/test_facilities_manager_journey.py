"""The facilities manager's journey: an operation overflows the 2023 cap, a schedule that fits is applied."""

import re

import pytest

pytestmark = pytest.mark.browser

LABEL = "Mise en accessibilité du pôle social de Châtillon"


def gantt_row_title(page, label: str) -> str:
    """The tooltip of an operation's row in the Gantt chart: 'label (flags): start – end'."""
    titles = page.locator("figure.gantt-figure svg g.gantt-row > title").all_text_contents()
    found = [t for t in titles if t.startswith(label)]
    assert len(found) == 1, titles
    return found[0]


def test_manager_overflows_2023_then_applies_a_schedule_that_fits(journey):
    page = journey.page
    journey.login("facilities_manager")
    page.get_by_role("link", name="Programme de travaux").click()
    page.wait_for_load_state()
    journey.shot("envelopes")
    journey.check_accessibility()

    page.get_by_role("link", name="Bâtiments médico-sociaux 2023").first.click()
    page.wait_for_load_state()
    journey.shot("envelope-before")
    journey.check_accessibility()
    assert page.locator("#overflow").count() == 0, "the demo programme fits its caps"
    assert page.locator("#years tr[data-year='2023']").get_attribute("class") in ("", None)
    svg_before = page.locator("figure.gantt-figure svg").inner_html()

    page.get_by_role("link", name="Nouvelle opération").click()
    page.get_by_label("Libellé").fill(LABEL)
    page.get_by_label("Nature").select_option("accessibility")
    page.get_by_label("AP (montant total voté, €)").fill("3 000 000")
    page.get_by_label("Début (premier jour d'un mois)").fill("2023-01-01")
    page.get_by_label("Durée (mois)").fill("12")
    page.get_by_label("Priorité").fill("5")
    # The phases grid: one row per phase, months picked, shares typed (the total shows 100 % as it is typed).
    phases = page.locator("fieldset#phases")
    for row, (code, first, last, share) in enumerate([("DET", "2023-01", "2023-11", "90"),
                                                      ("AOR", "2023-12", "2023-12", "10")]):
        phases.locator("select[name=phases-code]").nth(row).select_option(code)
        phases.locator("input[name=phases-start]").nth(row).fill(first)
        phases.locator("input[name=phases-end]").nth(row).fill(last)
        phases.locator("input[name=phases-share]").nth(row).fill(share)
    assert phases.locator(".grid-total").inner_text() == "100\u00a0%"
    journey.shot("operation-form")
    journey.check_accessibility()
    page.get_by_role("button", name="Enregistrer").click()

    # Refused as it stands: the warning names the year over its cap; nothing saved until confirmed.
    warning = page.locator("#overflow-warning")
    assert "2023" in warning.inner_text() and "plafond" in warning.inner_text()
    draft = page.get_by_label(re.compile("Enregistrer comme brouillon"))
    assert draft.get_attribute("aria-describedby") == "overflow-warning"  # the explanation, said once
    journey.shot("overflow-refused")
    journey.check_accessibility()
    draft.check()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()

    # Saved as a draft: the envelope shows the overflow of 2023, the year's row is marked.
    assert f"Opération {LABEL} enregistrée comme brouillon" in page.locator("main .alert-warning").first.inner_text()
    overflow = page.locator("#overflow")
    assert "2023" in overflow.inner_text() and "au-delà du plafond" in overflow.inner_text()
    assert "table-danger" in page.locator("#years tr[data-year='2023']").get_attribute("class")
    draft_title = gantt_row_title(page, LABEL)
    assert "(brouillon)" in draft_title and "2023-01-01 – 2023-12-31" in draft_title
    svg_draft = page.locator("figure.gantt-figure svg").inner_html()
    assert svg_draft != svg_before
    journey.shot("envelope-overflow")
    journey.check_accessibility()

    overflow.get_by_role("link", name=re.compile("Proposer un calendrier")).click()
    page.wait_for_load_state()
    assert "respecte le plafond de chaque année" in page.locator("#feasible").inner_text()
    row = page.locator("#proposal tbody tr", has_text=LABEL)
    assert int(row.locator("td.shifted").inner_text()) > 0
    journey.shot("proposal")
    journey.check_accessibility()

    page.get_by_role("button", name="Appliquer ce calendrier").click()
    page.wait_for_load_state()
    assert re.search(r"Calendrier appliqué : \d+ opération\(s\) déplacée\(s\)",
                     page.locator("main .alert-success").first.inner_text())
    assert page.locator("#overflow").count() == 0
    assert "table-danger" not in (page.locator("#years tr[data-year='2023']").get_attribute("class") or "")
    applied_title = gantt_row_title(page, LABEL)
    assert "(brouillon)" not in applied_title
    start = re.search(r": (\d{4}-\d{2}-\d{2}) –", applied_title).group(1)
    assert start > "2023-01-01", applied_title
    assert page.locator("figure.gantt-figure svg").inner_html() not in (svg_before, svg_draft)
    journey.shot("envelope-after")
    journey.check_accessibility()
    assert not journey.foreign_requests()
