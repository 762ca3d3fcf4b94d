"""Browser tests: the app served on 127.0.0.1 in a thread, driven by Debian's Chromium through Playwright.

Skipped with a clear reason when Chromium or Playwright is missing (CI installs both); axe-core comes from the
npm registry (installed by .ci/run under .ci/npm, or found through AXE_CORE_PATH).

Playwright's sync API runs its own asyncio loop in a greenlet and, between two calls, marks that loop as the
thread's running loop. A second `sync_playwright()` in the same thread while a first one is alive therefore
fails with "It looks like you are using Playwright Sync API inside the asyncio loop", and so would any later
test that calls `asyncio.run()`. So Playwright lives for one test only (the `chromium` fixture below, shared by
tests/maps/test_map_browser.py), and a running-loop mark left over by anything else is set aside while it runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import re
import shutil
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_CANDIDATES = [os.environ.get("AXE_CORE_PATH", ""), str(ROOT / ".ci/npm/node_modules/axe-core/axe.min.js"),
                  str(ROOT / "node_modules/axe-core/axe.min.js")]
OUTPUT = Path(os.environ.get("TEST_OUTPUT_DIR", ROOT / "test-output")) / "browser"

DEMO_PASSWORDS = {"architect": ("architect@demo.example", "demo-architect-2026"),
                  "facilities_manager": ("facilities@demo.example", "demo-facilities-2026"),
                  "director": ("director@demo.example", "demo-director-2026"),
                  "admin": ("admin@demo.example", "demo-admin-2026"),
                  "requester": ("requester@demo.example", "demo-requester-2026")}


def need_browser() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (CI installs Debian's chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("Playwright for Python is not installed")


@contextlib.contextmanager
def launch_chromium() -> Iterator:
    """Playwright (sync API) and Debian's Chromium, robust to an asyncio running-loop mark left in this thread.

    Sync fixtures and tests never run inside a running loop, so a loop found here is a leftover (a test or
    library that set it and did not clear it): it is set aside while Playwright runs and put back afterwards.
    """
    need_browser()
    from playwright.sync_api import sync_playwright

    leftover = asyncio._get_running_loop()
    if leftover is not None:
        warnings.warn(f"an earlier test left {leftover!r} marked as running in this thread; set aside for "
                      "Playwright", RuntimeWarning, stacklevel=2)
        asyncio._set_running_loop(None)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        # Playwright clears its mark when it stops; leave the thread as we found it.
        asyncio._set_running_loop(leftover)


@pytest.fixture
def chromium():
    """A headless Chromium for one test (Playwright is started and stopped around it, see the module doc)."""
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def browser_app(tmp_path_factory):
    """A separate app on its own SQLite file, in demo mode, without map tiles."""
    need_browser()
    from facilities import create_app

    database = tmp_path_factory.mktemp("browser") / "browser.sqlite3"
    app = create_app({"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "browser-tests",
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False, "DEMO_MODE": True,
                      "TILE_URL": "none"})
    yield app
    from facilities.extensions import db

    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def fresh_demo(browser_app):
    """Every journey starts from the demo dataset with the demo accounts."""
    from facilities.demo.loader import load_demo
    from facilities.extensions import db

    with browser_app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        load_demo(with_users=True)
        db.session.commit()
        db.session.remove()
    return browser_app


@pytest.fixture(scope="session")
def live_server(browser_app):
    """Serve the browser app on a free loopback port for the whole session."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, browser_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@functools.cache
