"""The map in headless Chromium: markers or clusters drawn, a popup followed to the site page, no foreign request.

Needs Debian's `chromium` (/usr/bin/chromium) and Playwright for Python; skipped with a reason otherwise.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "browser-test-password-1"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The app on 127.0.0.1 (its own file SQLite database, demo data, no tiles) in a werkzeug thread."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)")
    pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    from werkzeug.serving import make_server

    from facilities import create_app
    from facilities.auth.services import create_user
    from facilities.demo.loader import load_demo
    from facilities.extensions import db

    folder = tmp_path_factory.mktemp("browser")
    app = create_app({
        "DATABASE_URL": f"sqlite:///{folder / 'browser.sqlite3'}", "SECRET_KEY": "browser-test",
        "TILE_URL": "none", "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
        "WTF_CSRF_ENABLED": False,
    })
    with app.app_context():
        db.create_all()
        load_demo(with_users=False)
        create_user("director@browser.example", "director", PASSWORD)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


def test_map_in_a_browser(live_server, tmp_path):
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    failed: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("request", lambda request: requests.append(request.url))
            page.on("requestfailed", lambda request: failed.append(request.url))
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.goto(f"{live_server}/login")
            page.fill("input[name=email]", "director@browser.example")
            page.fill("input[name=password]", PASSWORD)
            page.press("input[name=password]", "Enter")
            page.wait_for_load_state("networkidle")

            page.goto(f"{live_server}/map")
            page.wait_for_load_state("networkidle")
            frame = page.frame_locator("#site-map")
            # Each site group is drawn as one cluster icon or one circle marker (a canvas path is not in the DOM,
            # so markers are counted through Leaflet itself).
            frame.locator(".leaflet-container").wait_for()
            map_frame = next(f for f in page.frames if f != page.main_frame)
            map_frame.wait_for_function("() => document.querySelectorAll('.marker-cluster').length > 0 || "
                                        "Object.keys(window).some(k => k.startsWith('map_'))")
            clusters = map_frame.locator(".marker-cluster").count()
            singles = map_frame.evaluate(
                """() => {
                  const map = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])[0];
                  let n = 0;
                  map.eachLayer(l => { if (l instanceof L.CircleMarker && map.hasLayer(l) && !l.getChildCount) n++; });
                  return n;
                }"""
            )
            page.screenshot(path=str(tmp_path / "map.png"))
            assert clusters + singles >= 1, f"neither a cluster nor a marker is drawn; errors: {errors}, {failed}"
            page.screenshot(path=str(tmp_path / "map.png"))

            # Open a popup through Leaflet (canvas markers have no DOM element to click) and follow its link.
            map_frame.evaluate(
                """() => {
                  const map = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])[0];
                  let marker = null;
                  map.eachLayer(l => { if (!marker && l instanceof L.CircleMarker && l.getPopup()) marker = l; });
                  if (!marker) {
                    // every marker is inside a cluster: zoom to the first one until it is shown
                    map.eachLayer(l => { if (!marker && l.getAllChildMarkers) marker = l.getAllChildMarkers()[0]; });
                    map.eachLayer(l => { if (l.zoomToShowLayer && marker) l.zoomToShowLayer(marker, () => marker.openPopup()); });
                  } else { marker.openPopup(); }
                }"""
            )
            link = map_frame.locator(".leaflet-popup-content a")
            link.wait_for(timeout=10_000)
            page.screenshot(path=str(tmp_path / "popup.png"))
            with page.expect_navigation():
                link.click()
            page.wait_for_load_state("networkidle")
            assert "/sites/" in page.url
            assert page.locator("h1").count() == 1
            page.screenshot(path=str(tmp_path / "site.png"))
        finally:
            browser.close()

    own = urlsplit(live_server).netloc
    foreign = [url for url in requests if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != own]
    assert foreign == [], foreign
    assert any("/vendor/leaflet/leaflet.js" in url for url in requests)
    assert not [url for url in failed if "/vendor/" in url], failed
    assert (tmp_path / "map.png").stat().st_size > 0
