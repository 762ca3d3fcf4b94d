"""The map in headless Chromium: markers or clusters drawn, a popup followed to the site page, no foreign request;
at 10,000 sites, zoomed and panned with the mouse, clusters turn into markers whose popup opens on a click.

Needs Debian's `chromium` (/usr/bin/chromium) and Playwright for Python; skipped with a reason otherwise.
Uses the browser harness of tests/browser/conftest.py (one Playwright per test, demo app with TILE_URL=none),
so that this test and the journeys can run in the same process in any order.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser import conftest as harness

pytestmark = pytest.mark.browser

# The harness's fixtures, shared rather than copied (a conftest's fixtures are only seen below its folder).
chromium = harness.chromium
browser_app = harness.browser_app
fresh_demo = harness.fresh_demo
live_server = harness.live_server
journey = harness.journey


def test_map_in_a_browser_without_tiles_stays_on_its_origin(journey, browser_app):
    assert browser_app.config["TILE_URL"] == "none"
    page = journey.page
    journey.login("director")
    journey.open("/map")
    page.wait_for_load_state("networkidle")

    frame = harness.map_frame(page)
    assert harness.drawn_markers(frame) >= 1, (
        f"neither a cluster nor a marker is drawn: {journey.console_errors}, {journey.failed}")
    # One marker or cluster per group of sites: together they stand for every located site, once.
    from sqlalchemy import func, select

    from facilities.extensions import db
    from facilities.inventory.models import Site

    with browser_app.app_context():
        located = db.session.scalar(select(func.count(Site.id)).where(Site.latitude.is_not(None),
                                                                        Site.longitude.is_not(None)))
    assert located >= 5 and harness.sites_on_map(frame) == located
    # The legend beside the map counts the sites in view, per colour, from the frame's answer.
    from playwright.sync_api import expect

    expect(page.locator("#map-in-view")).to_contain_text(str(located))
    counted = page.eval_on_selector_all(
        "#map-legend li:not([hidden]) [data-count]", "els => els.map(e => Number(e.textContent.replace(/\\D/g, '')))")
    assert sum(counted) == located, counted
    assert frame.locator(".leaflet-tile").count() == 0, "TILE_URL=none, yet tiles are drawn"
    journey.shot("map")
    journey.check_accessibility()

    link = harness.open_a_popup(frame)
    journey.shot("popup")
    with page.expect_navigation():
        link.click()
    page.wait_for_load_state("networkidle")
    assert "/sites/" in page.url
    assert page.locator("h1").count() == 1
    journey.shot("site")

    # Nothing left for another origin: no tile server, no CDN, no font service.
    own = urlsplit(journey.base_url).netloc
    foreign = [url for url in journey.requests
               if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != own]
    assert foreign == [], foreign
    assert journey.foreign_requests() == []
    assert any("/vendor/leaflet/leaflet.js" in url for url in journey.requests)
    assert not [url for url in journey.failed if "/vendor/" in url], journey.failed
    assert (journey.folder / "01-map.png").stat().st_size > 0


def _marker_near_the_centre(page, frame) -> tuple[float, float]:
    """Page coordinates of the drawn site marker nearest the middle of the map (read from the DOM, not Leaflet)."""
    frame_box = page.locator("#site-map").bounding_box()
    rects = frame.evaluate("""() => {
      const map = document.querySelector('.leaflet-container').getBoundingClientRect();
      return {map: [map.left, map.top, map.width, map.height],
              sites: [...document.querySelectorAll('.gis-site')].map(el => {
                const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })};
    }""")
    left, top, width, height = rects["map"]
    x, y = min(rects["sites"], key=lambda p: (p[0] - left - width / 2) ** 2 + (p[1] - top - height / 2) ** 2)
    return frame_box["x"] + x, frame_box["y"] + y


def test_map_of_10000_sites_zoomed_and_panned_with_the_mouse(journey, browser_app):
    from sqlalchemy import func, select

    from facilities.extensions import db
    from facilities.inventory.models import Site
    from facilities.maps.synth import add_synthetic_sites

    with browser_app.app_context():
        add_synthetic_sites(10_000, seed=20, buildings=False)
        db.session.commit()
        located = db.session.scalar(select(func.count(Site.id)).where(Site.latitude.is_not(None),
                                                                        Site.longitude.is_not(None)))
        db.session.remove()
    page = journey.page
    page.set_viewport_size({"width": 1366, "height": 900})
    journey.login("director")
    page.get_by_role("link", name="Carte").click()
    page.wait_for_load_state("networkidle")
    frame = harness.map_frame(page)
    harness.wait_for_viewport(frame)
    # The whole département: clusters counted by the server, which together stand for every located site.
    assert frame.locator(".gis-site").count() == 0 and frame.locator(".marker-cluster").count() > 3
    assert harness.sites_on_map(frame) == located >= 10_000
    from playwright.sync_api import expect

    in_view = lambda: int("".join(filter(str.isdigit, page.locator("#map-in-view").inner_text())))  # noqa: E731
    expect(page.locator("#map-in-view")).to_contain_text("dans la vue")  # French, as the director reads it
    assert in_view() == located
    journey.shot("map-10000-clusters")

    # The mouse wheel over the middle of the map zooms in, one step at a time, until the sites themselves show.
    box = frame.locator(".leaflet-container").bounding_box()
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*centre)
    for _step in range(10):
        before = harness.answers_drawn(frame)
        page.mouse.wheel(0, -120)
        harness.wait_for_viewport(frame, after=before)
        if frame.locator(".gis-site").count():
            break
    assert frame.locator(".gis-site").count() > 0 and frame.locator(".marker-cluster").count() == 0
    assert in_view() == frame.locator(".gis-site").count() < located  # the legend counts what is now in view
    journey.shot("map-10000-zoomed")

    # Dragging the map pans it: the sites of the new view are asked for and drawn.
    shown_before = set(frame.evaluate("() => [...document.querySelectorAll('.gis-site')].map(e => e.title)"))
    before = harness.answers_drawn(frame)
    page.mouse.move(*centre)
    page.mouse.down()
    page.mouse.move(centre[0] - 250, centre[1] - 150, steps=12)
    page.mouse.up()
    harness.wait_for_viewport(frame, after=before)
    shown_after = set(frame.evaluate("() => [...document.querySelectorAll('.gis-site')].map(e => e.title)"))
    assert shown_after and shown_after != shown_before

    # A click on a marker opens its popup: name, address, a link to the site.
    page.mouse.click(*_marker_near_the_centre(page, frame))
    link = frame.locator(".leaflet-popup-content a")
    link.wait_for(timeout=10_000)
    assert "/sites/" in link.get_attribute("href")
    assert frame.locator(".leaflet-popup-content strong").inner_text().strip() in shown_after
    frame.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    journey.shot("map-10000-popup")
    assert journey.foreign_requests() == []
