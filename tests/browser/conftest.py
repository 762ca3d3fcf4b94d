"""Browser tests: the app served on 127.0.0.1 in a thread, driven by Debian's Chromium through Playwright.

Skipped with a clear reason when Chromium or Playwright is missing (CI installs both); axe-core comes from the
npm registry (installed by .ci/run under .ci/npm, or found through AXE_CORE_PATH).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_CANDIDATES = [os.environ.get("AXE_CORE_PATH", ""), str(ROOT / ".ci/npm/node_modules/axe-core/axe.min.js"),
                  str(ROOT / "node_modules/axe-core/axe.min.js")]
OUTPUT = Path(os.environ.get("TEST_OUTPUT_DIR", ROOT / "test-output")) / "browser"

DEMO_PASSWORDS = {"architect": ("architect@demo.example", "demo-architect-2026"),
                  "facilities_manager": ("facilities@demo.example", "demo-facilities-2026"),
                  "director": ("director@demo.example", "demo-director-2026"),
                  "admin": ("admin@demo.example", "demo-admin-2026")}


def _need_browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (CI installs Debian's chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("Playwright for Python is not installed")


@pytest.fixture(scope="session")
def browser_app(tmp_path_factory):
    """A separate app on its own SQLite file, in demo mode, without map tiles."""
    _need_browser()
    from facilities import create_app

    database = tmp_path_factory.mktemp("browser") / "browser.sqlite3"
    app = create_app({"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "browser-tests",
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False, "DEMO_MODE": True,
                      "TILE_URL": "none"})
    return app


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


@pytest.fixture(scope="session")
def chromium():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


class Journey:
    """A signed-in browser page that records requests, saves numbered screenshots and runs axe-core."""

    def __init__(self, page, base_url: str, folder: Path):
        self.page = page
        self.base_url = base_url
        self.folder = folder
        self.step = 0
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))

    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def login(self, role: str) -> None:
        email, password = DEMO_PASSWORDS[role]
        self.open("/login")
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
        """No serious or critical axe-core violation on the current page."""
        axe = next((Path(p) for p in AXE_CANDIDATES if p and Path(p).exists()), None)
        if axe is None:
            pytest.fail("axe-core not found: run `npm install --prefix .ci/npm axe-core@4` (done by .ci/run)")
        self.page.add_script_tag(content=axe.read_text())
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"accessibility violations on {self.page.url}:\n" + "\n".join(serious)

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.base_url) and not url.startswith("data:")
                and not url.startswith("blob:")]


@pytest.fixture
def journey(chromium, live_server, fresh_demo, request):
    folder = OUTPUT / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR",
                                   accept_downloads=True)
    page = context.new_page()
    yield Journey(page, live_server, folder)
    context.close()
