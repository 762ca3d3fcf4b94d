"""The map in headless Chromium: markers or clusters drawn, a popup followed to the site page, no foreign request.

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
