"""The director's journey: the map filtered on a service, a site's popup followed to its building, the fact sheet."""

import io
import re
import shutil
import subprocess

import pytest

from tests.browser.conftest import click_the_lone_marker, map_frame

pytestmark = pytest.mark.browser

SERVICE = "Centre de santé sexuelle"  # offered by the Asnières hub only, in the demo
BUILDING = "Pôle social Asnières / Gennevilliers"


def test_director_filters_the_map_and_downloads_a_fact_sheet(journey):
    from playwright.sync_api import expect

    page = journey.page
    journey.login("director")
    page.get_by_role("link", name="Carte").click()
    page.wait_for_load_state("networkidle")
    frame = map_frame(page)
    expect(page.locator("#map-in-view")).to_contain_text("site(s) dans la vue.")  # the legend counts what is in view
    all_sites = page.locator("#map-in-view").inner_text()
    journey.shot("map")
    journey.check_accessibility()

    page.get_by_label("Service").select_option(label=SERVICE)
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_load_state("networkidle")
    assert "service=" in page.url
    assert page.get_by_label("Service").locator("option:checked").inner_text() == SERVICE
    expect(page.locator("#map-in-view")).to_have_text("1 site(s) dans la vue.")
    assert all_sites != "1 site(s) dans la vue."
    frame = map_frame(page)
    journey.shot("map-filtered")
    journey.check_accessibility()

    link = click_the_lone_marker(page, frame)  # the mouse, not Leaflet's API
    popup = frame.locator(".leaflet-popup-content").inner_text()
    assert "Asnières" in popup and SERVICE in popup
    journey.shot("popup")
    journey.check_accessibility()
    with page.expect_navigation():
        link.click()
    page.wait_for_load_state()
    assert re.search(r"/sites/\d+$", page.url)
    assert "Asnières" in page.locator("h1").inner_text()
    journey.shot("site")
    journey.check_accessibility()

    page.locator("main h3 a", has_text=BUILDING).first.click()  # the building's heading
    page.wait_for_load_state()
    assert re.search(r"/buildings/\d+$", page.url)
    assert BUILDING in page.locator("h1").inner_text()
    journey.shot("building")
    journey.check_accessibility()

    page.get_by_role("button", name="Rapports").click()
    fact_sheet = page.get_by_role("link", name="Fiche (PDF, 1 page)")
    fact_sheet.wait_for(state="visible")
    journey.shot("reports-menu")
    journey.check_accessibility()
    # The fact sheet is served inline (Content-Disposition: inline) and Chromium shows it in its PDF viewer,
    # whose page is not the file: the bytes the server sends to the click are kept on their way to the viewer.
    received = []

    def keep(route):
        response = route.fetch()
        received.append((response.status, response.headers, response.body()))
        route.fulfill(response=response)

    page.route("**/fact-sheet.pdf", keep)
    with page.expect_response(lambda response: "/fact-sheet.pdf" in response.url):
        fact_sheet.click()
    page.wait_for_load_state()
    status, headers, body = received[0]
    assert status == 200 and headers["content-type"] == "application/pdf"
    filename = re.search(r'filename="?([^";]+)', headers.get("content-disposition", "")).group(1)
    assert filename.endswith(".pdf")
    target = journey.folder / filename
    target.write_bytes(body)
    # Chromium's PDF viewer does not paint in headless screenshots: picture the sheet itself when poppler is here.
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(target),
                        str(journey.folder / f"{journey.step + 1:02d}-fact-sheet")], check=True, timeout=60)
    assert body.startswith(b"%PDF")

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Asnières" in text and "En quelques chiffres" in text
    assert not journey.foreign_requests()