def english_interface_strings() -> tuple[frozenset[str], tuple[re.Pattern, ...]]:
    """The interface strings whose French differs from the English: exact texts, and patterns for those with
    placeholders (long enough not to match anything)."""
    from babel.messages.pofile import read_po

    with open(ROOT / "facilities/translations/fr/LC_MESSAGES/messages.po", "rb") as f:
        catalogue = read_po(f, locale="fr")
    exact, patterns, french = set(), [], set()
    for message in catalogue:
        msgid = message.id if isinstance(message.id, str) else (message.id[0] if message.id else "")
        string = message.string if isinstance(message.string, str) else (message.string or ("",))[0]
        if string:
            french.add(" ".join(string.split()))
        if not msgid or not re.search("[a-z]", msgid) or msgid == string:
            continue
        parts = re.split(r"%\(\w+\)[sd]", msgid.replace("%%", "%"))
        if len(parts) == 1:
            exact.add(" ".join(msgid.split()))
        elif sum(len(p.strip()) for p in parts) >= 12:
            patterns.append(re.compile("^" + ".+?".join(re.escape(re.sub(r"\s+", " ", p)) for p in parts) + "$"))
    # A word of both languages ("Report": the English for « Compte rendu », and the French for CP to re-spread)
    # is French on a French page.
    return frozenset(exact - french), tuple(patterns)


TEXTS_JS = """() => {
  const out = new Set();
  const add = t => { t = (t || '').replace(/\\s+/g, ' ').trim(); if (t && t.length < 400) out.add(t); };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent && !parent.closest('script, style, code, pre')) add(walker.currentNode.nodeValue);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]'))
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) add(el.getAttribute(name));
  for (const el of document.querySelectorAll('a, button, label, legend, option, summary, caption, th, dt, h1, h2, '
                                             + 'h3, h4, h5, h6, p, li, .badge, .form-text, .alert'))
    add(el.textContent);
  add(document.title);
  return [...out];
}"""


def axe_source() -> str:
    axe = next((Path(p) for p in AXE_CANDIDATES if p and Path(p).exists()), None)
    if axe is None:
        pytest.fail("axe-core not found: run `npm install --prefix .ci/npm axe-core@4` (done by .ci/run)")
    return axe.read_text()


class Journey:
    """A browser page that records requests, saves numbered screenshots and runs axe-core."""

    def __init__(self, page, base_url: str, folder: Path):
        self.page = page
        self.base_url = base_url
        self.folder = folder
        self.step = 0
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []
        self.checked: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("requestfailed", lambda request: self.failed.append(request.url))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _console(self, message) -> None:
        # A refused form answers 422 on purpose; any other error (a CSP refusal, a script error, a missing
        # file) is kept, with the page it happened on.
        if message.type == "error" and "status of 422" not in message.text:
            self.console_errors.append(f"{self.page.url}: {message.text} ({message.location.get('url', '')})")

    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def login(self, role: str) -> None:
        email, password = DEMO_PASSWORDS[role]
        self.open("/login")
        self.check_accessibility()
        self.page.get_by_label(re.compile("e-mail|email", re.I)).fill(email)
        self.page.get_by_label(re.compile("mot de passe|password", re.I)).fill(password)
        self.page.locator("main button[type=submit]").click()
        self.page.wait_for_load_state()
        assert "/login" not in self.page.url, "sign-in failed"

    def shot(self, name: str) -> Path:
        self.step += 1
        path = self.folder / f"{self.step:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def check_accessibility(self) -> None:
        """No serious or critical axe-core violation on the current page, its frames included.

        axe is evaluated through the DevTools protocol rather than added as a <script>: the pages' CSP
        (script-src 'self') rightly refuses inline scripts, and the check must not weaken it.
        """
        self.page.wait_for_load_state()
        source = axe_source()
        for frame in self.page.frames:
            if not frame.is_detached() and not frame.evaluate("() => typeof window.axe === 'object'"):
                frame.evaluate(f"() => {{ {source}\n }}")
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"accessibility violations on {self.page.url}:\n" + "\n".join(serious)
        self.checked.append(self.page.url)
        self.check_language()

    def check_language(self) -> None:
        """A page in French shows no interface string left in English (the catalogue is complete and used)."""
        if self.page.evaluate("() => document.documentElement.lang") != "fr":
            return
        exact, patterns = english_interface_strings()
        texts = [t for frame in self.page.frames if not frame.is_detached() for t in frame.evaluate(TEXTS_JS)]
        english = sorted({t for t in texts if t in exact or any(p.match(t) for p in patterns)})
        assert not english, f"untranslated interface strings on {self.page.url}: {english}"

    def foreign_requests(self) -> list[str]:
        """Network requests (http, https, ws, wss) that left for another origin than the app's.

        data:, blob: and the browser's own chrome:// pages (its PDF viewer) never leave the machine."""
        own = urlsplit(self.base_url)
        return [url for url in self.requests
                if urlsplit(url).scheme in ("http", "https", "ws", "wss")
                and (urlsplit(url).scheme.replace("ws", "http"), urlsplit(url).netloc) != (own.scheme, own.netloc)]


