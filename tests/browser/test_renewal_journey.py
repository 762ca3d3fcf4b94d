"""The facilities manager opens the portfolio's renewal forecast from the works programme, chooses the needs of
this year, turns them into draft operations of an envelope, and finds each operation linked to the equipment it
renews (mouse clicks only after signing in)."""

from __future__ import annotations

from datetime import date

import pytest

pytestmark = pytest.mark.browser


def test_manager_turns_this_years_needs_into_draft_operations(journey):
    page = journey.page
    journey.login("facilities_manager")
    page.get_by_role("link", name="Programme de travaux").click()
    page.wait_for_load_state()
    page.locator("#renewal-link").click()
    page.wait_for_load_state()
    assert page.locator("svg#renewal-chart rect.bar-cp").count() > 0, "the chart draws the years' costs"
    assert page.locator("#forecast-illustrative").count() == 1, "the demo's forecast is marked illustrative"
    journey.shot("renewal-forecast")
    journey.check_accessibility()

    # This year's row of the table lists its needs: the demo's overdue boiler (condition 5) among them.
    page.locator("#forecast-table tbody th a", has_text=str(date.today().year)).click()
    page.wait_for_load_state()
    boxes = page.locator("#needs-table input[name=equipment_ids]")
    chosen = boxes.count()
    assert chosen >= 1
    names = [page.locator(f"label[for='{boxes.nth(i).get_attribute('id')}']").inner_text() for i in range(chosen)]
    for i in range(chosen):
        boxes.nth(i).click()
    journey.shot("needs-chosen")
    page.locator("#create-operations").click()
    page.wait_for_load_state()
    assert "opération(s) en projet créée(s)" in page.locator("main").inner_text()
    assert page.locator("#needs-table input[name=equipment_ids]").count() == 0, "chosen needs are now planned"
    journey.shot("needs-planned")
    journey.check_accessibility()

    page.locator("#needs-table a", has_text="Renouvellement : " + names[0]).first.click()
    page.wait_for_load_state()
    renewed = page.locator("#renewed-equipment")
    assert renewed.count() == 1 and names[0] in renewed.inner_text()
    assert "Proposée" in page.locator("main").inner_text() or "Proposé" in page.locator("main").inner_text()
    journey.shot("operation-with-its-equipment")
    journey.check_accessibility()
    assert not journey.console_errors, journey.console_errors
