"""The architect's floor plan: open the Asnières hub's ground floor, colour the plan, filter the spaces, click a
room on the plan and reach its form, with mouse clicks only (and a reader's click lands on the room's row)."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_architect_clicks_a_room_on_the_plan_and_reaches_its_form(journey):
    from playwright.sync_api import expect

    page = journey.page
    journey.login("architect")
    page.get_by_role("link", name="Sites", exact=True).first.click()
    page.get_by_role("link", name=re.compile(r"Asnières \/ Gennevilliers")).first.click()
    page.locator("main h3 a", has_text="Pôle social Asnières / Gennevilliers").first.click()  # the building's heading
    page.get_by_role("link", name="RDC", exact=True).click()
    plan = page.locator("#floor-plan-svg")
    plan.wait_for()
    assert plan.locator("g.room").count() == 11
    assert "Plan illustratif" in page.locator("#floor-plan-title").inner_text()
    journey.shot("floor-plan")
    journey.check_accessibility()

    # Colour by workstations: the legend follows (a click on the menu, then on the option).
    page.locator("#plan-mode").select_option("occupancy")
    expect(page.locator('.plan-legend[data-mode="occupancy"]')).to_be_visible()
    expect(page.locator('.plan-legend[data-mode="type"]')).to_be_hidden()
    journey.shot("floor-plan-occupancy")

    # Drag a room on the plan: 0.90 one metre-odd north, into the free end of the corridor (the same checks as
    # the coordinates form; the page comes back saying so).
    page.locator("#plan-move-mode").check()
    room_090 = page.locator('#floor-plan-svg g.room:has(text:text-is("0.90")) path')
    room_090.scroll_into_view_if_needed()
    box = room_090.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 - box["height"] / 4, steps=5)
    page.mouse.up()
    page.wait_for_load_state()
    assert "Local 0.90 déplacé" in page.locator(".alert").first.inner_text()
    journey.shot("room-moved")
    page.locator("#plan-mode").select_option("occupancy")

    # The filter of the table highlights the matching rooms on the plan.
    page.locator("#space-filter-type").select_option("interview_office")
    assert page.locator("#floor-plan-svg g.room.is-match").count() == 5
    assert page.locator("#floor-plan-svg g.room.is-dimmed").count() == 6
    assert page.locator("#spaces tbody tr:not([hidden])").count() == 5
    journey.shot("floor-plan-filtered")

    # Hovering shows the room's figures (its tooltip); a click opens its form.
    room = page.locator('#floor-plan-svg g.room:has(text:text-is("0.12"))')
    assert "12 m²" in room.locator("title").text_content().replace("\u00a0", " ")
    room.hover()
    room.click()
    page.wait_for_url(re.compile(r"/spaces/\d+/edit$"))
    assert page.get_by_label("Code").input_value() == "0.12"
    journey.shot("room-form")
    journey.check_accessibility()
    assert not journey.foreign_requests()


def test_a_reader_clicking_a_room_lands_on_its_row(journey):
    from playwright.sync_api import expect

    page = journey.page
    journey.login("director")
    page.get_by_role("link", name="Sites", exact=True).first.click()
    page.get_by_role("link", name=re.compile(r"Asnières \/ Gennevilliers")).first.click()
    page.locator("main h3 a", has_text="Pôle social Asnières / Gennevilliers").first.click()  # the building's heading
    page.get_by_role("link", name="R+1", exact=True).click()
    # R+1 is drawn 14 % larger than declared (expect waits for the page the click opens: is_visible did not)
    expect(page.locator("#plan-area-flags")).to_be_visible()
    page.locator('#floor-plan-svg g.room:has(text:text-is("1.41"))').click()
    assert re.search(r"#space-\d+$", page.url)
    journey.shot("reader-row")
    journey.check_accessibility()