@pytest.fixture
def journey(chromium, live_server, fresh_demo, request):
    folder = OUTPUT / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR",
                                   accept_downloads=True)
    page = context.new_page()
    journey = Journey(page, live_server, folder)
    yield journey
    context.close()
    # A refused inline style or script (CSP), a script error or a missing file shows up here.
    assert not journey.console_errors, journey.console_errors


# ---------------------------------------------------------------- the site map (a Leaflet map in an iframe)

#: Set on the map's container by facilities/static/js/map-viewport.js once it drew a viewport's answer.
DRAWN = ".leaflet-container[data-sites-mode]"


def map_frame(page):
    """The frame of the site map, once the sites of its first viewport are drawn."""
    page.locator("#site-map").wait_for()
    frame = page.locator("#site-map").element_handle().content_frame()
    frame.locator(".leaflet-container").wait_for()
    frame.locator(DRAWN).wait_for(state="attached")
    return frame


def answers_drawn(frame) -> int:
    """How many viewport answers the map drew so far."""
    return int(frame.locator(DRAWN).get_attribute("data-answers") or 0)


def wait_for_viewport(frame, after: int | None = None):
    """After a pan or zoom: wait until the map drew the answer to a view asked after `after` answers (by default:
    until no answer is awaited)."""
    if after is not None:
        frame.wait_for_function(
            f"() => +document.querySelector('{DRAWN}').getAttribute('data-answers') > {after}", timeout=20_000)
    frame.wait_for_function(
        "() => document.querySelector('.leaflet-container').getAttribute('aria-busy') === 'false'")


def drawn_markers(frame) -> int:
    """Clusters and single sites drawn (each is an element of the page)."""
    return frame.locator(".marker-cluster").count() + frame.locator(".gis-site").count()


def sites_on_map(frame) -> int:
    """Sites the map represents: each cluster counts the sites it groups (its label), each single marker one."""
    clusters = frame.evaluate("""() => [...document.querySelectorAll('.marker-cluster')]
        .reduce((sum, el) => sum + parseInt(el.innerText.trim(), 10), 0)""")
    return clusters + frame.locator(".gis-site").count()


def click_the_lone_marker(page, frame):
    """Open the popup of the one site a filtered map shows, as a person does: a mouse click on its marker, which
    the map frames at its centre (no call into Leaflet); returns the popup's link."""
    box = frame.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    link = frame.locator(".leaflet-popup-content a")
    link.wait_for(timeout=10_000)
    frame.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    return link


def open_a_popup(frame):
    """Open the popup of a site with the mouse: a click on a cluster zooms into it, until a site's marker is drawn
    to click on; returns the popup's link."""
    for _attempt in range(8):
        if frame.locator(".gis-site").count():
            break
        before = answers_drawn(frame)
        frame.locator(".marker-cluster").first.click()
        wait_for_viewport(frame, after=before)
    frame.locator(".gis-site").first.click()
    link = frame.locator(".leaflet-popup-content a")
    link.wait_for(timeout=10_000)
    # Let the popup finish fading in, so that screenshots show it as the user sees it.
    frame.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    return link
